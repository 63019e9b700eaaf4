package session

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// The watch of issue 24 end to end, in real time: a computer (namespace pc)
// behind a router (namespace router, where `wsdoctor serve`'s handler
// listens on 10.99.0.1), joined by two links: wlan-a (10.77.0.0/24, the
// default route at first) and eth-b (10.78.0.0/24). The watch runs in a
// process of its own inside pc (this test binary again, watchChildEnv), so
// that everything it reads (routes, interfaces, DNS) and every connection
// it opens are the namespace's. The parent test changes the network under
// it on a schedule:
//
//   - T+30 s: a cut: the server side closes every connection (a server
//     restart, a failover); the watch reconnects at once;
//   - T+60 s: an outage: the router forgets every connection and its link
//     goes down for 5 s (pc keeps its route, now unusable: its links
//     ignore routes whose carrier is gone, so a reconnect fails at once);
//   - T+110 s: a network change: the default route moves to eth-b,
//     10.78.0.2, and the connections of the old route are cut.
//
// The child writes the run's watch log and findings as JSON; the test
// asserts the events and, where the pattern rules name them, the findings.

// watchChildEnv, set, makes TestWatchInNamespaceChild the watch itself:
// its value is "URL|out-file".
const watchChildEnv = "WSDOCTOR_TEST_WATCH_CHILD"

// The schedule, from the moment the child says it watches.
const (
	e2eCutAt     = 30 * time.Second
	e2eOutageAt  = 60 * time.Second
	e2eOutageFor = 5 * time.Second
	e2eChangeAt  = 110 * time.Second
	e2eWatchFor  = 165 * time.Second
	e2eEvery     = 5 * time.Second // ping, data and sample intervals
	// e2eBackWithin: the watch is back this soon after the link (it
	// looks at the path every second while every connection is down).
	e2eBackWithin = 1500 * time.Millisecond
)

// watchOut is what the child hands back.
type watchOut struct {
	Log      engine.WatchLog    `json:"log"`
	Findings []diagnose.Finding `json:"findings"`
	Error    string             `json:"error,omitempty"`
}

// TestWatchInNamespaceChild is the watch of TestWatchEndToEnd, run by it
// inside the namespace; it skips otherwise.
func TestWatchInNamespaceChild(t *testing.T) {
	v := os.Getenv(watchChildEnv)
	if v == "" {
		t.Skip("run by TestWatchEndToEnd inside its namespace")
	}
	addr, outFile, _ := strings.Cut(v, "|")
	var out watchOut
	defer func() {
		b, _ := json.Marshal(out)
		if err := os.WriteFile(outFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}()
	c := &Checker{ReadCaptive: func(context.Context) netenv.Captive { return netenv.CaptiveUnknown }}
	ctx, cancel := context.WithTimeout(context.Background(), e2eWatchFor+time.Minute)
	defer cancel()
	run, err := c.Check(ctx, Request{Address: addr, Proxy: netenv.Direct, NoLadder: true}, nil)
	if err != nil {
		out.Error = "check: " + err.Error()
		return
	}
	fmt.Println("watching")
	run = c.Watch(ctx, run, WatchRequest{For: e2eWatchFor, PingEvery: e2eEvery, DataEvery: e2eEvery, SampleEvery: e2eEvery}, nil)
	out.Log, out.Findings = *run.Watch, run.Diagnosis.Findings
}

// cutListener is a listener whose connections the test can cut all at
// once, and which turns new ones away (accepted and closed) until a time.
type cutListener struct {
	net.Listener
	mu        sync.Mutex
	conns     map[net.Conn]bool
	downUntil time.Time
}

func (l *cutListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if time.Now().Before(l.downUntil) {
			l.mu.Unlock()
			c.Close()
			continue
		}
		tc := &trackedConn{Conn: c, l: l}
		l.conns[tc] = true
		l.mu.Unlock()
		return tc, nil
	}
}

// cut closes every connection and turns new ones away for down; it
// returns how many it closed.
func (l *cutListener) cut(down time.Duration) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.downUntil = time.Now().Add(down)
	n := 0
	for c := range l.conns {
		c.(*trackedConn).Conn.Close()
		delete(l.conns, c)
		n++
	}
	return n
}

