// Package checktest holds test servers and proxies that misbehave on purpose; for tests only.
package checktest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// ioTimeout bounds every connection a test server holds, so a test that
// forgets a client cannot hang the run; tests end long before it.
const ioTimeout = 30 * time.Second

// drainWait bounds how long a server that closed its side waits for the
// client to close its own: long enough for the client to read what was sent
// without a reset destroying it, short enough to be no test's bottleneck.
const drainWait = 5 * time.Second

// DeniedTitle is the <title> of the block page DeniedPage serves.
const DeniedTitle = "Access denied"

// DeniedServer, DeniedVia and DeniedXCache are the headers DeniedPage
// answers with, as a filtering proxy would.
const (
	DeniedServer = "BlockGate/2.1"
	DeniedVia    = "1.1 gate.checktest (BlockGate/2.1)"
	DeniedXCache = "MISS from gate.checktest"
)

// deniedPage is a block page as a web filter serves it.
const deniedPage = `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>
  Access denied
</title></head>
<body><h1>Access denied</h1><p>The page you requested was blocked by your organisation&#39;s web policy.</p></body></html>
`

// MissingUpgradeBody is the text MissingUpgrade answers with.
const MissingUpgradeBody = "missing Upgrade header"

// server is a loopback listener whose connections are all closed, and whose
// goroutines all waited for, when the test ends.
type server struct {
	ln net.Listener
	wg sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	conns   map[net.Conn]struct{}
	onClose []func()
}

func listen(t testing.TB) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("checktest: listen: %v", err)
	}
	s := &server{ln: ln, conns: map[net.Conn]struct{}{}}
	t.Cleanup(s.close)
	return s
}

// url is the WebSocket URL of the server's endpoint.
func (s *server) url() string { return "ws://" + s.ln.Addr().String() + "/ws" }

// enter counts a goroutine that close waits for; false once closing.
func (s *server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

// track adds c to the connections closed on cleanup; false once closing.
func (s *server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *server) close() {
	s.mu.Lock()
	s.closed = true
	for _, f := range s.onClose {
		f()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

// serveRaw hands each connection to handle, with a deadline, and closes it
// when handle returns.
func (s *server) serveRaw(handle func(c net.Conn, br *bufio.Reader)) {
	if !s.enter() {
		return
	}
	go func() {
		defer s.wg.Done()
		for {
			c, err := s.ln.Accept()
			if err != nil {
				return
			}
			if !s.enter() {
				c.Close()
				return
			}
			go func() {
				defer s.wg.Done()
				defer c.Close()
				if !s.track(c) {
					return
				}
				defer s.untrack(c)
				c.SetDeadline(time.Now().Add(ioTimeout))
				handle(c, bufio.NewReader(c))
			}()
		}
	}()
}

// serveHTTP reads one request per connection and lets answer write the
// response by hand, as no well-behaved server would.
func (s *server) serveHTTP(answer func(c net.Conn, br *bufio.Reader, req *http.Request)) {
	s.serveRaw(func(c net.Conn, br *bufio.Reader) {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		answer(c, br, req)
	})
}

// serveWS upgrades WebSocket requests with gorilla and hands the connection
// to fn; plain requests get a short text page.
func (s *server) serveWS(up *websocket.Upgrader, fn func(c *websocket.Conn, r *http.Request)) {
	srv := &http.Server{
		ReadHeaderTimeout: ioTimeout,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !websocket.IsWebSocketUpgrade(r) {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				io.WriteString(w, "checktest WebSocket endpoint\n")
				return
			}
			if !s.enter() {
				http.Error(w, "shutting down", http.StatusServiceUnavailable)
				return
			}
			defer s.wg.Done()
			c, err := up.Upgrade(w, r, nil)
			if err != nil {
				return // Upgrade answered the client
			}
			defer c.Close()
			nc := c.NetConn()
			if !s.track(nc) {
				return
			}
			defer s.untrack(nc)
			nc.SetDeadline(time.Now().Add(ioTimeout))
			fn(c, r)
		}),
	}
	if !s.enter() {
		return
	}
	go func() {
		defer s.wg.Done()
		srv.Serve(s.ln)
	}()
	// http.Server.Close closes the listener and the connections it still
	// owns; close takes the hijacked ones.
	s.mu.Lock()
	s.onClose = append(s.onClose, func() { srv.Close() })
	s.mu.Unlock()
}

var upgrader = websocket.Upgrader{
	// Tests send Origin headers of their own choosing.
	CheckOrigin:       func(*http.Request) bool { return true },
	EnableCompression: true,
}

// finish half-closes c after what was written, and waits (bounded) for the
// client to close, so that the client reads everything rather than a reset
// caused by its own unread data.
func finish(c net.Conn, br io.Reader) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(drainWait))
	io.Copy(io.Discard, br)
}

// DeniedPage starts a server that answers every request, WebSocket upgrades
// included, with 200 and an HTML block page titled DeniedTitle, as a web
// filter does. It returns the ws:// URL.
func DeniedPage(t testing.TB) string {
	s := listen(t)
	s.serveHTTP(func(c net.Conn, _ *bufio.Reader, _ *http.Request) {
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nServer: %s\r\nVia: %s\r\nX-Cache: %s\r\n"+
			"Content-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			DeniedServer, DeniedVia, DeniedXCache, len(deniedPage), deniedPage)
	})
	return s.url()
}

