package checktest

// Small SignalR and SockJS servers for the fallback probe's tests. Debian
// 12 packages no SignalR server and no SockJS server a test can start
// (node-sockjs is the library alone), so these are written in Go from the
// frameworks' documented wire protocols: ASP.NET Core SignalR's transport
// protocol (docs/specs/TransportProtocols.md and HubProtocol.md in
// dotnet/aspnetcore: negotiate with negotiateVersion=1, Server-Sent
// Events, long polling, the JSON hub protocol's handshake) and SockJS
// protocol 0.3 (sockjs-protocol-0.3.3: /info, xhr_streaming with its 2 KiB
// "h" prelude, xhr polling, xhr_send). Neither accepts WebSocket upgrades,
// as behind a proxy that blocks them: the fallback is all there is.
// Each streams a frame every Tick (SignalR a ping, SockJS a heartbeat) so a
// buffering proxy in front has something to hold back.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// StreamAppOptions shape a SignalR or SockJS test server.
type StreamAppOptions struct {
	// Tick is how often a stream carries a frame of its own (a SignalR
	// ping, a SockJS heartbeat); 0 means 500 ms.
	Tick time.Duration
	// Frames is how many ticks a stream lasts before it ends; 0 means 40.
	Frames int
	// NoBuffering sends "X-Accel-Buffering: no" on streams: what the
	// app's team can do so that nginx does not buffer them.
	NoBuffering bool
}

func (o StreamAppOptions) tick() time.Duration {
	if o.Tick <= 0 {
		return 500 * time.Millisecond
	}
	return o.Tick
}

func (o StreamAppOptions) frames() int {
	if o.Frames <= 0 {
		return 40
	}
	return o.Frames
}

// streamConn is one connection's (or session's) messages not yet sent.
type streamConn struct {
	mu      sync.Mutex
	out     []string
	wake    chan struct{}
	started bool // SignalR long polling: the first poll was answered
}

func newStreamConn() *streamConn { return &streamConn{wake: make(chan struct{}, 1)} }

func (c *streamConn) push(m string) {
	c.mu.Lock()
	c.out = append(c.out, m)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *streamConn) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.out
	c.out = nil
	return out
}

// wait takes the messages, waiting up to d for one.
func (c *streamConn) wait(r *http.Request, d time.Duration) []string {
	if m := c.take(); len(m) > 0 {
		return m
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.wake:
	case <-t.C:
	case <-r.Context().Done():
	}
	return c.take()
}

type streamConns struct {
	mu sync.Mutex
	m  map[string]*streamConn
}

func (s *streamConns) get(id string, create bool) *streamConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]*streamConn{}
	}
	c := s.m[id]
	if c == nil && create {
		c = newStreamConn()
		s.m[id] = c
	}
	return c
}

func randomID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// pollWait is how long a poll waits for a message before it is answered
// empty (SignalR) or with a heartbeat (SockJS).
const pollWait = 2 * time.Second

// streamStep writes and flushes one frame; false when the client is gone.
func streamStep(w http.ResponseWriter, s string) bool {
	if _, err := io.WriteString(w, s); err != nil {
		return false
	}
	http.NewResponseController(w).Flush()
	return true
}

