package engine

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"net/url"
	"sync"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

func TestWatchBackoff(t *testing.T) {
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60, 60}
	for i, w := range want {
		if got := watchBackoff(time.Second, i+1); got != w*time.Second {
			t.Errorf("backoff after attempt %d = %v, want %v", i+1, got, w*time.Second)
		}
	}
}

// A dial that always fails: each slot's attempts come at once, then
// after 1, 2, 4 ... units, each a retry_failed event with its number.
func TestWatchRetriesBackOff(t *testing.T) {
	const unit = 20 * time.Millisecond
	var events []WatchEvent
	r := &ProbeRun{shared: &shared{now: time.Now}}
	wt := newWatcher(r, WatchOptions{}, func(e WatchEvent) { events = append(events, e) })
	wt.unit = unit
	wt.dial = func(ctx context.Context, s *watchSlot) (*idleConn, error) {
		return nil, errors.New("connect: connection refused")
	}
	// The path connects from the first look (a server that turns
	// WebSockets away): the looks change nothing.
	wt.lookEvery = unit / 2
	looks := 0
	wt.look = func(context.Context) error { looks++; return nil }
	ctx, cancel := context.WithTimeout(context.Background(), 40*unit)
	defer cancel()
	if why := wt.run(ctx); why != "cancelled" {
		t.Errorf("run ended by %q", why)
	}
	byConn := map[string][]WatchEvent{}
	for _, e := range events {
		if e.Kind == WatchRetryFailed {
			byConn[e.Conn] = append(byConn[e.Conn], e)
		}
	}
	for _, c := range WatchConns {
		fails := byConn[c]
		// Attempts at 0, 1, 3, 7, 15, 31 units: 5 or 6 of them in 40.
		if len(fails) < 4 || len(fails) > 6 {
			t.Fatalf("%s: %d failed attempts in 40 units, want 5 or so", c, len(fails))
		}
		for i, f := range fails {
			if f.Attempt != i+1 {
				t.Errorf("%s: attempt %d numbered %d", c, i+1, f.Attempt)
			}
			if i > 0 {
				gap := f.At.Sub(fails[i-1].At)
				want := watchBackoff(unit, i)
				if gap < want || gap > want+10*unit {
					t.Errorf("%s: attempt %d came %v after the one before, want %v", c, i+1, gap, want)
				}
			}
		}
	}
	if looks < 10 {
		t.Errorf("%d looks at the path in 40 units, every half unit", looks)
	}
	if events[0].Kind != WatchStart || events[len(events)-1].Kind != WatchStop {
		t.Errorf("events do not start and stop the log: %v ... %v", events[0].Kind, events[len(events)-1].Kind)
	}
}

func TestSilentTests(t *testing.T) {
	s := &watchSlot{role: WatchSilent}
	every := 2 * time.Second
	steps := []struct {
		survived bool
		want     time.Duration // the test after it
	}{
		{true, 4 * time.Second},  // 2 survived
		{true, 8 * time.Second},  // 4 survived
		{false, 6 * time.Second}, // 8 died: (4+8)/2
		{false, 5 * time.Second}, // 6 died: (4+6)/2
		{true, 6 * time.Second},  // 5 survived: bracket 1 s, test 6
		{false, 6 * time.Second}, // 6 died again
	}
	s.test = s.nextTest(every)
	if s.test != every {
		t.Fatalf("first test %v, want %v", s.test, every)
	}
	for i, st := range steps {
		if st.survived {
			s.survived(s.test)
		} else {
			s.died(s.test)
		}
		s.test = s.nextTest(every)
		if s.test != st.want {
			t.Errorf("step %d: next test %v, want %v", i, s.test, st.want)
		}
	}
}

