package engine_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// testPingInterval is the ping connection's interval in these tests, well
// under every limit they set.
const testPingInterval = 2 * time.Second

// runIdle runs the idle run (dns, upgrade, idle) against url.
func runIdle(ctx context.Context, url string, opts engine.Options) (engine.Outcome, error) {
	target, err := engine.ParseTarget(url)
	if err != nil {
		return engine.Outcome{}, err
	}
	rn := &engine.Runner{Probes: engine.IdleProbes()}
	return rn.Run(ctx, target, opts)
}

// seconds reads an evidence value in seconds.
func seconds(t *testing.T, res engine.Result, key string) time.Duration {
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
	if d := got - want; d > engine.IdleResolution || d < -engine.IdleResolution {
		t.Errorf("%s = %v, want %v within %v", what, got, want, engine.IdleResolution)
	} else {
		t.Logf("%s = %v (configured %v)", what, got, want)
	}
}

// idleCase is one idle scenario: what to start, how long to hold, what to
// check in the idle probe's result.
type idleCase struct {
	name string
	// needs names a real part that must be installed (haproxy, nginx).
	needs string
	// setup starts the path under test and returns the ws:// URL; it may
	// arm an event timed from the start of the run (start).
	setup func(t *testing.T) (url string, start func())
	opts  engine.Options
	check func(t *testing.T, res engine.Result, took time.Duration)
}

