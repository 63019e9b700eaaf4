package checks_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// testPingInterval is the ping connection's interval in these tests, well
// under every limit they set.
const testPingInterval = 2 * time.Second

// runIdle runs the idle run (dns, upgrade, idle) against url.
func runIdle(t *testing.T, ctx context.Context, url string, opts checks.Options) checks.Result {
	t.Helper()
	target, err := checks.ParseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	rn := &checks.Runner{Probes: checks.IdleProbes()}
	out, err := rn.Run(ctx, target, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if up := result(t, out, "upgrade"); !up.OK() {
		t.Fatalf("upgrade: %s %s %s", up.Status, up.Code, up.Reason)
	}
	return result(t, out, "idle")
}

// seconds reads an evidence value in seconds.
func seconds(t *testing.T, res checks.Result, key string) time.Duration {
	t.Helper()
	v, ok := res.Evidence.Get(key)
	if !ok {
		t.Fatalf("%s: no %s in %v", res.Probe, key, res.Evidence)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("%s: %s = %q: %v", res.Probe, key, v, err)
	}
	return time.Duration(f * float64(time.Second))
}

// near fails unless got is within IdleResolution of want.
func near(t *testing.T, what string, got, want time.Duration) {
	t.Helper()
	if d := got - want; d > checks.IdleResolution || d < -checks.IdleResolution {
		t.Errorf("%s = %v, want %v within %v", what, got, want, checks.IdleResolution)
	} else {
		t.Logf("%s = %v (configured %v)", what, got, want)
	}
}

// TestIdleThroughProxies measures the idle limits of real proxies in front
// of the reference server: the limit is found within a second, it is the
// proxy that closed, and the pinged connection survives it.
func TestIdleThroughProxies(t *testing.T) {
	backend := strings.TrimSuffix(strings.TrimPrefix(startRef(t, nil), "ws://"), "/ws")
	tests := []struct {
		name  string
		start func(t testing.TB) string
		limit time.Duration
		// ping is the configured interval when not testPingInterval;
		// longer than the limit, a retry at half the limit must answer.
		ping time.Duration
	}{
		{"haproxy timeout tunnel 5s", func(t testing.TB) string {
			return checktest.HAProxy(t, backend, "timeout tunnel 5s")
		}, 5 * time.Second, 0},
		{"haproxy timeout client 8s", func(t testing.TB) string {
			return checktest.HAProxy(t, backend, "timeout client 8s", "timeout server 30s")
		}, 8 * time.Second, 0},
		{"nginx proxy_read_timeout 5s", func(t testing.TB) string {
			return checktest.Nginx(t, backend, "proxy_read_timeout 5s;")
		}, 5 * time.Second, 0},
		{"nginx proxy_read_timeout 8s", func(t testing.TB) string {
			return checktest.Nginx(t, backend, "proxy_read_timeout 8s;")
		}, 8 * time.Second, 0},
		{"haproxy timeout tunnel 5s, pings every 20s", func(t testing.TB) string {
			return checktest.HAProxy(t, backend, "timeout tunnel 5s")
		}, 5 * time.Second, checks.DefaultPingInterval},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := tc.start(t)
			length, ping := tc.limit+3*time.Second, testPingInterval
			ev := map[string]string{
				"closed_by": "remote", "pings_help": "yes", "ping_end": checks.EndOpen, "ping_interval_ok": "yes",
				"keepalive": "on", "keepalive_helps": "no", "ping_retry_end": "-",
			}
			if tc.ping != 0 {
				// The retry must outlive the limit after it is found.
				length, ping = 2*tc.limit+2*time.Second, tc.ping
				ev["ping_end"], ev["ping_interval_ok"] = checks.EndFIN, "no"
				ev["ping_retry_end"], ev["ping_retry_interval_s"] = checks.EndOpen, "2.5"
			}
			start := time.Now()
			res := runIdle(t, context.Background(), "ws://"+addr+"/ws", checks.Options{Idle: length, PingInterval: ping})
			t.Logf("%s %s: %s; %v", res.Status, res.Code, res.Reason, res.Evidence)
			want(t, res, checks.Warn, checks.CodeIdleLimit, ev)
			if how := res.Evidence.Value("ended_by"); how != checks.EndFIN && how != checks.EndReset && how != checks.EndCloseFrame {
				t.Errorf("ended_by = %q, want a loud ending", how)
			}
			near(t, "limit_s", seconds(t, res, "limit_s"), tc.limit)
			near(t, "survived_s", seconds(t, res, "survived_s"), tc.limit)
			if el := time.Since(start); el > length+5*time.Second {
				t.Errorf("the idle run took %v for a %v length", el, length)
			}
		})
	}
}

