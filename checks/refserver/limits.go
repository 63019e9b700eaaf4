package refserver

import (
	"net"
	"sync"
)

// One hostile client must not lock the others out: each address may hold
// at most MaxPerIP connections at once (more are closed as they come, at
// no cost to the others), an unfinished handshake is cut after
// HandshakeTimeout, and a silent WebSocket after the idle time.

// MaxPerIP bounds the connections one address holds at once: a check opens
// about ten (its probes, the idle test's three and its ladder, the
// browser's); behind a middle box that drops idle connections silently the
// server learns of none of them closing until its idle timeout, so a few
// checks again in a row hold dozens; and people behind one company address
// share it.
const MaxPerIP = 256

// perIPListener closes a connection at once when its address already holds
// max; the count drops as each connection closes.
type perIPListener struct {
	net.Listener
	max int
	mu  sync.Mutex
	n   map[string]int
}

func limitPerIP(ln net.Listener, max int) *perIPListener {
	return &perIPListener{Listener: ln, max: max, n: map[string]int{}}
}

func (l *perIPListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := c.RemoteAddr().String()
		if h, _, err := net.SplitHostPort(ip); err == nil {
			ip = h
		}
		l.mu.Lock()
		if l.n[ip] >= l.max {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.n[ip]++
		l.mu.Unlock()
		return &countedConn{Conn: c, release: sync.OnceFunc(func() {
			l.mu.Lock()
			if l.n[ip]--; l.n[ip] <= 0 {
				delete(l.n, ip)
			}
			l.mu.Unlock()
		})}, nil
	}
}

// countedConn gives its place back when closed.
type countedConn struct {
	net.Conn
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.release()
	return err
}