// TestIdle runs every idle scenario at once, as each mostly waits on the
// clock: real proxies whose idle limits are measured within a second, a
// middle box dropping idle connections silently, a network going dark under
// a pinged connection, the reference server keeping everything open. They
// share the wall clock, not -parallel slots, so the whole takes as long as
// the longest.
func TestIdle(t *testing.T) {
	t.Parallel()
	// One echo server behind every case's middle box: all their
	// connections come from 127.0.0.1 at once, and those a box drops
	// silently stay open at the server, so it takes more from one address
	// than serve's default (refserver.MaxPerIP).
	ref, err := refserver.StartConfig("127.0.0.1:0", refserver.Config{PerIP: 1024})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ref.Close() })
	backend := strings.TrimSuffix(strings.TrimPrefix(ref.URL, "ws://"), "/ws")
	proxied := func(name string, limit time.Duration, start func(t testing.TB) string) idleCase {
		length := limit + 3*time.Second
		return idleCase{
			name: name, needs: strings.Fields(name)[0],
			setup: func(t *testing.T) (string, func()) { return "ws://" + start(t) + "/ws", nil },
			opts:  engine.Options{Idle: length, PingInterval: testPingInterval},
			check: func(t *testing.T, res engine.Result, took time.Duration) {
				want(t, res, engine.Warn, engine.CodeIdleLimit, map[string]string{
					"closed_by": "remote", "pings_help": "yes", "ping_end": engine.EndOpen, "ping_interval_ok": "yes",
					"keepalive": "on", "keepalive_helps": "no", "ping_retry_end": "-",
				})
				if how := res.Evidence.Value("ended_by"); how != engine.EndFIN && how != engine.EndReset && how != engine.EndCloseFrame {
					t.Errorf("ended_by = %q, want a loud ending", how)
				}
				near(t, "limit_s", seconds(t, res, "limit_s"), limit)
				near(t, "survived_s", seconds(t, res, "survived_s"), limit)
				if took > length+5*time.Second {
					t.Errorf("the idle run took %v for a %v length", took, length)
				}
			},
		}
	}
	var cut *checktest.DropRelay
	cases := []idleCase{
		proxied("haproxy timeout tunnel 5s", 5*time.Second, func(t testing.TB) string {
			return checktest.HAProxy(t, backend, "timeout tunnel 5s")
		}),
		proxied("haproxy timeout client 8s", 8*time.Second, func(t testing.TB) string {
			return checktest.HAProxy(t, backend, "timeout client 8s")
		}),
		proxied("nginx proxy_read_timeout 5s", 5*time.Second, func(t testing.TB) string {
			return checktest.Nginx(t, backend, "proxy_read_timeout 5s;")
		}),
		proxied("nginx proxy_read_timeout 8s", 8*time.Second, func(t testing.TB) string {
			return checktest.Nginx(t, backend, "proxy_read_timeout 8s;")
		}),
		{
			// The app's 20 s pings cannot beat a 5 s limit; the
			// retry at half the limit shows that pings would.
			name: "haproxy timeout tunnel 5s, pings every 20s", needs: "haproxy",
			setup: func(t *testing.T) (string, func()) {
				return "ws://" + checktest.HAProxy(t, backend, "timeout tunnel 5s") + "/ws", nil
			},
			opts: engine.Options{Idle: 12 * time.Second, PingInterval: engine.DefaultPingInterval},
			check: func(t *testing.T, res engine.Result, _ time.Duration) {
				want(t, res, engine.Warn, engine.CodeIdleLimit, map[string]string{
					"pings_help": "yes", "ping_interval_ok": "no", "ping_end": engine.EndFIN,
					"ping_retry_end": engine.EndOpen,
				})
				limit := seconds(t, res, "limit_s")
				near(t, "limit_s", limit, 5*time.Second)
				// The retry pings at half the limit measured (5 s, or a
				// little more when the machine is busy).
				if d := seconds(t, res, "ping_retry_interval_s") - limit/2; d > 100*time.Millisecond || d < -100*time.Millisecond {
					t.Errorf("ping_retry_interval_s = %v, want half of limit_s %v", seconds(t, res, "ping_retry_interval_s"), limit)
				}
			},
		},
		{
			// A middle box that forgets idle connections without a
			// word: the ladder brackets the limit within a second,
			// the idle connection is found dead one pong wait after
			// its last ping, and pings keep a connection alive.
			name: "silent drop after 3s",
			setup: func(t *testing.T) (string, func()) {
				return "ws://" + checktest.NewDropRelay(t, backend, 3*time.Second).Addr + "/ws", nil
			},
			opts: engine.Options{Idle: 8 * time.Second, PingInterval: testPingInterval},
			check: func(t *testing.T, res engine.Result, took time.Duration) {
				const limit, length = 3 * time.Second, 8 * time.Second
				want(t, res, engine.Warn, engine.CodeIdleLimit, map[string]string{
					"ended_by": engine.EndSilent, "closed_by": "nobody", "idle_end": engine.EndSilent,
					"pings_help": "yes", "ping_end": engine.EndOpen, "keepalive_end": engine.EndSilent,
				})
				near(t, "limit_s", seconds(t, res, "limit_s"), limit)
				lo, hi := seconds(t, res, "limit_min_s"), seconds(t, res, "limit_max_s")
				if hi-lo > engine.IdleResolution || lo > limit || hi < limit {
					t.Errorf("limit bracket [%v, %v], want %v inside, at most %v wide", lo, hi, limit, engine.IdleResolution)
				}
				wait := seconds(t, res, "pong_wait_s")
				if end := seconds(t, res, "idle_end_s"); end > length+wait+500*time.Millisecond {
					t.Errorf("idle connection found dead %v after it opened, want by %v + %v", end, length, wait)
				}
				if took > length+wait+time.Second {
					t.Errorf("the run took %v", took)
				}
			},
		},
		{
			// A network that stops passing anything under a pinged
			// connection: found silently dead within its interval
			// and pong wait, and reported as a dropped connection.
			name: "blackhole after 3s",
			setup: func(t *testing.T) (string, func()) {
				cut = checktest.NewDropRelay(t, backend, time.Hour)
				return "ws://" + cut.Addr + "/ws", func() {
					tm := time.AfterFunc(3*time.Second, cut.Blackhole) // the event under test
					t.Cleanup(func() { tm.Stop() })
				}
			},
			opts: engine.Options{Idle: 8 * time.Second, PingInterval: testPingInterval},
			check: func(t *testing.T, res engine.Result, _ time.Duration) {
				want(t, res, engine.Fail, engine.CodeDropped, map[string]string{"ping_end": engine.EndSilent, "closed_by": "nobody", "limit_s": "-"})
				wait := seconds(t, res, "pong_wait_s")
				if end := seconds(t, res, "ping_end_s"); end > 3*time.Second+testPingInterval+wait+500*time.Millisecond {
					t.Errorf("ping connection found dead %v after it opened, want within 3s + %v + %v", end, testPingInterval, wait)
				}
			},
		},
		{
			// A middle box that ends every connection 8 s after it
			// opened, busy or not: all three end at the same age,
			// the busy one 2 s later than the others.
			name: "lifetime 8s",
			setup: func(t *testing.T) (string, func()) {
				return "ws://" + checktest.LifetimeRelay(t, backend, 8*time.Second) + "/ws", nil
			},
			opts: engine.Options{Idle: 12 * time.Second, PingInterval: testPingInterval},
			check: func(t *testing.T, res engine.Result, _ time.Duration) {
				want(t, res, engine.Warn, engine.CodeMaxLifetime, map[string]string{
					"data_helps": "no", "closed_by": "remote", "limit_s": "-", "busy_opened_s": "*",
				})
				near(t, "lifetime_s", seconds(t, res, "lifetime_s"), 8*time.Second)
				near(t, "idle_end_s", seconds(t, res, "idle_end_s"), 8*time.Second)
				near(t, "ping_end_s", seconds(t, res, "ping_end_s"), 8*time.Second)
				near(t, "busy_end_s", seconds(t, res, "busy_end_s"), 8*time.Second)
			},
		},
		{
			// A load balancer that counts data frames only, drops
			// pings and cuts after 6 s without data: the busy
			// connection lives on, the silent and pinged ones end.
			name: "data only, cut after 6s",
			setup: func(t *testing.T) (string, func()) {
				return checktest.DataOnlyRelay(t, backend, "/ws", 6*time.Second), nil
			},
			opts: engine.Options{Idle: 10 * time.Second, PingInterval: testPingInterval},
			check: func(t *testing.T, res engine.Result, _ time.Duration) {
				want(t, res, engine.Warn, engine.CodePingsIgnored, map[string]string{
					"data_helps": "yes", "pings_help": "no", "busy_end": engine.EndOpen, "closed_by": "remote",
					"lifetime_s": "-",
				})
				near(t, "limit_s", seconds(t, res, "limit_s"), 6*time.Second)
			},
		},
		{
			// The service goes away under every connection at once
			// (issue 25 item 9): they end at the same instant, at
			// ages 2 s apart, a dropped connection, not a lifetime.
			name: "everything closed at 6s",
			setup: func(t *testing.T) (string, func()) {
				gone := checktest.NewDropRelay(t, backend, time.Hour)
				return "ws://" + gone.Addr + "/ws", func() {
					tm := time.AfterFunc(6*time.Second, gone.Close) // the event under test
					t.Cleanup(func() { tm.Stop() })
				}
			},
			opts: engine.Options{Idle: 10 * time.Second, PingInterval: testPingInterval},
			check: func(t *testing.T, res engine.Result, _ time.Duration) {
				want(t, res, engine.Fail, engine.CodeDropped, map[string]string{"lifetime_s": "-", "busy_end": "*"})
				if b, i := seconds(t, res, "busy_end_s"), seconds(t, res, "idle_end_s"); i-b < engine.IdleResolution {
					t.Errorf("busy connection ended at age %v, idle one at %v: want them %v apart", b, i, 2*time.Second)
				}
			},
		},
		{
			name:  "reference server keeps them open",
			setup: func(t *testing.T) (string, func()) { return startRef(t, nil), nil },
			opts:  engine.Options{Idle: 3 * time.Second, PingInterval: time.Second},
			check: func(t *testing.T, res engine.Result, _ time.Duration) {
				want(t, res, engine.Pass, engine.CodeOK, map[string]string{
					"idle_end": engine.EndOpen, "ping_end": engine.EndOpen, "keepalive_end": engine.EndOpen,
					"limit_s": "-", "length_s": "3.0", "required_s": "120.0",
				})
				if s := seconds(t, res, "survived_s"); s < 3*time.Second {
					t.Errorf("survived_s = %v, want 3s", s)
				}
				if n, _ := strconv.Atoi(res.Evidence.Value("ping_pongs")); n < 2 {
					t.Errorf("ping_pongs = %d, want at least 2 in 3 s at 1 s", n)
				}
			},
		},
	}

	type outcome struct {
		out  engine.Outcome
		err  error
		took time.Duration
	}
	results := make([]outcome, len(cases))
	skipped := make([]bool, len(cases))
	var wg sync.WaitGroup
	for i, tc := range cases {
		if tc.needs != "" && !checktest.Installed(tc.needs) {
			skipped[i] = true
			continue
		}
		url, start := tc.setup(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if start != nil {
				start()
			}
			t0 := time.Now()
			out, err := runIdle(context.Background(), url, tc.opts)
			results[i] = outcome{out, err, time.Since(t0)}
		}()
	}
	wg.Wait()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if skipped[i] {
				t.Skipf("%s is not installed (Debian: apt-get install haproxy nginx-light)", tc.needs)
			}
			r := results[i]
			if r.err != nil {
				t.Fatalf("Run: %v", r.err)
			}
			if up := result(t, r.out, "upgrade"); !up.OK() {
				t.Fatalf("upgrade: %s %s %s", up.Status, up.Code, up.Reason)
			}
			res := result(t, r.out, "idle")
			t.Logf("%s %s in %v: %s; %v", res.Status, res.Code, r.took.Round(time.Millisecond), res.Reason, res.Evidence)
			tc.check(t, res, r.took)
		})
	}
}