// MissingUpgrade starts a server that answers every request with 400 and
// MissingUpgradeBody, as a server does when a proxy stripped the Upgrade
// header. It returns the ws:// URL.
func MissingUpgrade(t testing.TB) string {
	s := listen(t)
	s.serveHTTP(func(c net.Conn, _ *bufio.Reader, _ *http.Request) {
		fmt.Fprintf(c, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			len(MissingUpgradeBody), MissingUpgradeBody)
	})
	return s.url()
}

// WrongAccept is the Sec-WebSocket-Accept BadAccept answers: the sample key
// of RFC 6455, which is no accept value for any key.
const WrongAccept = "dGhlIHNhbXBsZSBub25jZQ=="

// BadAccept starts a server that answers upgrades with 101 and WrongAccept,
// and plain requests with 200. It returns the ws:// URL.
func BadAccept(t testing.TB) string {
	s := listen(t)
	s.serveHTTP(func(c net.Conn, br *bufio.Reader, req *http.Request) {
		if !websocket.IsWebSocketUpgrade(req) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
			return
		}
		io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Accept: "+WrongAccept+"\r\n\r\n")
		finish(c, br)
	})
	return s.url()
}

// Silent starts a server that accepts connections, reads what comes and
// never answers, as a middle box holding the upgrade does. It returns the
// ws:// URL.
func Silent(t testing.TB) string {
	s := listen(t)
	s.serveRaw(func(_ net.Conn, br *bufio.Reader) {
		io.Copy(io.Discard, br)
	})
	return s.url()
}

// CloseAfterUpgrade starts a server that completes the upgrade and closes
// the connection at once: with a close frame of code and reason, or, when
// code is 0, with none (a bare TCP close). It returns the ws:// URL.
func CloseAfterUpgrade(t testing.TB, code int, reason string) string {
	s := listen(t)
	s.serveWS(&upgrader, func(c *websocket.Conn, _ *http.Request) {
		if code != 0 {
			c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(ioTimeout))
		}
		finish(c.NetConn(), c.NetConn())
	})
	return s.url()
}

// ResetAfterUpgrade starts a server that completes the upgrade and resets
// the connection at once (TCP RST). It returns the ws:// URL.
func ResetAfterUpgrade(t testing.TB) string {
	s := listen(t)
	s.serveWS(&upgrader, func(c *websocket.Conn, _ *http.Request) {
		if tc, ok := c.NetConn().(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		c.NetConn().Close()
	})
	return s.url()
}

// NoEcho starts a server that completes the upgrade, reads every message and
// sends none back; it answers pings and close frames as gorilla does. It
// returns the ws:// URL.
func NoEcho(t testing.TB) string {
	s := listen(t)
	s.serveWS(&upgrader, func(c *websocket.Conn, _ *http.Request) {
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})
	return s.url()
}

// Mangle starts a server that echoes every message with its last byte
// changed, as a broken middle box rewriting frames would. It returns the
// ws:// URL.
func Mangle(t testing.TB) string {
	s := listen(t)
	s.serveWS(&upgrader, func(c *websocket.Conn, _ *http.Request) {
		for {
			kind, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if len(msg) > 0 {
				msg[len(msg)-1] ^= 0x01
			}
			if err := c.WriteMessage(kind, msg); err != nil {
				return
			}
		}
	})
	return s.url()
}

// Echo is an echo server that remembers the last upgrade request's headers
// and offers subprotocols, to check what a client sends.
type Echo struct {
	// URL is the ws:// URL of the endpoint.
	URL string

	mu  sync.Mutex
	hdr http.Header
}

// NewEcho starts an Echo that accepts the given subprotocols.
func NewEcho(t testing.TB, subprotocols ...string) *Echo {
	s := listen(t)
	e := &Echo{URL: s.url()}
	up := upgrader
	up.Subprotocols = subprotocols
	s.serveWS(&up, func(c *websocket.Conn, r *http.Request) {
		e.mu.Lock()
		e.hdr = r.Header.Clone()
		e.mu.Unlock()
		for {
			kind, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(kind, msg); err != nil {
				return
			}
		}
	})
	return e
}

// Header is the last upgrade request's header, or nil before one came.
func (e *Echo) Header() http.Header {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hdr.Clone()
}

// SlowUpgrade starts an echo server that holds every upgrade request for
// delay before answering it, as a slow server or a busy proxy does. It
// returns the ws:// URL.
func SlowUpgrade(t testing.TB, delay time.Duration) string {
	s := listen(t)
	stop := make(chan struct{})
	s.mu.Lock()
	s.onClose = append(s.onClose, func() { close(stop) })
	s.mu.Unlock()
	// The delay is the server's slowness, which the test measures: a
	// listener wrapper holds each connection's first read.
	s.ln = &slowListener{Listener: s.ln, delay: delay, stop: stop}
	up := upgrader
	s.serveWS(&up, func(c *websocket.Conn, _ *http.Request) {
		for {
			kind, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(kind, msg); err != nil {
				return
			}
		}
	})
	return s.url()
}

// slowListener delays the first read of each connection it accepts.
type slowListener struct {
	net.Listener
	delay time.Duration
	stop  <-chan struct{}
}

func (l *slowListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &slowConn{Conn: c, delay: l.delay, stop: l.stop}, nil
}

// slowConn holds the first bytes it reads for its delay before it hands
// them on: the answer comes at least delay after the request arrived,
// which the client sent after it started timing, however the two sides
// are scheduled on a busy machine.
type slowConn struct {
	net.Conn
	delay  time.Duration
	stop   <-chan struct{}
	waited bool
}

func (c *slowConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if !c.waited && n > 0 {
		c.waited = true
		t := time.NewTimer(c.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-c.stop:
		}
	}
	return n, err
}
