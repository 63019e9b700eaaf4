package engine

import (
	"errors"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	good := []struct {
		in, url, display string
		port             int
	}{
		{"wss://example.com/socket", "wss://example.com/socket", "wss://example.com/socket", 443},
		{"ws://example.com", "ws://example.com/", "ws://example.com/", 80},
		{"https://example.com:8443/a/b?x=1", "wss://example.com:8443/a/b?x=1", "wss://example.com:8443/a/b?x=1", 8443},
		{"http://example.com/ws", "ws://example.com/ws", "ws://example.com/ws", 80},
		{"HTTPS://Example.COM/ws", "wss://example.com/ws", "wss://example.com/ws", 443},
		{"example.com", "wss://example.com/", "wss://example.com/", 443},
		{"example.com:9000/ws", "wss://example.com:9000/ws", "wss://example.com:9000/ws", 9000},
		{"  wss://example.com/  ", "wss://example.com/", "wss://example.com/", 443},
		{"127.0.0.1:8765/ws", "wss://127.0.0.1:8765/ws", "wss://127.0.0.1:8765/ws", 8765},
		{"ws://[::1]:8765/ws", "ws://[::1]:8765/ws", "ws://[::1]:8765/ws", 8765},
		{"wss://bücher.example/ws", "wss://xn--bcher-kva.example/ws", "wss://bücher.example/ws", 443},
		{"wss://xn--bcher-kva.example/ws", "wss://xn--bcher-kva.example/ws", "wss://bücher.example/ws", 443},
		{"wss://user:pw@example.com/ws", "wss://example.com/ws", "wss://example.com/ws", 443},
		{"wss://example.com./ws", "wss://example.com/ws", "wss://example.com/ws", 443},
		{"wss://example.com:443/ws", "wss://example.com/ws", "wss://example.com/ws", 443},
	}
	for _, tc := range good {
		t.Run(tc.in, func(t *testing.T) {
			tg, err := ParseTarget(tc.in)
			if err != nil {
				t.Fatalf("ParseTarget: %v", err)
			}
			if got := tg.URL(); got != tc.url {
				t.Errorf("URL() = %q, want %q", got, tc.url)
			}
			if got := tg.String(); got != tc.display {
				t.Errorf("String() = %q, want %q", got, tc.display)
			}
			if tg.Port != tc.port {
				t.Errorf("Port = %d, want %d", tg.Port, tc.port)
			}
		})
	}

	bad := []struct{ in, part string }{
		{"", "address"},
		{"   ", "address"},
		{"ht!tp://x", "scheme"},
		{"ftp://example.com", "scheme"},
		{"wss:/example.com", "scheme"},
		{"mailto:me@example.com", "scheme"},
		{"wss://", "host"},
		{"wss://:443/ws", "host"},
		{"wss://example.com:99999/", "port"},
		{"wss://example.com:0/", "port"},
		{"wss://example.com:abc/", "port"},
		{"wss://example.com:/", "port"},
		{"wss://exa mple.com/", "address"},
		{"wss://[::1/ws", "host"},
		{"wss://ex_ample..com/", "host"},
		{"wss://example.com/ws#frag", "path"},
	}
	for _, tc := range bad {
		t.Run("bad "+tc.in, func(t *testing.T) {
			_, err := ParseTarget(tc.in)
			var te *TargetError
			if !errors.As(err, &te) {
				t.Fatalf("ParseTarget(%q) error = %v, want a *TargetError", tc.in, err)
			}
			if te.Part != tc.part {
				t.Errorf("Part = %q, want %q (%v)", te.Part, tc.part, err)
			}
		})
	}
}

func TestTargetHTTPURL(t *testing.T) {
	for in, want := range map[string]string{
		"wss://example.com/ws?a=1": "https://example.com/ws?a=1",
		"ws://example.com:8080/ws": "http://example.com:8080/ws",
	} {
		tg, err := ParseTarget(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := tg.HTTPURL(); got != want {
			t.Errorf("HTTPURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseTargetBareForms(t *testing.T) {
	for in, part := range map[string]string{
		"example.com:/ws":  "port",
		"example.com:":     "port",
		"localhost:abc/ws": "scheme",
	} {
		_, err := ParseTarget(in)
		var te *TargetError
		if !errors.As(err, &te) || te.Part != part {
			t.Errorf("ParseTarget(%q) = %v, want a %s error", in, err, part)
		}
	}
}

func TestTargetIsLoopback(t *testing.T) {
	for raw, want := range map[string]bool{
		"ws://127.0.0.1:8765/":        true,
		"ws://127.200.1.9/":           true,
		"ws://[::1]:8765/":            true,
		"ws://[::ffff:127.0.0.1]/":    true,
		"ws://localhost:8765/":        true,
		"wss://LocalHost./":           true,
		"ws://10.0.0.1/":              false,
		"ws://[2001:db8::1]/":         false,
		"wss://app.example.com/":      false,
		"wss://localhost.example.com": false,
	} {
		tg, err := ParseTarget(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if got := tg.IsLoopback(); got != want {
			t.Errorf("%s: IsLoopback() = %v, want %v", raw, got, want)
		}
	}
}

// TestParseTargetPage: a web page's address is told from a WebSocket's.
func TestParseTargetPage(t *testing.T) {
	for raw, page := range map[string]bool{
		"https://app.example.com/workspace": true, "http://app.example.com": true, "app.example.com": true,
		"app.example.com/": true, "app.example.com:8443": true, "app.example.com/socket": false,
		"wss://app.example.com/": false, "ws://app.example.com": false, "app.example.com?x=1": false,
	} {
		tg, err := ParseTarget(raw)
		if err != nil {
			t.Fatal(err)
		}
		if tg.Page != page {
			t.Errorf("%s: Page = %v, want %v", raw, tg.Page, page)
		}
	}
}

// TestTargetErrorHidesPassword: an address that does not parse is echoed
// without what stands before the "@" of its authority, however odd it is.
func TestTargetErrorHidesPassword(t *testing.T) {
	for _, in := range []string{"://:s3cretpw@h", "A:// 0:s3cretpw@00", "gopher://u:s3cretpw@h/x", "u:s3cretpw@host:abc/ws", "wss://u:s3cretpw@h:99999/"} {
		_, err := ParseTarget(in)
		if err == nil {
			t.Errorf("%q parsed", in)
			continue
		}
		if strings.Contains(err.Error(), "s3cretpw") {
			t.Errorf("%q: error shows the password: %v", in, err)
		}
	}
}
