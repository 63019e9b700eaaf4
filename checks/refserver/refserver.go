// Package refserver is the reference WebSocket endpoint that `wsdoctor serve`
// runs and that `wsdoctor check` starts in-process when it has no target:
// an echo on /ws and a plain page on /. Support teams can host it next to
// their service to tell their server's problems from the network's.
package refserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// IdleTimeout is how long the server keeps a silent WebSocket open. It is
// longer than any middle box's idle limit worth measuring, so that when a
// connection to it closes early, something in between closed it.
const IdleTimeout = 15 * time.Minute

// handshakeTimeout bounds how long a client may take to send its request.
const handshakeTimeout = 30 * time.Second

// maxMessage bounds an echoed message, so a client cannot make the server
// hold unbounded memory.
const maxMessage = 1 << 20

// Page is the body served on "/", recognisable in a report.
const Page = `<!doctype html><html><head><meta charset="utf-8"><title>WebSocket Doctor reference server</title></head>` +
	`<body><h1>WebSocket Doctor reference server</h1><p>WebSocket echo endpoint: <code>/ws</code></p></body></html>`

var upgrader = websocket.Upgrader{
	HandshakeTimeout: handshakeTimeout,
	// The reference server is meant to be reached from any page, including
	// the checker's own origin-less requests.
	CheckOrigin:       func(*http.Request) bool { return true },
	EnableCompression: true,
}

// Handler serves the echo on /ws and the page on /.
func Handler() http.Handler { return newHandler(nil) }

// newHandler builds the handler; track, if set, is told of each WebSocket
// when it opens (true) and closes (false).
func newHandler(track func(*websocket.Conn, bool)) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return // Upgrade has answered the client already
		}
		if track != nil {
			track(c, true)
			defer track(c, false)
		}
		echo(c)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, Page)
	})
	return mux
}

// echo sends every message back as it came, and answers pings (gorilla does
// that by default).
func echo(c *websocket.Conn) {
	defer c.Close()
	c.SetReadLimit(maxMessage)
	for {
		c.SetReadDeadline(time.Now().Add(IdleTimeout))
		kind, msg, err := c.ReadMessage()
		if err != nil {
			return
		}
		c.SetWriteDeadline(time.Now().Add(handshakeTimeout))
		if err := c.WriteMessage(kind, msg); err != nil {
			return
		}
	}
}

// Server is a running reference server.
type Server struct {
	// Addr is the address it listens on.
	Addr string
	// URL is the WebSocket URL of its echo endpoint.
	URL string
	srv *http.Server
	err chan error

	mu     sync.Mutex
	conns  map[*websocket.Conn]bool
	closed bool
	wg     sync.WaitGroup
}

// Start listens on addr (":0" style addresses pick a free port) and serves
// in the background. With certFile and keyFile it serves TLS (wss).
func Start(addr, certFile, keyFile string) (*Server, error) {
	var cfg *tls.Config
	if certFile != "" || keyFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("serve: load certificate: %w", err)
		}
		cfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	return StartTLS(addr, cfg)
}

// StartTLS is Start with a TLS configuration, or nil for plain ws.
func StartTLS(addr string, cfg *tls.Config) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: listen: %w", err)
	}
	scheme := "ws"
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
		scheme = "wss"
	}
	s := &Server{
		Addr:  ln.Addr().String(),
		URL:   scheme + "://" + ln.Addr().String() + "/ws",
		err:   make(chan error, 1),
		conns: map[*websocket.Conn]bool{},
	}
	s.srv = &http.Server{
		Handler:           newHandler(s.track),
		ReadHeaderTimeout: handshakeTimeout,
		IdleTimeout:       IdleTimeout,
		// Probes and scanners that hang up mid-handshake are routine for a
		// diagnostic endpoint, not errors worth a line each.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { s.err <- s.srv.Serve(ln) }()
	return s, nil
}

// track registers a WebSocket as it opens and forgets it as it closes. One
// that opens while the server is closing is closed at once.
func (s *Server) track(c *websocket.Conn, open bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !open {
		if s.conns[c] {
			delete(s.conns, c)
			s.wg.Done()
		}
		return
	}
	if s.closed {
		c.Close()
		return
	}
	s.conns[c] = true
	s.wg.Add(1)
}

// shutdownGrace is how long open connections get to finish on shutdown.
const shutdownGrace = 2 * time.Second

// Close stops the server and closes every connection, WebSockets included.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.srv.Close()
	}
	// Shutdown does not see hijacked connections: close the WebSockets
	// and wait for their handlers to end.
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"), time.Now().Add(100*time.Millisecond))
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	if serr := <-s.err; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return nil
}
