package checktest

import (
	"net"
	"sync"
	"testing"
	"time"
)

// tcpRelay is the plumbing the relays share (Relay, DropRelay, CutRelay):
// a loopback listener; for each connection accepted, one dialled to the
// target and the two handed to serve; every connection tracked so that
// Close ends them all and waits for every goroutine.
type tcpRelay struct {
	// Addr is the relay's listening address (host:port).
	Addr string

	ln     net.Listener // guarded by mu; nil while a refusing CutRelay does not listen
	target string
	// admit, when set, is asked as each connection comes: false turns
	// it away (accepted and closed at once, nothing dialled).
	admit func() bool
	// serve passes data between the client's connection c and up, the
	// target's, returning when both ways have ended.
	serve func(c, up net.Conn)
	wg    sync.WaitGroup

	mu     sync.Mutex // guards conns and closed, and the state of the relay built on it
	conns  map[net.Conn]bool
	closed bool
}

// start listens on loopback and accepts until the relay is closed (the
// relay built on it has the test close it); name is the relay's in a
// failure.
func (r *tcpRelay) start(tb testing.TB, name, target string) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("%s: listen: %v", name, err)
	}
	r.Addr, r.ln, r.target, r.conns = ln.Addr().String(), ln, target, map[net.Conn]bool{}
	r.wg.Add(1)
	go r.accept(ln)
}

// accept serves ln until it is closed.
func (r *tcpRelay) accept(ln net.Listener) {
	defer r.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		if r.admit != nil && !r.admit() {
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
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.serve(c, up)
		}()
	}
}

func (r *tcpRelay) track(cs ...net.Conn) bool {
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

func (r *tcpRelay) untrack(cs ...net.Conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range cs {
		delete(r.conns, c)
	}
}

// closeConns closes every connection through the relay and forgets it,
// returning how many; r.mu is held.
func (r *tcpRelay) closeConns() int {
	n := len(r.conns)
	for c := range r.conns {
		c.Close()
		delete(r.conns, c)
	}
	return n
}

// closeLocked marks the relay closed and closes its listener and every
// connection through it; r.mu is held.
func (r *tcpRelay) closeLocked() {
	r.closed = true
	r.closeConns()
	if r.ln != nil {
		r.ln.Close()
	}
}

// Close stops the relay and every connection through it.
func (r *tcpRelay) Close() {
	r.mu.Lock()
	r.closeLocked()
	r.mu.Unlock()
	r.wg.Wait()
}

// bothWays runs pipe from c to up and from up to c at once, and returns
// when both have.
func bothWays(c, up net.Conn, pipe func(src, dst net.Conn)) {
	var w sync.WaitGroup
	w.Go(func() { pipe(c, up) })
	pipe(up, c)
	w.Wait()
}

// Relay forwards TCP connections from a loopback port to a target, holding
// every chunk of data for Delay in each direction: a network with a round
// trip of 2*Delay, made on one machine.
type Relay struct {
	tcpRelay
	delay time.Duration
}

// NewRelay starts a relay to target with the given one-way delay; it stops
// when the test ends.
func NewRelay(tb testing.TB, target string, delay time.Duration) *Relay {
	tb.Helper()
	r := &Relay{delay: delay}
	r.serve = func(c, up net.Conn) { bothWays(c, up, r.pipe) }
	r.start(tb, "relay", target)
	tb.Cleanup(r.Close)
	return r
}

// pipe copies src to dst, each chunk delivered Delay after it was read, in
// order. When src ends, dst's write side is closed after the same delay.
func (r *Relay) pipe(src, dst net.Conn) {
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
