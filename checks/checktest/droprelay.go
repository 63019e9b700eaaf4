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
	tcpRelay
	idle      time.Duration
	blackhole bool // guarded by tcpRelay.mu
}

// NewDropRelay starts a DropRelay to target that forgets connections idle
// for idle; it stops when the test ends.
func NewDropRelay(tb testing.TB, target string, idle time.Duration) *DropRelay {
	tb.Helper()
	r := &DropRelay{idle: idle}
	r.serve = func(c, up net.Conn) {
		f := &flow{last: time.Now()}
		bothWays(c, up, func(src, dst net.Conn) { r.pipe(f, src, dst) })
	}
	r.start(tb, "drop relay", target)
	tb.Cleanup(r.Close)
	return r
}

// Blackhole makes the relay drop everything from now on, silently.
func (r *DropRelay) Blackhole() {
	r.mu.Lock()
	r.blackhole = true
	r.mu.Unlock()
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
