package netenv

import (
	"context"
	"errors"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// PAC files that try to take the machine's memory are stopped well under
// 128 MiB, each in a process of its own whose peak is measured.
func TestPACMemoryBombs(t *testing.T) {
	for _, tc := range []struct{ name, script string }{
		{"doubling string", `function FindProxyForURL(u, h) { var s = "x"; for (var i = 0; i < 40; i++) { s += s; } return "DIRECT"; }`},
		{"doubling at load", `var s = "xy"; for (var i = 0; i < 40; i++) { s = s + s; } function FindProxyForURL(u, h) { return "DIRECT"; }`},
		{"repeat", `function FindProxyForURL(u, h) { return "x".repeat(1 << 30); }`},
		{"padEnd", `function FindProxyForURL(u, h) { return "".padEnd(1 << 30, "y"); }`},
		{"array join", `function FindProxyForURL(u, h) { return new Array(1 << 30).join("abc"); }`},
		{"growing array", `function FindProxyForURL(u, h) { var a = []; for (;;) { a.push("x" + a.length); } }`},
		{"deep recursion", `function f(n) { return f(n + 1) + 1; } function FindProxyForURL(u, h) { return f(0); }`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checktest.CheckPeak(t, func(t *testing.T) {
				env := testPACEnv()
				env.Timeout = 10 * time.Second
				p, err := CompilePAC("bomb.pac", []byte(tc.script), env)
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				_, err = p.FindProxyForURL(context.Background(), "https://x/", "x")
				var pe *PACError
				if !errors.As(err, &pe) {
					t.Fatalf("got %v, want a PAC error", err)
				}
				t.Logf("stopped after %s: %v", time.Since(start).Round(time.Millisecond), err)
			})
		})
	}
}
