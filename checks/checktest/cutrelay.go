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
}

// NewCutRelay starts a CutRelay to target that cuts every connection at
// each of at after it started, then turns connections away for down; it
// stops when the test ends.
func NewCutRelay(tb testing.TB, target string, down time.Duration, at ...time.Duration) *CutRelay {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("cut relay: listen: %v", err)
	}
	r := &CutRelay{Addr: ln.Addr().String(), ln: ln, target: target, down: down, conns: map[net.Conn]bool{}}
	for _, d := range at {
		r.timers = append(r.timers, time.AfterFunc(d, func() { r.Cut() }))
	}
	r.wg.Add(1)
	go r.accept()
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
	return n
}

// Cuts are when the relay cut.
func (r *CutRelay) Cuts() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.cuts...)
}

func (r *CutRelay) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
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
	for _, t := range r.timers {
		t.Stop()
	}
	r.mu.Lock()
	r.closed = true
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	r.ln.Close()
	r.wg.Wait()
}