// StartSignalR starts a SignalR server (the transport protocol, JSON hub
// protocol; no WebSocket) on 127.0.0.1 with its hub at /chathub, and
// returns its "127.0.0.1:port".
func StartSignalR(tb testing.TB, opt StreamAppOptions) string {
	tb.Helper()
	var conns streamConns
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/chathub/negotiate" && r.Method == http.MethodPost:
			tok := randomID()
			conns.get(tok, true)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"negotiateVersion":1,"connectionId":"%s","connectionToken":"%s","availableTransports":[`+
				`{"transport":"ServerSentEvents","transferFormats":["Text"]},{"transport":"LongPolling","transferFormats":["Text","Binary"]}]}`, randomID(), tok)
			return
		case r.URL.Path != "/chathub":
			http.NotFound(w, r)
			return
		}
		c := conns.get(r.URL.Query().Get("id"), false)
		if c == nil {
			w.WriteHeader(http.StatusBadRequest) // ASP.NET: "Connection ID required" / unknown
			io.WriteString(w, "No Connection with that ID")
			return
		}
		switch {
		case r.Method == http.MethodPost:
			b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
			for _, m := range strings.Split(string(b), "\x1e") {
				if strings.Contains(m, `"protocol"`) {
					c.push("{}\x1e")
				}
			}
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusOK)
		case r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/event-stream"):
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Cache-Control", "no-cache")
			if opt.NoBuffering {
				w.Header().Set("X-Accel-Buffering", "no")
			}
			w.WriteHeader(http.StatusOK)
			http.NewResponseController(w).Flush()
			tick := time.NewTicker(opt.tick())
			defer tick.Stop()
			for i := 0; i < opt.frames(); {
				select {
				case <-c.wake:
					for _, m := range c.take() {
						if !streamStep(w, "data: "+m+"\r\n\r\n") {
							return
						}
					}
				case <-tick.C:
					i++
					if !streamStep(w, "data: {\"type\":6}\x1e\r\n\r\n") {
						return
					}
				case <-r.Context().Done():
					return
				}
			}
		case r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "application/octet-stream")
			c.mu.Lock()
			first := !c.started
			c.started = true
			c.mu.Unlock()
			if first { // the first poll is answered at once
				w.WriteHeader(http.StatusOK)
				return
			}
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, strings.Join(c.wait(r, pollWait), ""))
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusAccepted)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	}))
	tb.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// StartSockJS starts a SockJS echo server (protocol 0.3, the xhr
// transports; WebSocket turned off) on 127.0.0.1 with its prefix at /echo,
// and returns its "127.0.0.1:port".
func StartSockJS(tb testing.TB, opt StreamAppOptions) string {
	tb.Helper()
	var sessions streamConns
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/echo/info" && r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			w.Header().Set("Cache-Control", "no-store, no-cache, no-transform, must-revalidate, max-age=0")
			io.WriteString(w, `{"websocket":false,"origins":["*:*"],"cookie_needed":false,"entropy":1234567}`)
			return
		}
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/echo/"), "/")
		if !strings.HasPrefix(r.URL.Path, "/echo/") || len(parts) != 3 || r.Method != http.MethodPost {
			http.NotFound(w, r) // also /websocket: turned off
			return
		}
		id := parts[0] + "/" + parts[1]
		w.Header().Set("Content-Type", "application/javascript; charset=UTF-8")
		switch parts[2] {
		case "xhr":
			s := sessions.get(id, false)
			if s == nil {
				sessions.get(id, true)
				io.WriteString(w, "o\n")
				return
			}
			m := s.wait(r, pollWait)
			if len(m) == 0 {
				io.WriteString(w, "h\n")
				return
			}
			b, _ := json.Marshal(m)
			io.WriteString(w, "a"+string(b)+"\n")
		case "xhr_send":
			s := sessions.get(id, false)
			if s == nil {
				http.NotFound(w, r)
				return
			}
			var msgs []string
			b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
			if json.Unmarshal(b, &msgs) != nil {
				w.WriteHeader(http.StatusInternalServerError)
				io.WriteString(w, "Broken JSON encoding.")
				return
			}
			for _, m := range msgs {
				s.push(m) // the echo
			}
			w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
			w.WriteHeader(http.StatusNoContent)
		case "xhr_streaming":
			s := sessions.get(id, true)
			if opt.NoBuffering {
				w.Header().Set("X-Accel-Buffering", "no")
			}
			w.WriteHeader(http.StatusOK)
			if !streamStep(w, strings.Repeat("h", 2048)+"\n") || !streamStep(w, "o\n") {
				return
			}
			tick := time.NewTicker(opt.tick())
			defer tick.Stop()
			for i := 0; i < opt.frames(); {
				select {
				case <-s.wake:
					if m := s.take(); len(m) > 0 {
						b, _ := json.Marshal(m)
						if !streamStep(w, "a"+string(b)+"\n") {
							return
						}
					}
				case <-tick.C:
					i++
					if !streamStep(w, "h\n") {
						return
					}
				case <-r.Context().Done():
					return
				}
			}
		default:
			http.NotFound(w, r)
		}
	}))
	tb.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// NginxBuffering starts nginx in front of backend the way a reverse
// proxy is most often set up for an app (proxy_pass alone: HTTP/1.0 to
// the backend, no WebSocket upgrade passed on), with proxy_buffering on
// or off. nginx 1.22 (nginx-light) holds a stream it reads over HTTP/1.0
// until its buffer fills or the response ends when buffering is on (its
// default), and passes each frame at once when it is off; with
// proxy_http_version 1.1 it passes a chunked stream's chunks even with
// buffering on, so that is left out here on purpose.
func NginxBuffering(tb testing.TB, backend string, buffering bool) string {
	tb.Helper()
	b := "on"
	if !buffering {
		b = "off"
	}
	return nginx(tb, backend, "proxy_buffering "+b+";")
}
