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
	"golang.org/x/net/netutil"

	"codeberg.org/wsdoctor/wsdoctor/checks/internal/bounded"
	"codeberg.org/wsdoctor/wsdoctor/checks/internal/wslimit"
)

// IdleTimeout is how long the server keeps a silent WebSocket open by
// default (Config.Idle; `serve --idle-timeout`). It is longer than the
// longest idle test (10 minutes, engine.MaxIdle), so that when a
// connection to it closes early, something in between closed it; and short
// enough that silent connections do not pile up.
const IdleTimeout = 11 * time.Minute

// HandshakeTimeout bounds how long a client may take to finish its TLS
// handshake and send its request, and the upgrade: a real client takes
// well under a second.
const HandshakeTimeout = 5 * time.Second

// handshakeTimeout is HandshakeTimeout, also the bound of one echo write.
const handshakeTimeout = HandshakeTimeout

// maxMessage bounds an echoed message, counted after permessage-deflate
// inflation, so a client cannot make the server hold unbounded memory.
const maxMessage = 1 << 20

// maxConnBytes bounds what one WebSocket may send in all, inflated: a check
// sends about 130 KiB, an idle test only pings.
const maxConnBytes = 64 << 20

// MaxWebSockets bounds the WebSockets open at once; one more is answered
// 503. With maxMessage each, the server holds at most about 256 MiB of
// messages however many clients come.
const MaxWebSockets = 256

// maxConns bounds the TCP connections served at once, WebSockets included;
// more wait in the listen queue.
const maxConns = 2 * MaxWebSockets

// maxHeaderBytes bounds a request's header block.
const maxHeaderBytes = 64 << 10

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
func Handler() http.Handler { return newHandler(nil, IdleTimeout) }

// Config is how a server runs; the zero value is the defaults.
type Config struct {
	// TLS serves wss; nil serves ws.
	TLS *tls.Config
	// Idle is how long a silent WebSocket is kept; zero means IdleTimeout.
	Idle time.Duration
	// PerIP bounds the connections one address holds; zero means MaxPerIP.
	PerIP int
}

// newHandler builds the handler; track, if set, is asked for a place before
// an upgrade (nil, true: false means none is free), told of the WebSocket
// once open (c, true: false means close it) and as it closes (c, false), or
// that the upgrade failed (nil, false).
func newHandler(track func(*websocket.Conn, bool) bool, idle time.Duration) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		if track != nil && !track(nil, true) {
			// Closed after the answer: a refused client holds no place.
			w.Header().Set("Connection", "close")
			http.Error(w, "too many WebSockets open; try again later", http.StatusServiceUnavailable)
			return
		}
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			if track != nil {
				track(nil, false)
			}
			return // Upgrade has answered the client already
		}
		if track != nil {
			if !track(c, true) {
				c.Close()
				return
			}
			defer track(c, false)
		}
		echo(c, idle)
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

// echo sends every message back as it came, and answers pings. A
// WebSocket that sends nothing, not even a ping, for idle is closed.
func echo(c *websocket.Conn, idle time.Duration) {
	defer c.Close()
	c.SetPingHandler(func(data string) error {
		// A ping is a sign of life: the connection is not idle.
		c.SetReadDeadline(time.Now().Add(idle))
		err := c.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(handshakeTimeout))
		if _, ok := err.(net.Error); ok || errors.Is(err, websocket.ErrCloseSent) {
			// As gorilla's own handler: the next read reports it.
			return nil
		}
		return err
	})
	mr := wslimit.New(c, maxMessage, maxConnBytes)
	for {
		c.SetReadDeadline(time.Now().Add(idle))
		kind, msg, err := mr.Next()
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

	mu       sync.Mutex
	conns    map[*websocket.Conn]bool
	reserved int // places taken by upgrades under way or open
	maxWS    int // MaxWebSockets; tests lower it
	closed   bool
	wg       sync.WaitGroup
}

// Start listens on addr (":0" style addresses pick a free port) and serves
// in the background. With certFile and keyFile it serves TLS (wss).
func Start(addr, certFile, keyFile string) (*Server, error) {
	var cfg *tls.Config
	if certFile != "" || keyFile != "" {
		var err error
		if cfg, err = TLSConfig(certFile, keyFile); err != nil {
			return nil, err
		}
	}
	return StartTLS(addr, cfg)
}

// TLSConfig is the server's TLS configuration with the certificate and
// key of those PEM files.
func TLSConfig(certFile, keyFile string) (*tls.Config, error) {
	cert, err := bounded.LoadKeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("serve: load certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// StartTLS is Start with a TLS configuration, or nil for plain ws.
func StartTLS(addr string, cfg *tls.Config) (*Server, error) {
	return StartConfig(addr, Config{TLS: cfg})
}

// StartConfig is Start with a Config.
func StartConfig(addr string, conf Config) (*Server, error) {
	cfg := conf.TLS
	idle := conf.Idle
	if idle <= 0 {
		idle = IdleTimeout
	}
	perIP := conf.PerIP
	if perIP <= 0 {
		perIP = MaxPerIP
	}
	tcp, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: listen: %w", err)
	}
	var ln net.Listener = limitPerIP(tcp, perIP)
	scheme := "ws"
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
		scheme = "wss"
	}
	s := &Server{
		Addr:  tcp.Addr().String(),
		URL:   scheme + "://" + tcp.Addr().String() + "/ws",
		err:   make(chan error, 1),
		conns: map[*websocket.Conn]bool{},
		maxWS: MaxWebSockets,
	}
	s.srv = &http.Server{
		Handler: newHandler(s.track, idle),
		// The TLS handshake and the request head: cut after 5 s.
		ReadHeaderTimeout: handshakeTimeout,
		// Between plain requests on one connection.
		IdleTimeout:    handshakeTimeout,
		MaxHeaderBytes: maxHeaderBytes,
		// Probes and scanners that hang up mid-handshake are routine for a
		// diagnostic endpoint, not errors worth a line each.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { s.err <- s.srv.Serve(netutil.LimitListener(ln, maxConns)) }()
	return s, nil
}

// track keeps count of the WebSockets: a place is reserved before the
// upgrade (refused past MaxWebSockets or once closing), the open WebSocket
// registered, and the place given back as it closes. One that opens while
// the server is closing is refused, and its handler closes it.
func (s *Server) track(c *websocket.Conn, open bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case c == nil && open:
		if s.closed || s.reserved >= s.maxWS {
			return false
		}
		s.reserved++
	case c == nil:
		s.reserved--
	case !open:
		if s.conns[c] {
			delete(s.conns, c)
			s.wg.Done()
		}
		s.reserved--
	default:
		if s.closed {
			s.reserved--
			return false
		}
		s.conns[c] = true
		s.wg.Add(1)
	}
	return true
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
