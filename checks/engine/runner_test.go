package engine

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

func TestMain(m *testing.M) {
	checktest.ServeH2IfAsked()
	serveWatchBenchIfAsked()
	goleak.VerifyTestMain(m)
}

// fixed returns a probe that ends with status st at once.
func fixed(name string, st Status, needs, after []string) Probe {
	return Probe{Name: name, Needs: needs, After: after, Run: func(ctx context.Context, r *ProbeRun) Result {
		res := r.Result()
		res.Status, res.Reason = st, name+" says "+string(st)
		return res
	}}
}

// blocking returns a probe that waits for ctx and then fails with its error.
func blocking(name string, started chan<- string) Probe {
	return Probe{Name: name, Run: func(ctx context.Context, r *ProbeRun) Result {
		if started != nil {
			started <- name
		}
		<-ctx.Done()
		res := r.Result()
		res.Status, res.Error = Fail, ctx.Err().Error()
		return res
	}}
}

func mustTarget(t testing.TB, s string) Target {
	t.Helper()
	tg, err := ParseTarget(s)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func TestRunnerDependencies(t *testing.T) {
	tests := []struct {
		name   string
		probes []Probe
		want   map[string]Status
		reason map[string]string
	}{
		{
			name:   "need failed skips",
			probes: []Probe{fixed("a", Fail, nil, nil), fixed("b", Pass, []string{"a"}, nil), fixed("c", Pass, []string{"b"}, nil)},
			want:   map[string]Status{"a": Fail, "b": Skip, "c": Skip},
			reason: map[string]string{"b": "needs a, which failed", "c": "needs b, which was skipped"},
		},
		{
			name:   "need warned runs",
			probes: []Probe{fixed("a", Warn, nil, nil), fixed("b", Pass, []string{"a"}, nil)},
			want:   map[string]Status{"a": Warn, "b": Pass},
		},
		{
			name:   "after failed turns failure into skip",
			probes: []Probe{fixed("a", Fail, nil, nil), fixed("b", Fail, nil, []string{"a"})},
			want:   map[string]Status{"a": Fail, "b": Skip},
			reason: map[string]string{"b": "a failed"},
		},
		{
			name:   "after failed leaves a pass alone",
			probes: []Probe{fixed("a", Fail, nil, nil), fixed("b", Pass, nil, []string{"a"})},
			want:   map[string]Status{"a": Fail, "b": Pass},
		},
		{
			name:   "after a probe left out of the run is ignored",
			probes: []Probe{fixed("b", Fail, nil, []string{"not-in-this-run"})},
			want:   map[string]Status{"b": Fail},
		},
		{
			name:   "after passed keeps the failure",
			probes: []Probe{fixed("a", Pass, nil, nil), fixed("b", Fail, nil, []string{"a"})},
			want:   map[string]Status{"a": Pass, "b": Fail},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rn := &Runner{Probes: tc.probes}
			out, err := rn.Run(context.Background(), mustTarget(t, "ws://127.0.0.1:1/"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Results) != len(tc.probes) {
				t.Fatalf("got %d results, want %d", len(out.Results), len(tc.probes))
			}
			for i, res := range out.Results {
				if res.Probe != tc.probes[i].Name {
					t.Errorf("result %d is %q, want %q (probe order)", i, res.Probe, tc.probes[i].Name)
				}
				if res.Status != tc.want[res.Probe] {
					t.Errorf("%s: status %s, want %s (%s)", res.Probe, res.Status, tc.want[res.Probe], res.Reason)
				}
				if w := tc.reason[res.Probe]; w != "" && !strings.Contains(res.Reason, w) {
					t.Errorf("%s: reason %q does not say %q", res.Probe, res.Reason, w)
				}
			}
		})
	}
}

func TestRunnerRejectsBadGraphs(t *testing.T) {
	for name, probes := range map[string][]Probe{
		"cycle":     {fixed("a", Pass, []string{"b"}, nil), fixed("b", Pass, nil, []string{"a"})},
		"unknown":   {fixed("a", Pass, []string{"zz"}, nil)},
		"duplicate": {fixed("a", Pass, nil, nil), fixed("a", Pass, nil, nil)},
	} {
		t.Run(name, func(t *testing.T) {
			rn := &Runner{Probes: probes}
			if _, err := rn.Run(context.Background(), mustTarget(t, "ws://127.0.0.1:1/"), Options{}); err == nil {
				t.Fatal("Run accepted a bad probe graph")
			}
		})
	}
}

// TestRunnerConcurrent fails (by its probe timeout) if independent probes
// run one after the other: each waits until the other has started.
func TestRunnerConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(2)
	rendezvous := func(name string) Probe {
		return Probe{Name: name, Run: func(ctx context.Context, r *ProbeRun) Result {
			res := r.Result()
			wg.Done()
			waited := make(chan struct{})
			go func() { wg.Wait(); close(waited) }()
			select {
			case <-waited:
				res.Status = Pass
			case <-ctx.Done():
				res.Status, res.Reason = Fail, "the other probe never started"
				wg.Done() // release the helper goroutine
			}
			return res
		}}
	}
	rn := &Runner{Probes: []Probe{rendezvous("a"), rendezvous("b")}}
	out, err := rn.Run(context.Background(), mustTarget(t, "ws://127.0.0.1:1/"), Options{ProbeTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Results {
		if r.Status != Pass {
			t.Errorf("%s: %s %s", r.Probe, r.Status, r.Reason)
		}
	}
}

func TestRunnerCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan string, 2)
	rn := &Runner{Probes: []Probe{
		blocking("a", started),
		blocking("b", started),
		fixed("c", Pass, []string{"a"}, nil),
	}}
	type ret struct {
		out Outcome
		err error
	}
	done := make(chan ret, 1)
	go func() {
		out, err := rn.Run(ctx, mustTarget(t, "ws://127.0.0.1:1/"), Options{ProbeTimeout: time.Minute, Deadline: time.Minute})
		done <- ret{out, err}
	}()
	<-started
	<-started
	cancel()
	var r ret
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !r.out.Cancelled || r.out.DeadlineHit {
		t.Errorf("Cancelled=%v DeadlineHit=%v, want true, false", r.out.Cancelled, r.out.DeadlineHit)
	}
	for _, res := range r.out.Results[:2] {
		if res.Code != CodeCancelled {
			t.Errorf("%s: code %q, want %q", res.Probe, res.Code, CodeCancelled)
		}
	}
	if c := r.out.Results[2]; c.Status != Skip {
		t.Errorf("c: %s, want skip", c.Status)
	}
}