type trackedConn struct {
	net.Conn
	l *cutListener
}

func (c *trackedConn) Close() error {
	c.l.mu.Lock()
	delete(c.l.conns, c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// TestWatchEndToEnd: see the top of this file. About 3 minutes; the only
// test this long (skipped with -short), run in parallel with the others.
func TestWatchEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("a 3-minute real-time watch")
	}
	t.Parallel()
	pc, router := checktest.NewNetns(t), checktest.NewNetns(t)
	pc.Veth(t, router, "wlan-a", "10.77.0.1/24", "gw-a", "10.77.0.2/24")
	pc.Veth(t, router, "eth-b", "10.78.0.1/24", "gw-b", "10.78.0.2/24")
	// /proc/sys/net is the namespace of the thread that opens it.
	if err := pc.Do(func() error {
		for _, dev := range []string{"all", "default", "wlan-a", "eth-b"} {
			if err := os.WriteFile("/proc/sys/net/ipv4/conf/"+dev+"/ignore_routes_with_linkdown", []byte("1"), 0o644); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	router.Run(t, "ip", "addr", "add", "10.99.0.1/32", "dev", "lo")
	pc.SetDefaultRoute(t, "10.77.0.2", "wlan-a")

	ln := &cutListener{Listener: router.Listen(t, "10.99.0.1:0"), conns: map[net.Conn]bool{}}
	srv := &http.Server{Handler: refserver.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	url := "ws://" + ln.Addr().String() + "/ws"

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	outFile := filepath.Join(t.TempDir(), "watch.json")
	ctx, cancel := context.WithTimeout(context.Background(), e2eWatchFor+2*time.Minute)
	defer cancel()
	cmd := pc.Command(ctx, exe, "-test.run=^TestWatchInNamespaceChild$", "-test.count=1", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), watchChildEnv+"="+url+"|"+outFile, "GODEBUG=netdns=go", "GSETTINGS_BACKEND=memory",
		"XDG_CONFIG_HOME="+t.TempDir(), "HTTP_PROXY=", "HTTPS_PROXY=", "ALL_PROXY=", "NO_PROXY=", "http_proxy=", "https_proxy=", "all_proxy=", "no_proxy=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The child says "watching" once its check is done.
	lines := bufio.NewScanner(stdout)
	started := false
	for lines.Scan() {
		if lines.Text() == "watching" {
			started = true
			break
		}
	}
	if !started {
		cmd.Wait()
		t.Fatalf("the watch did not start:\n%s", stderr.String())
	}
	go func() {
		for lines.Scan() { // drain the rest (go test's PASS)
		}
	}()
	t0 := time.Now()
	at := func(d time.Duration) {
		select {
		case <-time.After(time.Until(t0.Add(d))):
		case <-ctx.Done():
		}
	}

	at(e2eCutAt)
	cutAt := time.Now()
	if n := ln.cut(0); n < 3 {
		t.Errorf("the cut closed %d connections, want the watch's 3", n)
	}

	at(e2eOutageAt)
	outageAt := time.Now()
	ln.cut(e2eOutageFor)
	router.LinkDown(t, "gw-a")
	at(e2eOutageAt + e2eOutageFor)
	router.LinkUp(t, "gw-a")
	outageEnd := time.Now()

	at(e2eChangeAt)
	changeAt := time.Now()
	pc.SetDefaultRoute(t, "10.78.0.2", "eth-b")
	ln.cut(0)

	if err := cmd.Wait(); err != nil {
		t.Fatalf("the watch process: %v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	var out watchOut
	if err := json.Unmarshal(b, &out); err != nil || out.Error != "" {
		t.Fatalf("the watch's answer: %v %s\n%s", err, out.Error, stderr.String())
	}
	w := out.Log
	dump := func() string {
		var s strings.Builder
		for _, e := range w.Events {
			fmt.Fprintf(&s, "  %+6.1fs %-7s %-12s %s %s>%s %s age=%v took=%v #%d\n", e.At.Sub(t0).Seconds(), e.Conn, e.Kind, e.EndedBy, e.From, e.To, e.What, e.Age.Round(time.Millisecond), e.Took.Round(time.Millisecond), e.Attempt)
		}
		return s.String()
	}
	t.Logf("events (T0 = the watch's start):\n%s", dump())

	// Drops by window: each conn once at the cut, once at the outage,
	// once at the change; none elsewhere.
	window := func(from time.Time, d time.Duration) (drops map[string]int, failed int, reopened time.Time) {
		drops = map[string]int{}
		for _, e := range w.Events {
			if e.At.Before(from.Add(-time.Second)) || e.At.After(from.Add(d)) {
				continue
			}
			switch e.Kind {
			case engine.WatchDrop:
				drops[e.Conn]++
			case engine.WatchRetryFailed:
				failed++
			case engine.WatchOpen:
				reopened = e.At
			}
		}
		return
	}
	all3 := func(name string, drops map[string]int) {
		for _, c := range engine.WatchConns {
			if drops[c] != 1 {
				t.Errorf("%s: drops by connection %v, want each of the three once", name, drops)
				return
			}
		}
	}
	drops, failed, _ := window(cutAt, 15*time.Second)
	all3("cut", drops)
	if failed != 0 {
		t.Errorf("cut: %d reconnects failed; the server was back at once", failed)
	}
	drops, failed, reopened := window(outageAt, 20*time.Second)
	all3("outage", drops)
	if failed == 0 {
		t.Errorf("outage: no reconnect failed while the link was down")
	}
	// The reconnects back off 1 s, 2 s, 4 s, but the watch looks at the
	// path every second while all three are down and reconnects them as
	// soon as it is back: the last comes within a second or so of the
	// link, never before. (A second of slack before: outageEnd is read
	// after `ip` returns.)
	if reopened.Before(outageEnd.Add(-time.Second)) || reopened.After(outageEnd.Add(e2eBackWithin)) {
		t.Errorf("outage: last reopen at T%+.1fs, the link was back at T%+.1fs", reopened.Sub(t0).Seconds(), outageEnd.Sub(t0).Seconds())
	}
	// The outage as the diagnosis reads it (every connection down: from
	// the first drop to the first open after the last), to the
	// millisecond: the link's 5 s and the second it takes to see it back.
	var first, last, back time.Time
	for _, e := range w.Events {
		if e.At.Before(outageAt.Add(-time.Second)) || e.At.After(outageAt.Add(20*time.Second)) {
			continue
		}
		switch {
		case e.Kind == engine.WatchDrop:
			if first.IsZero() {
				first = e.At
			}
			last = e.At
		case e.Kind == engine.WatchOpen && !last.IsZero() && back.IsZero():
			back = e.At
		}
	}
	if d, down := back.Sub(first), outageEnd.Sub(outageAt); d < down-time.Second || d > down+e2eBackWithin {
		t.Errorf("the outage lasted %v in the log (%s to %s), the link was down %v", d, first.Format("15:04:05.000"), back.Format("15:04:05.000"), down.Round(time.Millisecond))
	} else {
		t.Logf("the outage lasted %v in the log, the link was down %v", d.Round(time.Millisecond), down.Round(time.Millisecond))
	}
	drops, _, _ = window(changeAt, 15*time.Second)
	all3("change", drops)
	if n := w.DropCount(); n != 9 {
		t.Errorf("%d drops in all, want 9 (3 cuts of 3)", n)
	}
	// The changes: the route and the interface at the route change, and
	// nothing else (the outage left pc's route in place).
	var changes []string
	for _, e := range w.Events {
		if e.Kind == engine.WatchChange {
			changes = append(changes, e.What+" "+e.From+">"+e.To)
			if d := e.At.Sub(changeAt); d < 0 || d > e2eEvery+5*time.Second {
				t.Errorf("change %s %s>%s at T%+.1fs, the route changed at T%+.1fs", e.What, e.From, e.To, e.At.Sub(t0).Seconds(), changeAt.Sub(t0).Seconds())
			}
		}
	}
	if want := []string{"route 10.77.0.2>10.78.0.2", "interface wlan-a>eth-b"}; strings.Join(changes, "|") != strings.Join(want, "|") {
		t.Errorf("changes %q, want %q", changes, want)
	}
	if w.End.Sub(w.Start) < e2eWatchFor-time.Second || w.Events[len(w.Events)-1].Kind != engine.WatchStop {
		t.Errorf("the watch ran %v (want %v) and ended with %v", w.End.Sub(w.Start), e2eWatchFor, w.Events[len(w.Events)-1].Kind)
	}
	assertWatchFindings(t, out.Findings, outageAt, outageEnd)
}

// assertWatchFindings checks the pattern findings (checks/diagnose's
// watch rules): the outage, with its times; the drops on the route change,
// naming it; the cut, which nothing explains.
func assertWatchFindings(t *testing.T, fs []diagnose.Finding, outageAt, outageEnd time.Time) {
	t.Helper()
	byID := map[string]diagnose.Finding{}
	var ids []string
	for _, f := range fs {
		byID[f.ID] = f
		ids = append(ids, f.ID)
	}
	t.Logf("findings: %v", ids)
	evidence := func(id, key string) (string, bool) {
		f, ok := byID[id]
		if !ok {
			t.Errorf("no %s finding; findings %v", id, ids)
			return "", false
		}
		for _, e := range f.Evidence {
			if e.Key == key {
				return e.Value, true
			}
		}
		t.Errorf("%s: no %q evidence in %+v", id, key, f.Evidence)
		return "", false
	}
	// The outage: "15:04:05–15:04:10", from its first drop to the first
	// reconnect: the drop at the cut, the reconnect within a second or so
	// of the link's return (not up to a backoff step, 4 s, after it).
	// The clock times are whole seconds: a second of slack each.
	if v, ok := evidence(diagnose.IDNetworkOutage, "outages"); ok {
		from, to, _ := strings.Cut(v, "–")
		clock := func(s string, near time.Time) time.Time {
			c, err := time.ParseInLocation("15:04:05", strings.TrimSpace(s), time.Local)
			if err != nil {
				t.Errorf("outage time %q: %v", s, err)
				return time.Time{}
			}
			y, m, d := near.Local().Date()
			at := time.Date(y, m, d, c.Hour(), c.Minute(), c.Second(), 0, time.Local)
			if at.Sub(near) > 12*time.Hour {
				at = at.AddDate(0, 0, -1)
			} else if near.Sub(at) > 12*time.Hour {
				at = at.AddDate(0, 0, 1)
			}
			return at
		}
		f, e := clock(from, outageAt), clock(to, outageEnd)
		t.Logf("outage: %s (%v), the link was down %s to %s", v, e.Sub(f), outageAt.Format("15:04:05.0"), outageEnd.Format("15:04:05.0"))
		if d := f.Sub(outageAt.Truncate(time.Second)); d < -time.Second || d > 2*time.Second {
			t.Errorf("the outage began at %s, the router forgot the connections at %s", from, outageAt.Format("15:04:05.0"))
		}
		if d := e.Sub(outageEnd.Truncate(time.Second)); d < -time.Second || d > e2eBackWithin+time.Second {
			t.Errorf("the outage ended at %s, the link was back at %s", to, outageEnd.Format("15:04:05.0"))
		}
		// Its length as the finding says it: the link's 5 s, not 7.
		if d, down := e.Sub(f), outageEnd.Sub(outageAt); d < down-time.Second-time.Second/2 || d > down+e2eBackWithin+time.Second {
			t.Errorf("the outage lasted %v by the finding, the link was down %v", d, down.Round(100*time.Millisecond))
		}
	}
	if v, ok := evidence(diagnose.IDDropsOnNetworkChange, "change"); ok {
		if v != "route: 10.77.0.2 -> 10.78.0.2" && v != "interface: wlan-a -> eth-b" {
			t.Errorf("drops-on-network-change names %q, want the route change", v)
		}
	}
	if _, ok := byID[diagnose.IDDropsUnexplained]; !ok {
		t.Errorf("the cut is no drops-unexplained; findings %v", ids)
	}
}
