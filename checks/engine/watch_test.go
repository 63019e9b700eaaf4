package engine_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// watchLog collects a watch's events.
type watchLog struct {
	mu sync.Mutex
	ev []engine.WatchEvent
}

func (l *watchLog) add(e engine.WatchEvent) {
	l.mu.Lock()
	l.ev = append(l.ev, e)
	l.mu.Unlock()
}

func (l *watchLog) of(kind engine.WatchKind, conn string) []engine.WatchEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []engine.WatchEvent
	for _, e := range l.ev {
		if e.Kind == kind && (conn == "" || e.Conn == conn) {
			out = append(out, e)
		}
	}
	return out
}

func (l *watchLog) dump(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ev) == 0 {
		return
	}
	t0 := l.ev[0].At
	for _, e := range l.ev {
		t.Logf("%6.2fs %-6s %-12s age=%v idle=%v ended_by=%s took=%v attempt=%d %s", e.At.Sub(t0).Seconds(), e.Conn, e.Kind,
			e.Age.Round(time.Millisecond), e.Idle.Round(time.Millisecond), e.EndedBy, e.Took.Round(time.Millisecond), e.Attempt, e.Detail)
	}
}

// watchRef starts a reference server that takes many connections from one
// address (silently dropped ones stay open at its end).
func watchRef(t *testing.T) (ref *refserver.Server, backend string) {
	t.Helper()
	ref, err := refserver.StartConfig("127.0.0.1:0", refserver.Config{PerIP: 1024})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ref.Close() })
	return ref, strings.TrimSuffix(strings.TrimPrefix(ref.URL, "ws://"), "/ws")
}

// watchFor watches url for length with 3 s intervals (a pong or echo may
// take 3 s: a loaded machine is not a drop).
func watchFor(t *testing.T, ctx context.Context, url string, length time.Duration) (*watchLog, engine.Result) {
	t.Helper()
	target, err := engine.ParseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	l := &watchLog{}
	res, err := engine.Watch(ctx, target, engine.Options{}, engine.WatchOptions{For: length, PingEvery: 3 * time.Second, DataEvery: 3 * time.Second}, l.add)
	if err != nil {
		t.Fatal(err)
	}
	l.dump(t)
	return l, res
}

func within(t *testing.T, what string, got, lo, hi time.Duration) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %v, want within [%v, %v]", what, got, lo, hi)
	}
}

// The reference server, directly: three connections open, none drops, the
// watch stops at its length.
func TestWatchHealthy(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	t.Parallel()
	ref, _ := watchRef(t)
	l, res := watchFor(t, context.Background(), ref.URL, 9*time.Second)
	if n := len(l.of(engine.WatchDrop, "")); n != 0 {
		t.Errorf("%d drops on a healthy path", n)
	}
	for _, c := range engine.WatchConns {
		if n := len(l.of(engine.WatchOpen, c)); n != 1 {
			t.Errorf("%s opened %d times, want 1", c, n)
		}
	}
	if s := l.of(engine.WatchStart, ""); len(s) != 1 {
		t.Errorf("%d start events", len(s))
	}
	if s := l.of(engine.WatchStop, ""); len(s) != 1 || s[0].Detail != "length" {
		t.Errorf("stop events %+v, want one, length", s)
	}
	if res.Status != engine.Pass || res.Code != engine.CodeOK {
		t.Errorf("result %s %s %s", res.Status, res.Code, res.Reason)
	}
}

// A NAT that forgets connections idle for 6 s: only the silent connection
// drops, again and again, each time after 6 s of quiet (±1 s).
func TestWatchSilentDrops(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	t.Parallel()
	_, backend := watchRef(t)
	relay := checktest.NewDropRelay(t, backend, 6*time.Second)
	l, res := watchFor(t, context.Background(), "ws://"+relay.Addr+"/ws", 60*time.Second)
	drops := l.of(engine.WatchDrop, engine.WatchSilent)
	if len(drops) < 3 {
		t.Fatalf("the silent connection dropped %d times, want 3 or more", len(drops))
	}
	for _, c := range []string{engine.WatchPing, engine.WatchBusy} {
		if n := len(l.of(engine.WatchDrop, c)); n != 0 {
			t.Errorf("%s dropped %d times, want none (it is not idle)", c, n)
		}
	}
	for _, d := range drops {
		if d.EndedBy != engine.EndSilent {
			t.Errorf("silent drop ended by %s, want %s", d.EndedBy, engine.EndSilent)
		}
	}
	// Tests at 3 s (survives), 6 s (dies), then 4.5 and 5.3 (survive),
	// then 6 s again and again: every drop at 6 s of quiet.
	for i, d := range drops {
		within(t, fmt.Sprintf("silent drop %d idle", i+1), d.Idle, 5*time.Second, 7*time.Second)
	}
	if res.Code != engine.CodeDropped {
		t.Errorf("result code %s, want %s", res.Code, engine.CodeDropped)
	}
}

// A middle box that ends every connection 8 s after it opened: all three
// drop, at 8 s of age.
func TestWatchLifetime(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	t.Parallel()
	_, backend := watchRef(t)
	addr := checktest.LifetimeRelay(t, backend, 8*time.Second)
	l, _ := watchFor(t, context.Background(), "ws://"+addr+"/ws", 20*time.Second)
	for _, c := range engine.WatchConns {
		drops := l.of(engine.WatchDrop, c)
		if len(drops) < 1 {
			t.Errorf("%s never dropped", c)
			continue
		}
		for _, d := range drops {
			within(t, c+" age", d.Age, 7*time.Second, 9*time.Second)
			if d.EndedBy == engine.EndSilent || d.EndedBy == engine.EndError {
				t.Errorf("%s ended by %s, want a loud end", c, d.EndedBy)
			}
		}
		if n := len(l.of(engine.WatchOpen, c)); n != len(drops)+1 {
			t.Errorf("%s opened %d times after %d drops", c, n, len(drops))
		}
	}
}

