package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

func TestEcho(t *testing.T) {
	rtts := []string{
		"rtt_text_1b_ms", "rtt_binary_1b_ms", "rtt_text_1kib_ms", "rtt_binary_1kib_ms",
		"rtt_text_64kib_ms", "rtt_binary_64kib_ms", "rtt_ping_ms",
	}
	tests := []struct {
		name    string
		url     func(t testing.TB) string
		timeout time.Duration
		status  engine.Status
		code    string
		ev      map[string]string
	}{
		{
			name: "echo server", url: func(t testing.TB) string { return startRef(t, nil) },
			status: engine.Pass, code: "ok",
			ev: map[string]string{
				"messages_sent": "6", "messages_echoed": "6",
				"missing": "-", "close_code": "-", "mangled": "-",
			},
		},
		{
			name: "closed after 101 without a close frame", url: func(t testing.TB) string { return checktest.CloseAfterUpgrade(t, 0, "") },
			status: engine.Fail, code: "closed",
			ev: map[string]string{"close_code": "1006", "close_frame": "no", "messages_echoed": "0", "close_reason": "-"},
		},
		{
			name: "closed after 101 with a close frame", url: func(t testing.TB) string {
				return checktest.CloseAfterUpgrade(t, websocket.ClosePolicyViolation, "not allowed here")
			},
			status: engine.Fail, code: "closed",
			ev: map[string]string{"close_code": "1008", "close_frame": "yes", "close_reason": "not allowed here"},
		},
		{
			name: "reset after 101", url: checktest.ResetAfterUpgrade,
			status: engine.Fail, code: "reset",
			ev: map[string]string{"messages_echoed": "0"},
		},
		{
			// The probe's own deadline comes before NoEchoWait.
			name: "never echoes, short probe timeout", url: checktest.NoEcho, timeout: time.Second,
			status: engine.Warn, code: "no_echo",
			ev: map[string]string{"messages_echoed": "0", "missing": "text_1b,binary_1b,text_1kib,binary_1kib,text_64kib,binary_64kib", "rtt_ping_ms": "*"},
		},
		{
			name: "never echoes", url: checktest.NoEcho,
			status: engine.Warn, code: "no_echo",
			ev: map[string]string{"messages_echoed": "0", "rtt_ping_ms": "*"},
		},
		{
			name: "mangles", url: checktest.Mangle,
			status: engine.Fail, code: "mangled",
			ev: map[string]string{"mangled": "*", "mangled_len": "*"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && tc.timeout == 0 && tc.code == "no_echo" {
				t.Skip("waits NoEchoWait")
			}
			out := runCheck(t, nil, tc.url(t), engine.Options{ProbeTimeout: tc.timeout})
			want(t, result(t, out, "upgrade"), engine.Pass, "ok", nil)
			echo := result(t, out, "echo")
			want(t, echo, tc.status, tc.code, tc.ev)
			if tc.status == engine.Pass {
				for _, k := range rtts {
					if _, ok := echo.Evidence.Get(k); !ok {
						t.Errorf("no %s in %v", k, echo.Evidence)
					}
				}
				hasTiming(t, echo, engine.PhaseFirstMessage)
			}
			limit := tc.timeout
			if limit == 0 {
				limit = engine.NoEchoWait
			}
			if tc.status == engine.Pass {
				// A healthy echo climbs the integrity ladder (1 MiB
				// messages, compressed): bounded by the probe's time.
				limit = engine.DefaultProbeTimeout
			}
			if echo.Duration > limit+2*time.Second { // slack for -race on a busy machine
				t.Errorf("echo took %v, want it bounded by %v", echo.Duration, limit)
			}
		})
	}
}

// TestEchoCancel checks that cancelling the run ends an echo probe that is
// waiting for replies at once.
func TestEchoCancel(t *testing.T) {
	target, err := engine.ParseTarget(checktest.NoEcho(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rn := &engine.Runner{
		Probes: probesUnderTest(),
		OnEvent: func(e engine.Event) {
			if e.Kind == engine.EventStarted && e.Probe == engine.ProbeEcho {
				cancel()
			}
		},
	}
	start := time.Now()
	out, err := rn.Run(ctx, target, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el >= engine.NoEchoWait {
		t.Errorf("cancelled run took %v", el)
	}
	if !out.Cancelled {
		t.Errorf("outcome not marked cancelled")
	}
	want(t, result(t, out, "echo"), engine.Fail, "cancelled", nil)
}