// TestIdleSilentDrop: a middle box that forgets idle connections without a
// word. The ladder finds the limit within a second, the connection is
// reported silently dead within the pong wait of the ping that found it,
// and pings keep a connection alive.
func TestIdleSilentDrop(t *testing.T) {
	t.Parallel()
	const limit = 3 * time.Second
	backend := strings.TrimSuffix(strings.TrimPrefix(startRef(t, nil), "ws://"), "/ws")
	relay := checktest.NewDropRelay(t, backend, limit)
	const length = 8 * time.Second
	start := time.Now()
	res := runIdle(t, context.Background(), "ws://"+relay.Addr+"/ws", checks.Options{Idle: length, PingInterval: testPingInterval})
	took := time.Since(start)
	t.Logf("%s %s: %s; %v (in %v)", res.Status, res.Code, res.Reason, res.Evidence, took)
	want(t, res, checks.Warn, checks.CodeIdleLimit, map[string]string{
		"ended_by": checks.EndSilent, "closed_by": "nobody", "idle_end": checks.EndSilent,
		"pings_help": "yes", "ping_end": checks.EndOpen, "keepalive_end": checks.EndSilent,
	})
	near(t, "limit_s", seconds(t, res, "limit_s"), limit)
	lo, hi := seconds(t, res, "limit_min_s"), seconds(t, res, "limit_max_s")
	if hi-lo > checks.IdleResolution || lo > limit || hi < limit {
		t.Errorf("limit bracket [%v, %v], want %v inside, at most %v wide", lo, hi, limit, checks.IdleResolution)
	}
	// The idle connection's last ping goes at the end of the length: it
	// is found dead one pong wait later, not after some long timeout.
	wait := seconds(t, res, "pong_wait_s")
	if end := seconds(t, res, "idle_end_s"); end > length+wait+500*time.Millisecond {
		t.Errorf("idle connection found dead %v after it opened, want by %v + %v", end, length, wait)
	}
	if took > length+wait+checks.DefaultProbeTimeout {
		t.Errorf("the run took %v", took)
	}
}

// TestIdleBlackhole: a network that stops passing anything while a pinged
// connection is open. The ping connection is found silently dead within
// its interval and pong wait, and the probe reports a dropped connection.
func TestIdleBlackhole(t *testing.T) {
	t.Parallel()
	backend := strings.TrimSuffix(strings.TrimPrefix(startRef(t, nil), "ws://"), "/ws")
	relay := checktest.NewDropRelay(t, backend, time.Hour)
	const after = 3 * time.Second
	cut := time.AfterFunc(after, relay.Blackhole) // the event under test
	defer cut.Stop()
	res := runIdle(t, context.Background(), "ws://"+relay.Addr+"/ws", checks.Options{Idle: 8 * time.Second, PingInterval: testPingInterval})
	t.Logf("%s %s: %s; %v", res.Status, res.Code, res.Reason, res.Evidence)
	want(t, res, checks.Fail, checks.CodeDropped, map[string]string{"ping_end": checks.EndSilent, "closed_by": "nobody"})
	wait := seconds(t, res, "pong_wait_s")
	if end := seconds(t, res, "ping_end_s"); end > after+testPingInterval+wait+500*time.Millisecond {
		t.Errorf("ping connection found dead %v after it opened, want within %v + %v + %v", end, after, testPingInterval, wait)
	}
}

// TestIdleSurvives: the reference server keeps idle WebSockets open.
func TestIdleSurvives(t *testing.T) {
	t.Parallel()
	const length = 3 * time.Second
	res := runIdle(t, context.Background(), startRef(t, nil), checks.Options{Idle: length, PingInterval: time.Second})
	want(t, res, checks.Pass, checks.CodeOK, map[string]string{
		"idle_end": checks.EndOpen, "ping_end": checks.EndOpen, "keepalive_end": checks.EndOpen,
		"limit_s": "-", "length_s": "3.0", "required_s": "120.0",
	})
	if s := seconds(t, res, "survived_s"); s < length {
		t.Errorf("survived_s = %v, want %v", s, length)
	}
	if n, _ := strconv.Atoi(res.Evidence.Value("ping_pongs")); n < 2 {
		t.Errorf("ping_pongs = %d, want at least 2 in %v at 1 s", n, length)
	}
}

// TestIdleCancel: cancelling ends the idle run at once.
func TestIdleCancel(t *testing.T) {
	t.Parallel()
	url := startRef(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	target, err := checks.ParseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	var cancelledAt time.Time
	rn := &checks.Runner{Probes: checks.IdleProbes(), OnEvent: func(e checks.Event) {
		if e.Kind == checks.EventStarted && e.Probe == "idle" {
			cancelledAt = time.Now()
			cancel()
		}
	}}
	out, err := rn.Run(ctx, target, checks.Options{Idle: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(cancelledAt); el > time.Second {
		t.Errorf("Run returned %v after cancel", el)
	}
	want(t, result(t, out, "idle"), checks.Fail, checks.CodeCancelled, nil)
	if !out.Cancelled {
		t.Error("Cancelled not set")
	}
}

// TestIdleOptions: the idle length is bounded, and the idle probe joins a
// default run only when asked for.
func TestIdleOptions(t *testing.T) {
	target, _ := checks.ParseTarget("ws://127.0.0.1:1/")
	for _, d := range []time.Duration{-time.Second, checks.MaxIdle + time.Second} {
		if _, err := (&checks.Runner{}).Run(context.Background(), target, checks.Options{Idle: d}); err == nil || !strings.Contains(err.Error(), "idle") {
			t.Errorf("Idle %v: err = %v, want one about the idle length", d, err)
		}
	}
}
