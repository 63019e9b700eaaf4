package checktest

import (
	"net"
	"sync"
	"testing"
	"time"
)

// Relay forwards TCP connections from a loopback port to a target, holding
// every chunk of data for Delay in each direction: a network with a round
// trip of 2*Delay, made on one machine.
type Relay struct {
	// Addr is the relay's listening address (host:port).
	Addr string

	ln     net.Listener
	target string
	delay  time.Duration
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
}

// NewRelay starts a relay to target with the given one-way delay; it stops
// when the test ends.
func NewRelay(tb testing.TB, target string, delay time.Duration) *Relay {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("relay: listen: %v", err)
	}
	r := &Relay{Addr: ln.Addr().String(), ln: ln, target: target, delay: delay, conns: map[net.Conn]bool{}}
	r.wg.Add(1)
	go r.accept()
	tb.Cleanup(r.Close)
	return r
}

func (r *Relay) accept() {
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
		r.wg.Add(2)
		go r.pipe(c, up)
		go r.pipe(up, c)
	}
}

func (r *Relay) track(cs ...net.Conn) bool {
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

// pipe copies src to dst, each chunk delivered Delay after it was read, in
// order. When src ends, dst's write side is closed after the same delay.
func (r *Relay) pipe(src, dst net.Conn) {
	defer r.wg.Done()
	type chunk struct {
		b   []byte
		due time.Time
	}
	q := make(chan chunk, 1024)
	var w sync.WaitGroup
	w.Add(1)
	go func() {
		defer w.Done()
		for c := range q {
			time.Sleep(time.Until(c.due)) // the simulated wire
			if c.b == nil {
				break
			}
			if _, err := dst.Write(c.b); err != nil {
				break
			}
		}
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		for range q { // drain so the reader never blocks
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			q <- chunk{append([]byte(nil), buf[:n]...), time.Now().Add(r.delay)}
		}
		if err != nil {
			q <- chunk{nil, time.Now().Add(r.delay)}
			close(q)
			break
		}
	}
	w.Wait()
}

// Close stops the relay and every connection through it.
func (r *Relay) Close() {
	r.mu.Lock()
	r.closed = true
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	r.ln.Close()
	r.wg.Wait()
}