// A wall clock that jumps 30 s ahead of the monotonic one between two
// wake-ups is one sleep, of 30 s; a jump under sleepJump is none.
func TestWatchSleep(t *testing.T) {
	for _, tc := range []struct {
		jump   time.Duration
		sleeps int
	}{{30 * time.Second, 1}, {2 * time.Second, 0}} {
		var events []WatchEvent
		r := &ProbeRun{shared: &shared{now: time.Now}}
		wt := newWatcher(r, WatchOptions{}, func(e WatchEvent) { events = append(events, e) })
		wt.unit = 10 * time.Millisecond
		wt.dial = func(ctx context.Context, s *watchSlot) (*idleConn, error) {
			return nil, errors.New("connect: connection refused")
		}
		wt.look = lookRefused
		base := time.Now()
		calls := 0
		wt.clock = func() (time.Time, time.Duration) {
			calls++
			mono := time.Since(base)
			wall := base.Round(0).Add(mono)
			if calls > 3 {
				wall = wall.Add(tc.jump)
			}
			return wall, mono
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		wt.run(ctx)
		cancel()
		var sleeps []WatchEvent
		for _, e := range events {
			if e.Kind == WatchSleep {
				sleeps = append(sleeps, e)
			}
		}
		if len(sleeps) != tc.sleeps {
			t.Fatalf("jump %v: %d sleeps, want %d (clock read %d times)", tc.jump, len(sleeps), tc.sleeps, calls)
		}
		if tc.sleeps == 1 && (sleeps[0].Took < tc.jump-time.Second || sleeps[0].Took > tc.jump) {
			t.Errorf("sleep of %v, want %v", sleeps[0].Took, tc.jump)
		}
	}
}

func TestWatchDialCode(t *testing.T) {
	for err, want := range map[error]string{
		errors.New("status_503: websocket: bad handshake"): "status_503",
		context.DeadlineExceeded:                           CodeTimeout,
		errors.New("something: else"):                      CodeError,
	} {
		if got := dialCode(err); got != want {
			t.Errorf("dialCode(%v) = %q, want %q", err, got, want)
		}
	}
}

// An hour's watch whose clock jumps an hour ends at the next wake-up, not
// an hour of timers later. (Go cannot make a time whose wall clock ran
// ahead of its monotonic one: that the length compares wall clocks is
// read in run, not proven here.)
func TestWatchLengthIsWallClock(t *testing.T) {
	calls := 0
	now := func() time.Time {
		calls++
		if calls > 5 {
			return time.Now().Round(0).Add(time.Hour)
		}
		return time.Now().Round(0)
	}
	r := &ProbeRun{shared: &shared{now: now}}
	wt := newWatcher(r, WatchOptions{For: time.Hour}, nil)
	wt.unit = 10 * time.Millisecond
	wt.dial = func(ctx context.Context, s *watchSlot) (*idleConn, error) {
		return nil, errors.New("connect: connection refused")
	}
	wt.look = lookRefused
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	if why := wt.run(ctx); why != "length" {
		t.Errorf("ended by %q after %v, want length", why, time.Since(start))
	}
}

func lookRefused(context.Context) error { return errors.New("connect: connection refused") }

// A path away, then back at 12 units (the reconnects' attempts come at 0,
// 1, 3, 7 and 15 units): as soon as a look connects, after looks that did
// not, every connection is dialled again, not at 15 units. Refused: the
// dials fail at once while it is away; blackhole: they hang, and are given
// up when it is back (no retry_failed for them); flapping: as blackhole,
// but the path is lost and back again and again after: the dial begun when
// it came back is kept (one dial a connection after it is back).
func TestWatchPathBack(t *testing.T) {
	const unit = 100 * time.Millisecond
	for _, mode := range []string{"refused", "blackhole", "flapping"} {
		blackhole := mode != "refused"
		var (
			mu     sync.Mutex
			events []WatchEvent
			redial = map[string]time.Time{} // the first dial after the path is back
			dials  = map[string]int{}       // dials after the path is back
			looks  int
			back   time.Time
		)
		r := &ProbeRun{shared: &shared{now: time.Now}}
		wt := newWatcher(r, WatchOptions{}, func(e WatchEvent) {
			mu.Lock()
			events = append(events, e)
			mu.Unlock()
		})
		wt.unit, wt.lookEvery = unit, unit/4
		wt.dial = func(ctx context.Context, s *watchSlot) (*idleConn, error) {
			mu.Lock()
			b := back
			if !b.IsZero() {
				dials[s.role]++
				if redial[s.role].IsZero() {
					redial[s.role] = time.Now()
				}
			}
			mu.Unlock()
			if blackhole || !b.IsZero() {
				<-ctx.Done() // hangs (after: stays in its handshake until the end)
				return nil, ctx.Err()
			}
			return nil, errors.New("connect: connection refused")
		}
		wt.look = func(ctx context.Context) error {
			mu.Lock()
			b := !back.IsZero()
			if b {
				looks++
			}
			flap := mode == "flapping" && looks%2 == 0
			mu.Unlock()
			if b && !flap {
				return nil
			}
			return errors.New("connect: network is unreachable")
		}
		time.AfterFunc(12*unit, func() {
			mu.Lock()
			back = time.Now()
			mu.Unlock()
		})
		ctx, cancel := context.WithTimeout(context.Background(), 25*unit)
		wt.run(ctx)
		cancel()
		mu.Lock()
		fails := 0
		for _, e := range events {
			if e.Kind == WatchRetryFailed {
				fails++
				if e.At.After(back) {
					t.Errorf("%s: an attempt failed at %v, after the path was back", mode, e.At.Sub(back))
				}
			}
		}
		if blackhole && fails != 0 {
			t.Errorf("blackhole: %d failed attempts, want none (the hung ones are given up)", fails)
		}
		if !blackhole && fails < 3*3 {
			t.Errorf("refused: %d failed attempts before the path was back, want 3 a connection at least", fails)
		}
		for _, c := range WatchConns {
			if dials[c] != 1 {
				t.Errorf("%s: %s dialled %d times after the path was back, want once", mode, c, dials[c])
			}
			at := redial[c]
			if at.IsZero() {
				t.Errorf("%s: %s was not dialled after the path was back", mode, c)
				continue
			}
			// The next look after the path is back: a quarter unit, and
			// a loaded machine's slack; the backoff would wait 3 units.
			if d := at.Sub(back); d > 2*unit {
				t.Errorf("%s: %s dialled %v after the path was back, want within %v", mode, c, d, 2*unit)
			}
		}
		mu.Unlock()
	}
}

// The look at the path goes where the watch's connections go first: the
// target's addresses, or the route's first proxy; it closes what it
// opened, and a refusal is its error.
func TestWatchLookPath(t *testing.T) {
	target, err := ParseTarget("ws://example.test:8080/ws")
	if err != nil {
		t.Fatal(err)
	}
	proxy, _ := url.Parse("http://proxy.test:3128")
	for _, tc := range []struct {
		route netenv.Route
		addrs []netip.Addr
		want  string
	}{
		{netenv.Route{}, nil, "example.test:8080"},
		{netenv.Route{}, []netip.Addr{netip.MustParseAddr("192.0.2.7")}, "192.0.2.7:8080"},
		{netenv.Route{Proxies: []*url.URL{proxy, nil}}, []netip.Addr{netip.MustParseAddr("192.0.2.7")}, "proxy.test:3128"},
		{netenv.Route{Proxies: []*url.URL{nil}}, nil, "example.test:8080"},
	} {
		var dialed []string
		var conns []net.Conn
		sh := &shared{now: time.Now, route: func() netenv.Route { return tc.route }, addrs: tc.addrs}
		sh.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			dialed = append(dialed, addr)
			if _, ok := ctx.Deadline(); !ok {
				t.Errorf("the look at %s has no deadline", addr)
			}
			a, b := net.Pipe()
			conns = append(conns, b)
			return a, nil
		}
		wt := newWatcher(&ProbeRun{Target: target, shared: sh}, WatchOptions{}, nil)
		if err := wt.lookPath(context.Background()); err != nil {
			t.Errorf("%v: %v", tc.route.Proxies, err)
		}
		if len(dialed) != 1 || dialed[0] != tc.want {
			t.Errorf("route %v, addresses %v: looked at %v, want %s", tc.route.Proxies, tc.addrs, dialed, tc.want)
		}
		for _, c := range conns {
			c.SetWriteDeadline(time.Now().Add(time.Second))
			if _, err := c.Write([]byte("x")); !errors.Is(err, io.ErrClosedPipe) {
				t.Errorf("the look left its connection open (%v)", err)
			}
		}
		sh.dial = func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("connect: connection refused")
		}
		if err := wt.lookPath(context.Background()); err == nil {
			t.Errorf("a refused look is no error")
		}
	}
}