func TestRunnerTimeouts(t *testing.T) {
	t.Run("probe timeout", func(t *testing.T) {
		rn := &Runner{Probes: []Probe{blocking("a", nil)}}
		out, err := rn.Run(context.Background(), mustTarget(t, "ws://127.0.0.1:1/"), Options{ProbeTimeout: 20 * time.Millisecond, Deadline: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if r := out.Results[0]; r.Status != Fail || !strings.Contains(r.Error, "deadline") {
			t.Errorf("got %s %q, want fail with a deadline error", r.Status, r.Error)
		}
		if out.DeadlineHit || out.Cancelled {
			t.Errorf("a probe timeout is not the run's deadline")
		}
	})
	t.Run("run deadline", func(t *testing.T) {
		rn := &Runner{Probes: []Probe{blocking("a", nil), fixed("b", Pass, []string{"a"}, nil)}}
		out, err := rn.Run(context.Background(), mustTarget(t, "ws://127.0.0.1:1/"), Options{ProbeTimeout: time.Minute, Deadline: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if !out.DeadlineHit {
			t.Error("DeadlineHit not set")
		}
		if r := out.Results[0]; r.Code != "deadline" {
			t.Errorf("a: code %q, want deadline", r.Code)
		}
	})
}

func TestRunnerEvents(t *testing.T) {
	var mu sync.Mutex
	inside := false
	var kinds []string
	rn := &Runner{
		Probes: []Probe{
			{Name: "a", Run: func(ctx context.Context, r *ProbeRun) Result {
				end := r.Begin(PhaseConnect)
				end()
				res := r.Result()
				res.Status = Pass
				return res
			}},
			fixed("b", Pass, []string{"a"}, nil),
			fixed("c", Fail, nil, nil),
		},
		OnEvent: func(e Event) {
			mu.Lock()
			if inside {
				t.Error("OnEvent called concurrently")
			}
			inside = true
			mu.Unlock()
			s := string(e.Kind) + " " + e.Probe
			if e.Phase != "" {
				s += " " + string(e.Phase)
			}
			if e.Kind == EventFinished && (e.Result == nil || e.Result.Probe != e.Probe) {
				t.Errorf("finished event for %s without its result", e.Probe)
			}
			mu.Lock()
			kinds = append(kinds, s)
			inside = false
			mu.Unlock()
		},
	}
	out, err := rn.Run(context.Background(), mustTarget(t, "ws://127.0.0.1:1/"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(kinds, "|")
	for _, want := range []string{"started a", "phase a connect", "finished a", "started b", "finished b", "started c", "finished c"} {
		if !strings.Contains(got, want) {
			t.Errorf("events %q lack %q", got, want)
		}
	}
	if strings.Index(got, "finished a") > strings.Index(got, "started b") {
		t.Errorf("b started before a finished: %s", got)
	}
	if d, ok := out.Results[0].Timing(PhaseConnect); !ok || d < 0 {
		t.Errorf("a has no connect timing: %+v", out.Results[0].Timings)
	}
}

func TestRunnerBadOptions(t *testing.T) {
	rn := &Runner{Probes: []Probe{fixed("a", Pass, nil, nil)}}
	_, err := rn.Run(context.Background(), mustTarget(t, "ws://127.0.0.1:1/"), Options{CAFile: "/nonexistent/ca.pem"})
	if err == nil || !strings.Contains(err.Error(), "CA file") {
		t.Fatalf("err = %v, want one naming the CA file", err)
	}
}

func TestRaceDial(t *testing.T) {
	v6 := netip.MustParseAddr("::1")
	v4 := netip.MustParseAddr("127.0.0.1")
	tests := []struct {
		name     string
		behave   map[string]string // address -> "ok", "refuse", "hang"
		wantAddr string
		wantErr  bool
	}{
		{"first works", map[string]string{"::1": "ok", "127.0.0.1": "ok"}, "::1", false},
		{"first refused", map[string]string{"::1": "refuse", "127.0.0.1": "ok"}, "127.0.0.1", false},
		{"first hangs", map[string]string{"::1": "hang", "127.0.0.1": "ok"}, "127.0.0.1", false},
		{"all refused", map[string]string{"::1": "refuse", "127.0.0.1": "refuse"}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
				host, _, _ := net.SplitHostPort(addr)
				switch tc.behave[host] {
				case "ok":
					c1, c2 := net.Pipe()
					c2.Close()
					return &namedConn{c1, host}, nil
				case "hang":
					<-ctx.Done()
					return nil, ctx.Err()
				}
				return nil, errors.New("connection refused")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := raceDial(ctx, dial, []netip.Addr{v6, v4}, 80)
			if tc.wantErr {
				if err == nil {
					c.Close()
					t.Fatal("want an error")
				}
				if !strings.Contains(err.Error(), "127.0.0.1") || !strings.Contains(err.Error(), "::1") {
					t.Errorf("error %q should name both addresses", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if got := c.(*namedConn).host; got != tc.wantAddr {
				t.Errorf("connected to %s, want %s", got, tc.wantAddr)
			}
		})
	}
}

type namedConn struct {
	net.Conn
	host string
}

// TestRunnerKeepsRoute: the outcome carries the route the probes used,
// worked out once, and none when no probe asked for one.
func TestRunnerKeepsRoute(t *testing.T) {
	calls := 0
	route := netenv.Route{Source: netenv.SourceOption, Origin: "--proxy none", Bypass: "--proxy none"}
	asks := func(name string) Probe {
		return Probe{Name: name, Run: func(ctx context.Context, r *ProbeRun) Result {
			res := r.Result()
			res.Status, res.Reason = Pass, "route "+r.Route().Describe()
			return res
		}}
	}
	rn := &Runner{
		Probes: []Probe{asks("a"), asks("b")},
		Route: func(context.Context, Target, Options) netenv.Route {
			calls++
			return route
		},
	}
	out, err := rn.Run(context.Background(), mustTarget(t, "ws://example.com/"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || out.Route == nil || out.Route.Origin != route.Origin || out.Route.Source != route.Source {
		t.Errorf("route worked out %d times, outcome has %+v; want once, %+v", calls, out.Route, route)
	}
	rn.Probes = []Probe{fixed("a", Pass, nil, nil)}
	if out, _ := rn.Run(context.Background(), mustTarget(t, "ws://example.com/"), Options{}); out.Route != nil {
		t.Errorf("no probe asked for the route, outcome has %+v", out.Route)
	}
}

// TestDroppedPortStopsDependents: when tcp times out on a direct route, the
// probes that come after it are stopped then, not left to run into their
// own (longer) timeouts, so a blocked check costs one probe timeout.
func TestDroppedPortStopsDependents(t *testing.T) {
	rn := &Runner{
		// Every connection hangs until given up, as to a port whose
		// packets a firewall drops.
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			<-ctx.Done()
			return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
		},
	}
	tg, _ := ParseTarget("wss://127.0.0.1:9/ws")
	out, err := rn.Run(context.Background(), tg, Options{Proxy: netenv.Direct, ProbeTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	tcp, _ := out.Result(ProbeTCP)
	if tcp.Code != CodeTimeout {
		t.Fatalf("tcp %s %s", tcp.Status, tcp.Code)
	}
	for _, name := range []string{ProbeTLS, ProbeHTTP, ProbeUpgrade} {
		if r, _ := out.Result(name); r.Code != "after_tcp" {
			t.Errorf("%s: %s %s, want skipped after tcp", name, r.Status, r.Code)
		}
	}
	// The upgrade's bound is the probe timeout too: stopped by the watch or
	// by its own time, at the same moment, never later.
	if up, _ := out.Result(ProbeUpgrade); up.Evidence.Value("own_code") != CodeCancelled && up.Evidence.Value("own_code") != CodeTimeout {
		t.Errorf("upgrade's own code %q, want it stopped when tcp timed out", up.Evidence.Value("own_code"))
	}
	if took := out.Finished.Sub(out.Started); took >= 450*time.Millisecond {
		t.Errorf("the run took %v, not one 300 ms probe timeout", took)
	}
}

// TestProxyResolvesWhatThisComputerCannot: when this computer cannot look
// the name up but a proxy applies, the proxy looks it up, as browsers
// leave it to: the handshake and the messages go through, and only the
// probes that go direct (tcp) wait for a lookup that failed.
func TestProxyResolvesWhatThisComputerCannot(t *testing.T) {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Addr)
	proxy := startNamingProxy(t, map[string]string{"svc.corp.test:" + port: srv.Addr})
	tg, err := ParseTarget("ws://svc.corp.test:" + port + "/ws")
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse("http://" + proxy)
	rn := &Runner{
		Lookup: func(context.Context, string, string) ([]netip.Addr, error) {
			return nil, &net.DNSError{Err: "no such host", Name: "svc.corp.test", IsNotFound: true}
		},
		Route: func(context.Context, Target, Options) netenv.Route {
			return netenv.Route{Proxies: []*url.URL{pu}, Source: netenv.SourceEnv}
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := rn.Run(ctx, tg, Options{ProbeTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for probe, want := range map[string]Status{ProbeDNS: Fail, ProbeTCP: Skip, ProbeUpgrade: Pass, ProbeEcho: Pass} {
		if r, _ := out.Result(probe); r.Status != want {
			t.Errorf("%s: %s %s (%s), want %s", probe, r.Status, r.Code, r.Reason, want)
		}
	}
	if !out.Works() {
		t.Error("the run does not work through the proxy")
	}
}

// startNamingProxy is an HTTP CONNECT proxy on loopback that knows the
// names in hosts (host:port to the loopback address it stands for) and
// refuses every other.
func startNamingProxy(t *testing.T, hosts map[string]string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(15 * time.Second))
				br := bufio.NewReader(c)
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				addr, ok := hosts[req.Host]
				if req.Method != http.MethodConnect || !ok {
					io.WriteString(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
					return
				}
				up, err := net.Dial("tcp", addr)
				if err != nil {
					io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
					return
				}
				defer up.Close()
				io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
				done := make(chan struct{}, 2)
				go func() { io.Copy(up, br); up.Close(); done <- struct{}{} }()
				go func() { io.Copy(c, up); c.Close(); done <- struct{}{} }()
				<-done
				<-done
			}()
		}
	}()
	return ln.Addr().String()
}

// TestConnectPhaseOnceThroughAProxy: a probe that starts connecting
// before the route is known (the machine's settings still being read),
// and then goes through a proxy, says its connect phase once.
func TestConnectPhaseOnceThroughAProxy(t *testing.T) {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	proxy := startNamingProxy(t, map[string]string{srv.Addr: srv.Addr})
	tg, err := ParseTarget("ws://" + srv.Addr + "/ws")
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse("http://" + proxy)
	var mu sync.Mutex
	connects := 0
	rn := &Runner{
		Route: func(context.Context, Target, Options) netenv.Route {
			time.Sleep(50 * time.Millisecond) // as a gsettings run
			return netenv.Route{Proxies: []*url.URL{pu}, Source: netenv.SourceEnv}
		},
		OnEvent: func(e Event) {
			if e.Kind == EventPhase && e.Probe == ProbeUpgrade && e.Phase == PhaseConnect {
				mu.Lock()
				connects++
				mu.Unlock()
			}
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := rn.Run(ctx, tg, Options{ProbeTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if up, _ := out.Result(ProbeUpgrade); up.Status != Pass {
		t.Fatalf("upgrade %s %s (%s)", up.Status, up.Code, up.Reason)
	}
	if connects != 1 {
		t.Errorf("the upgrade said its connect phase %d times, want once", connects)
	}
}