// A network that goes away at 5 s and 14 s, for 3 s each time: the three
// drop together at each cut, reconnects fail while it is away, and all
// three are back after.
func TestWatchCuts(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	t.Parallel()
	_, backend := watchRef(t)
	relay := checktest.NewCutRelay(t, backend, 3*time.Second, 5*time.Second, 14*time.Second)
	l, _ := watchFor(t, context.Background(), "ws://"+relay.Addr+"/ws", 24*time.Second)
	cuts := relay.Cuts()
	if len(cuts) != 2 {
		t.Fatalf("%d cuts", len(cuts))
	}
	for _, c := range engine.WatchConns {
		drops := l.of(engine.WatchDrop, c)
		if len(drops) != 2 {
			t.Errorf("%s dropped %d times, want 2", c, len(drops))
			continue
		}
		for i, d := range drops {
			within(t, c+" drop after its cut", d.At.Sub(cuts[i]), 0, time.Second)
		}
		opens := l.of(engine.WatchOpen, c)
		if len(opens) != 3 {
			t.Errorf("%s opened %d times, want 3", c, len(opens))
			continue
		}
		for _, o := range opens[1:] {
			// Down 3 s: attempts at 0, 1 and 3 s fail or come just as
			// it is back; the one at 7 s at the latest succeeds.
			within(t, c+" reconnect", o.Took, 3*time.Second-100*time.Millisecond, 8*time.Second)
			if o.Attempt < 2 {
				t.Errorf("%s reconnected at attempt %d, want 2 or more", c, o.Attempt)
			}
		}
	}
	if n := len(l.of(engine.WatchRetryFailed, "")); n < 2*3*2 {
		t.Errorf("%d failed attempts, want at least two a connection a cut", n)
	}
}

// Cancelling ends the watch at once, with a stop event; nothing is left
// running (goleak, TestMain).
func TestWatchCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	t.Parallel()
	ref, _ := watchRef(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(3*time.Second, cancel)
	start := time.Now()
	l, res := watchFor(t, ctx, ref.URL, 0)
	took := time.Since(start)
	within(t, "watch until cancelled", took, 3*time.Second, 5*time.Second)
	if s := l.of(engine.WatchStop, ""); len(s) != 1 || s[0].Detail != "cancelled" {
		t.Errorf("stop events %+v, want one, cancelled", s)
	}
	if n := len(l.of(engine.WatchOpen, "")); n != 3 {
		t.Errorf("%d opens, want 3", n)
	}
	if res.Status != engine.Pass {
		t.Errorf("result %s %s", res.Status, res.Code)
	}
}

// A network that goes away at 3 s for 3.3 s, connections refused
// meanwhile: the reconnects' backoff would try at 3, 4, 6 and 10 s, 3.7 s
// after it is back; the look at the path every second finds it back, and
// every connection opens again within a second or so of that. The outage
// in the log (every connection down: the first drop to the first open
// after the last, as checks/diagnose reads it) is as long as the real one,
// give or take a second and a half.
func TestWatchOutageEnds(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	t.Parallel()
	_, backend := watchRef(t)
	const down = 3300 * time.Millisecond
	relay := checktest.NewRefuseRelay(t, backend, down, 3*time.Second)
	l, _ := watchFor(t, context.Background(), "ws://"+relay.Addr+"/ws", 12*time.Second)
	cuts, ups := relay.Cuts(), relay.Ups()
	if len(cuts) != 1 || len(ups) != 1 {
		t.Fatalf("%d cuts, %d times listening again", len(cuts), len(ups))
	}
	t.Logf("cut at %v, listening again %v later", cuts[0].Format("15:04:05.000"), ups[0].Sub(cuts[0]))
	var first, last time.Time // the outage's drops
	for _, c := range engine.WatchConns {
		drops := l.of(engine.WatchDrop, c)
		if len(drops) != 1 {
			t.Fatalf("%s dropped %d times, want once", c, len(drops))
		}
		if first.IsZero() || drops[0].At.Before(first) {
			first = drops[0].At
		}
		if drops[0].At.After(last) {
			last = drops[0].At
		}
		opens := l.of(engine.WatchOpen, c)
		if len(opens) != 2 {
			t.Fatalf("%s opened %d times, want twice", c, len(opens))
		}
		// Reconnected within 1.5 s of the path's return, not at the
		// backoff's 10 s attempt.
		within(t, c+" reopened after the path was back", opens[1].At.Sub(ups[0]), 0, 1500*time.Millisecond)
	}
	if n := len(l.of(engine.WatchRetryFailed, "")); n < 3 {
		t.Errorf("%d failed attempts, want some while the path was away", n)
	}
	var end time.Time
	for _, o := range l.of(engine.WatchOpen, "") {
		if o.At.After(last) {
			end = o.At
			break
		}
	}
	away := ups[0].Sub(cuts[0])
	within(t, "the outage in the log", end.Sub(first), away-100*time.Millisecond, away+1500*time.Millisecond)
}
