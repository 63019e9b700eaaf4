package checktest

import (
	"io"
	"net"
	"sync"
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
	// Addr is the relay's listening address (host:port).
	Addr string

	ln     net.Listener
	target string
	down   time.Duration
	timers []*time.Timer
	wg     sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
	upAt   time.Time // turned away before this
	cuts   []time.Time
	ups    []time.Time // refusing: when it listened again
	refuse bool
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("cut relay: listen: %v", err)
	}
	r := &CutRelay{Addr: ln.Addr().String(), ln: ln, target: target, down: down, conns: map[net.Conn]bool{}, refuse: refuse}
	r.mu.Lock()
	for _, d := range at {
		r.timers = append(r.timers, time.AfterFunc(d, func() { r.Cut() }))
	}
	r.mu.Unlock()
	r.wg.Add(1)
	go r.accept(ln)
	tb.Cleanup(r.Close)
	return r
}

// Cut cuts every connection now (and turns new ones away for the relay's
// down time); it returns how many TCP connections it closed.
func (r *CutRelay) Cut() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	r.cuts = append(r.cuts, now)
	r.upAt = now.Add(r.down)
	n := 0
	for c := range r.conns {
		c.Close()
		delete(r.conns, c)
		n++
	}
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

func (r *CutRelay) accept(ln net.Listener) {
	defer r.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		away := time.Now().Before(r.upAt)
		r.mu.Unlock()
		if away {
			c.Close()
			continue
		}
		up, err := net.DialTimeout("tcp", r.target, 5*time.Second)
		if err != nil || !r.track(c, up) {
			c.Close()
			if up != nil {
				up.Close()
			}
			continue
		}
		r.wg.Add(2)
		go r.pipe(c, up)
		go r.pipe(up, c)
	}
}

func (r *CutRelay) track(cs ...net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	for _, c := range cs {
		r.conns[c] = true
	}
	return true
}

// pipe copies src to dst; when src ends, both are closed.
func (r *CutRelay) pipe(src, dst net.Conn) {
	defer r.wg.Done()
	io.Copy(dst, src)
	src.Close()
	dst.Close()
	r.mu.Lock()
	delete(r.conns, src)
	delete(r.conns, dst)
	r.mu.Unlock()
}

// Close stops the relay and every connection through it.
func (r *CutRelay) Close() {
	r.mu.Lock()
	r.closed = true
	timers := r.timers
	for c := range r.conns {
		c.Close()
	}
	if r.ln != nil {
		r.ln.Close()
	}
	r.mu.Unlock()
	for _, t := range timers {
		t.Stop()
	}
	r.wg.Wait()
}
