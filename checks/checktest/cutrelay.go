package checktest

import (
	"io"
	"net"
	"testing"
	"time"
)

// CutRelay forwards TCP connections from a loopback port to a target and
// cuts every connection through it at scheduled times, as a network that
// goes away for a moment does: both sides are closed at once, no close
// frame. For Down after each cut it turns new connections away (accepted
// and closed at once), so reconnects fail until the network is back.
//
// A refusing CutRelay (NewRefuseRelay) stops listening instead for Down
// after each cut, so connections to it are refused, as when a link or a
// route is gone, and listens again on the same port after.
type CutRelay struct {
	tcpRelay
	down   time.Duration
	refuse bool
	// Guarded by tcpRelay.mu:
	timers []*time.Timer
	upAt   time.Time // turned away before this
	cuts   []time.Time
	ups    []time.Time // refusing: when it listened again
}

// NewCutRelay starts a CutRelay to target that cuts every connection at
// each of at after it started, then turns connections away for down; it
// stops when the test ends.
func NewCutRelay(tb testing.TB, target string, down time.Duration, at ...time.Duration) *CutRelay {
	tb.Helper()
	return newCutRelay(tb, target, down, false, at)
}

// NewRefuseRelay starts a CutRelay to target that cuts every connection
// at each of at after it started, then refuses connections for down (it
// does not listen); it stops when the test ends.
func NewRefuseRelay(tb testing.TB, target string, down time.Duration, at ...time.Duration) *CutRelay {
	tb.Helper()
	return newCutRelay(tb, target, down, true, at)
}

func newCutRelay(tb testing.TB, target string, down time.Duration, refuse bool, at []time.Duration) *CutRelay {
	tb.Helper()
	r := &CutRelay{down: down, refuse: refuse}
	r.admit = r.up
	r.serve = func(c, up net.Conn) { bothWays(c, up, r.pipe) }
	r.start(tb, "cut relay", target)
	r.mu.Lock()
	for _, d := range at {
		r.timers = append(r.timers, time.AfterFunc(d, func() { r.Cut() }))
	}
	r.mu.Unlock()
	tb.Cleanup(r.Close)
	return r
}

// up says the network is there: no cut's down time is running.
func (r *CutRelay) up() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !time.Now().Before(r.upAt)
}

// Cut cuts every connection now (and turns new ones away, or refuses
// them, for the relay's down time); it returns how many TCP connections
// it closed.
func (r *CutRelay) Cut() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	r.cuts = append(r.cuts, now)
	r.upAt = now.Add(r.down)
	n := r.closeConns()
	if r.refuse && !r.closed && r.ln != nil {
		r.ln.Close()
		r.ln = nil
		r.timers = append(r.timers, time.AfterFunc(r.down, r.listenAgain))
	}
	return n
}

// listenAgain listens on the relay's port again after a refusing cut (a
// few tries: the port was just given up).
func (r *CutRelay) listenAgain() {
	for range 50 {
		r.mu.Lock()
		if r.closed || r.ln != nil {
			r.mu.Unlock()
			return
		}
		ln, err := net.Listen("tcp", r.Addr)
		if err == nil {
			r.ln = ln
			r.ups = append(r.ups, time.Now())
			r.wg.Add(1)
			go r.accept(ln)
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
}

// Ups are when a refusing relay listened again after its cuts.
func (r *CutRelay) Ups() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.ups...)
}

// Cuts are when the relay cut.
func (r *CutRelay) Cuts() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.cuts...)
}

// pipe copies src to dst; when src ends, both are closed.
func (r *CutRelay) pipe(src, dst net.Conn) {
	io.Copy(dst, src)
	src.Close()
	dst.Close()
	r.untrack(src, dst)
}

// Close stops the relay's cuts, the relay and every connection through it.
func (r *CutRelay) Close() {
	r.mu.Lock()
	r.closeLocked()
	timers := r.timers
	r.mu.Unlock()
	for _, t := range timers {
		t.Stop()
	}
	r.wg.Wait()
}