// TestIdleCancel: cancelling ends the idle run at once.
func TestIdleCancel(t *testing.T) {
	t.Parallel()
	url := startRef(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	target, err := engine.ParseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	var cancelledAt time.Time
	rn := &engine.Runner{Probes: engine.IdleProbes(), OnEvent: func(e engine.Event) {
		if e.Kind == engine.EventStarted && e.Probe == engine.ProbeIdle {
			cancelledAt = time.Now()
			cancel()
		}
	}}
	out, err := rn.Run(ctx, target, engine.Options{Idle: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(cancelledAt); el > time.Second {
		t.Errorf("Run returned %v after cancel", el)
	}
	want(t, result(t, out, "idle"), engine.Fail, engine.CodeCancelled, nil)
	if !out.Cancelled {
		t.Error("Cancelled not set")
	}
}

// TestIdleOptions: the idle length is bounded, and the idle probe joins a
// default run only when asked for.
func TestIdleOptions(t *testing.T) {
	target, _ := engine.ParseTarget("ws://127.0.0.1:1/")
	for _, d := range []time.Duration{-time.Second, engine.MaxIdle + time.Second} {
		if _, err := (&engine.Runner{}).Run(context.Background(), target, engine.Options{Idle: d}); err == nil || !strings.Contains(err.Error(), "idle") {
			t.Errorf("Idle %v: err = %v, want one about the idle length", d, err)
		}
	}
	for _, tc := range []struct {
		idle time.Duration
		has  bool
	}{{0, false}, {time.Second, true}} {
		out, err := (&engine.Runner{}).Run(context.Background(), target, engine.Options{Idle: tc.idle})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := out.Result(engine.ProbeIdle); ok != tc.has {
			t.Errorf("Idle %v: idle probe in the run = %v, want %v", tc.idle, ok, tc.has)
		}
	}
}
