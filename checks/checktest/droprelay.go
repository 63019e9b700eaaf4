package checktest

import (
	"net"
	"sync"
	"testing"
	"time"
)

// DropRelay forwards TCP connections from a loopback port to a target, and
// forgets a connection that was idle (no data either way) for Idle, as a
// NAT or stateful firewall does: from then on it drops what comes, both
// ways, and closes nothing, so neither end is told. Blackhole makes it drop
// everything at once, as a network that went away.
type DropRelay struct {
	// Addr is the relay's listening address (host:port).
	Addr string

	ln     net.Listener
	target string
	idle   time.Duration
	wg     sync.WaitGroup

	mu        sync.Mutex
	conns     map[net.Conn]bool
	closed    bool
	blackhole bool
}

// NewDropRelay starts a DropRelay to target that forgets connections idle
// for idle; it stops when the test ends.
func NewDropRelay(tb testing.TB, target string, idle time.Duration) *DropRelay {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("drop relay: listen: %v", err)
	}
	r := &DropRelay{Addr: ln.Addr().String(), ln: ln, target: target, idle: idle, conns: map[net.Conn]bool{}}
	r.wg.Add(1)
	go r.accept()
	tb.Cleanup(r.Close)
	return r
}

// Blackhole makes the relay drop everything from now on, silently.
func (r *DropRelay) Blackhole() {
	r.mu.Lock()
	r.blackhole = true
	r.mu.Unlock()
}

func (r *DropRelay) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.DialTimeout("tcp", r.target, 5*time.Second)
		if err != nil || !r.track(c, up) {
			c.Close()
			if up != nil {
				up.Close()
			}
			continue
		}
		f := &flow{last: time.Now()}
		r.wg.Add(2)
		go r.pipe(f, c, up)
		go r.pipe(f, up, c)
	}
}

func (r *DropRelay) track(cs ...net.Conn) bool {
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

// flow is the relay's state for one connection, both directions.
type flow struct {
	mu        sync.Mutex
	last      time.Time
	forgotten bool
}

// pass reports whether data read now may go on, and counts it as activity.
// Idleness is judged when data comes, as a NAT does when it looks its
// table up: no timer is needed to forget.
func (r *DropRelay) pass(f *flow) bool {
	r.mu.Lock()
	bh := r.blackhole
	r.mu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	if bh || f.forgotten || now.Sub(f.last) >= r.idle {
		f.forgotten = true
		return false
	}
	f.last = now
	return true
}

// pipe copies src to dst while the flow is remembered; after, it reads and
// drops. When src ends, it ends dst's write side only if the flow is
// remembered: a forgotten flow passes nothing, FIN included.
func (r *DropRelay) pipe(f *flow, src, dst net.Conn) {
	defer r.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && r.pass(f) {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if r.pass(f) {
				if tc, ok := dst.(*net.TCPConn); ok {
					tc.CloseWrite()
				}
			}
			return
		}
	}
}

// Close stops the relay and every connection through it.
func (r *DropRelay) Close() {
	r.mu.Lock()
	r.closed = true
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	r.ln.Close()
	r.wg.Wait()
}
