package checktest

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// LifetimeRelay starts a TCP relay on loopback to target (host:port) that
// ends every connection life after it was accepted, whatever passes on it,
// as a load balancer or firewall with a maximum connection lifetime does:
// both sides are closed (FIN), with no WebSocket close frame. haproxy's
// "timeout tunnel" counts idleness, not age, so this is a small relay of
// our own. It returns the relay's host:port.
func LifetimeRelay(tb testing.TB, target string, life time.Duration) string {
	tb.Helper()
	s := listen(tb)
	s.serveRaw(func(c net.Conn, br *bufio.Reader) {
		c.SetDeadline(time.Time{})
		up, err := net.DialTimeout("tcp", target, 5*time.Second)
		if err != nil {
			return
		}
		defer up.Close()
		// At the cut the relay ends both sides with a FIN: the client's
		// side is half-closed and then drained until the client closes,
		// since closing a socket with unread data (a busy connection's
		// last message) would send a reset instead.
		cut := time.AfterFunc(life, func() { up.Close() })
		defer cut.Stop()
		var wg sync.WaitGroup
		wg.Go(func() {
			io.Copy(c, up)
			if tc, ok := c.(interface{ CloseWrite() error }); ok {
				tc.CloseWrite()
			} else {
				c.Close()
			}
		})
		io.Copy(up, br)
		up.Close()
		wg.Wait()
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		io.Copy(io.Discard, br)
	})
	return s.ln.Addr().String()
}

// DataOnlyRelay starts a WebSocket-aware relay on loopback to the server at
// target (host:port) that counts only data frames as traffic, as some load
// balancers do: it drops ping frames both ways (so no pong comes), passes
// everything else, and ends a connection (FIN both ways, no close frame)
// once no data frame passed for idle. It drops the client's
// Sec-WebSocket-Extensions so that frames go uncompressed. It returns the
// relay's ws:// URL for path.
func DataOnlyRelay(tb testing.TB, target, path string, idle time.Duration) string {
	tb.Helper()
	s := listen(tb)
	s.serveRaw(func(c net.Conn, br *bufio.Reader) {
		up, ubr, ok := relayUpgrade(c, br, target)
		if !ok {
			return
		}
		defer up.Close()
		c.SetDeadline(time.Time{})
		up.SetDeadline(time.Time{})
		cut := time.AfterFunc(idle, func() {
			c.Close()
			up.Close()
		})
		defer cut.Stop()
		pass := func(from *bufio.Reader, to net.Conn) {
			for {
				f, err := readRelayFrame(from)
				if err != nil {
					return
				}
				switch {
				case f.opcode == 0x9:
					continue // a ping: dropped, not counted
				case f.opcode < 0x8:
					cut.Reset(idle) // data: counted
				}
				if _, err := to.Write(f.bytes()); err != nil {
					return
				}
			}
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			pass(ubr, c)
			c.Close()
		})
		pass(br, up)
		up.Close()
		wg.Wait()
	})
	return "ws://" + s.ln.Addr().String() + path
}

// relayUpgrade passes the client's upgrade request (read from br, without
// its Sec-WebSocket-Extensions) to target and the answer's head back to c.
// It returns the upstream connection and its reader when the answer was
// 101; else it closes what it opened and reports false.
func relayUpgrade(c net.Conn, br *bufio.Reader, target string) (net.Conn, *bufio.Reader, bool) {
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, nil, false
	}
	up, err := net.DialTimeout("tcp", target, 5*time.Second)
	if err != nil {
		return nil, nil, false
	}
	up.SetDeadline(time.Now().Add(ioTimeout))
	req.Header.Del("Sec-Websocket-Extensions")
	if req.Write(up) != nil {
		up.Close()
		return nil, nil, false
	}
	ubr := bufio.NewReader(up)
	var head bytes.Buffer
	for {
		line, err := ubr.ReadString('\n')
		if err != nil {
			up.Close()
			return nil, nil, false
		}
		head.WriteString(line)
		if line == "\r\n" {
			break
		}
	}
	if _, err := c.Write(head.Bytes()); err != nil || !strings.Contains(head.String(), " 101 ") {
		up.Close()
		return nil, nil, false
	}
	return up, ubr, true
}
