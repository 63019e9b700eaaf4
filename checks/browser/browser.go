// Package browser opens the same WebSocket from the person's own browser,
// so its answer can be set beside the check's.
//
// Start serves one page on a loopback port, at a path holding a random
// one-time token. The page is embedded in the program and self-contained
// (inline script and style, nothing loaded from elsewhere), and its
// Content-Security-Policy lets it connect only to the target and back to
// the page's own server. It opens new WebSocket(target), sends the echo
// probe's text and binary test messages of 1 KiB, times the opening, the
// first echo and the close, and posts what it saw back to the server; the
// server takes that answer once, on the token's path, from the page's own
// origin, and then shuts down. Nothing else is read from the browser, and
// nothing is sent anywhere but to the target and to this loopback server.
package browser

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// MaxWait is how long Test waits for the browser's answer: long enough to
// start a browser that was closed and for a slow handshake, short enough
// that a person who closed the tab is not kept waiting.
const MaxWait = 3 * time.Minute

// maxBody bounds the answer the page posts: a few hundred bytes of JSON,
// with room for a long user agent and close reason.
const maxBody = 16 << 10

// shutdownWait bounds the server's shutdown, so the answer's own response
// is flushed but a stuck connection cannot hold the caller.
const shutdownWait = 2 * time.Second

// Result is what the browser saw when it opened the WebSocket. Times are in
// milliseconds; zero when the step did not happen.
type Result struct {
	// Target is the address the browser was asked to open.
	Target string `json:"target"`
	// Opened is set when the WebSocket opened (the browser's open event).
	Opened bool `json:"opened"`
	// OpenMS is the time from new WebSocket() to the open event.
	OpenMS float64 `json:"open_ms,omitempty"`
	// FirstEchoMS is the time from the first message sent to the first
	// message that came back.
	FirstEchoMS float64 `json:"first_echo_ms,omitempty"`
	// CloseMS is the time from new WebSocket() to the close event.
	CloseMS float64 `json:"close_ms,omitempty"`
	// EchoedText and EchoedBinary say whether the 1 KiB text and binary
	// messages came back unchanged.
	EchoedText   bool `json:"echoed_text"`
	EchoedBinary bool `json:"echoed_binary"`
	// CloseCode, CloseReason and WasClean are the close event's.
	CloseCode   int    `json:"close_code,omitempty"`
	CloseReason string `json:"close_reason,omitempty"`
	WasClean    bool   `json:"was_clean"`
	// Error is what went wrong in the page: "error" (the WebSocket's error
	// event), "timeout" (no answer in time), or the exception that new
	// WebSocket() threw.
	Error string `json:"error,omitempty"`
	// UserAgent is the browser's navigator.userAgent.
	UserAgent string `json:"user_agent"`
	// Online is the browser's navigator.onLine: whether it thinks it has a
	// network.
	Online bool `json:"online"`
	// Antivirus names the antivirus products this computer reports as on
	// (Windows' Security Center); they may inspect what browsers send.
	Antivirus []string `json:"antivirus,omitempty"`
}

// Works reports whether the browser could open the WebSocket.
func (r Result) Works() bool { return r.Opened }

// Name is the browser's name from its user agent ("Firefox", "Edge",
// "Chrome", "Safari"), or "" when it is not one of those.
func (r Result) Name() string {
	ua := r.UserAgent
	switch {
	case strings.Contains(ua, "Firefox/"):
		return "Firefox"
	case strings.Contains(ua, "Edg/"):
		return "Edge"
	case strings.Contains(ua, "OPR/"):
		return "Opera"
	case strings.Contains(ua, "Chromium/"):
		return "Chromium"
	case strings.Contains(ua, "Chrome/"):
		return "Chrome"
	case strings.Contains(ua, "Safari/"):
		return "Safari"
	}
	return ""
}

// Errors of the page server.
var (
	// ErrNoAnswer: the browser did not post an answer within MaxWait.
	ErrNoAnswer = errors.New("browser: no answer from the browser")
	// ErrClosed: the server was closed before the browser answered.
	ErrClosed = errors.New("browser: closed before the browser answered")
)

//go:embed page.html
var pageSource string

var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(pageSource))
})

// Server serves the test page on a loopback port until it has the
// browser's answer, or until Close.
type Server struct {
	// WaitLimit is how long Wait waits for the answer; zero is MaxWait.
	// Set it before Wait.
	WaitLimit time.Duration

	target string
	words  *i18n.Words // the page's language
	token  string
	nonce  string
	origin string // http://127.0.0.1:port, the page's own origin
	ln     net.Listener
	srv    *http.Server

	mu       sync.Mutex
	answered bool
	result   chan Result
	done     chan struct{}
	once     sync.Once
	// loaded is closed when a browser first asks for the page.
	loaded   chan struct{}
	loadOnce sync.Once
}

// LoadWait is how long a browser may take to load the test page after it
// was asked to open it: past that, it most likely never opened (no
// default browser, a dialog it waits on), and the person is told so, with
// the page's address to open by hand.
const LoadWait = 20 * time.Second

// Loaded is closed once a browser has asked for the page.
func (s *Server) Loaded() <-chan struct{} { return s.loaded }

// Start starts the page server on 127.0.0.1, on a port the system picks,
// for a WebSocket to target (ws:// or wss://); the page speaks the
// language of words (English when nil).
func Start(target string, words *i18n.Words) (*Server, error) {
	if words == nil {
		words = i18n.English()
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return nil, fmt.Errorf("browser: target %q: want a ws:// or wss:// address", target)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("browser: listen: %w", err)
	}
	s := &Server{
		target: u.String(),
		words:  words,
		token:  randomString(32),
		nonce:  randomString(18),
		origin: "http://" + ln.Addr().String(),
		ln:     ln,
		result: make(chan Result, 1),
		done:   make(chan struct{}),
		loaded: make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.serve)
	s.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       20 * time.Second,
		WriteTimeout:      20 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	go s.srv.Serve(ln)
	return s, nil
}

// randomString is n random bytes in URL-safe base64.
func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// URL is the page's address, token included: what the browser opens.
func (s *Server) URL() string { return s.origin + "/" + s.token + "/" }

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Done is closed when the server has shut down.
func (s *Server) Done() <-chan struct{} { return s.done }

// Close shuts the server down; an answer not yet posted is refused.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
		defer cancel()
		if err = s.srv.Shutdown(ctx); err != nil {
			err = errors.Join(fmt.Errorf("browser: shut down: %w", err), s.srv.Close())
		}
		close(s.done)
	})
	return err
}

// Wait waits for the browser's answer, then shuts the server down. It
// gives up with ErrNoAnswer after WaitLimit (MaxWait), with ctx's error
// when ctx ends, and with ErrClosed when Close was called first.
func (s *Server) Wait(ctx context.Context) (Result, error) {
	defer s.Close()
	limit := s.WaitLimit
	if limit <= 0 {
		limit = MaxWait
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case r := <-s.result:
		return r, nil
	case <-timer.C:
		return Result{}, ErrNoAnswer
	case <-ctx.Done():
		return Result{}, fmt.Errorf("browser: %w", ctx.Err())
	case <-s.done:
		// An answer and the shutdown it starts may arrive together.
		select {
		case r := <-s.result:
			return r, nil
		default:
		}
		return Result{}, ErrClosed
	}
}

// Test opens target in the person's browser: it starts the page server,
// calls open with the page's address (Open opens the default browser) and
// waits for the answer (see Wait). On Windows it adds the antivirus
// products the Security Center reports as on. The page speaks the
// language of words (English when nil).
func Test(ctx context.Context, target string, words *i18n.Words, open func(url string) error) (Result, error) {
	return TestWatch(ctx, target, words, open, nil)
}

// TestWatch is Test that calls notLoaded with the page's address, from a
// goroutine of its own, when no browser has loaded the page LoadWait after
// open: the person can then open it by hand while Test goes on waiting.
func TestWatch(ctx context.Context, target string, words *i18n.Words, open func(url string) error, notLoaded func(page string)) (Result, error) {
	return testWatch(ctx, target, words, open, notLoaded, LoadWait)
}

// testWatch is TestWatch with the wait for the page's load, for tests.
func testWatch(ctx context.Context, target string, words *i18n.Words, open func(url string) error, notLoaded func(page string), loadWait time.Duration) (Result, error) {
	s, err := Start(target, words)
	if err != nil {
		return Result{}, err
	}
	if err := open(s.URL()); err != nil {
		s.Close()
		return Result{}, fmt.Errorf("browser: open the browser: %w", err)
	}
	if notLoaded != nil {
		go func() {
			t := time.NewTimer(loadWait)
			defer t.Stop()
			select {
			case <-t.C:
				notLoaded(s.URL())
			case <-s.loaded:
			case <-s.done:
			case <-ctx.Done():
			}
		}()
	}
	av := make(chan []string, 1)
	go func() { av <- Antivirus(ctx) }()
	r, err := s.Wait(ctx)
	if err != nil {
		return r, err
	}
	select {
	case r.Antivirus = <-av:
	case <-ctx.Done():
	}
	return r, nil
}

// serve answers the page and the answer, on the token's paths alone.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// A page elsewhere may not reach this server by another name (DNS
	// rebinding): the Host must be the address it listens on.
	if r.Host != s.ln.Addr().String() {
		http.Error(w, "wrong host", http.StatusMisdirectedRequest)
		return
	}
	switch r.URL.Path {
	case "/" + s.token + "/":
		s.servePage(w, r)
	case "/" + s.token + "/result":
		s.serveResult(w, r)
	default:
		http.NotFound(w, r)
	}
}

// csp is the page's Content-Security-Policy: its own inline script and
// style (by nonce), connections to the target's origin and back to this
// server, and nothing else.
func (s *Server) csp() string {
	u, _ := url.Parse(s.target)
	return fmt.Sprintf("default-src 'none'; script-src 'nonce-%[1]s'; style-src 'nonce-%[1]s'; connect-src %[2]s %[3]s; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
		s.nonce, s.origin, u.Scheme+"://"+u.Host)
}

func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.loadOnce.Do(func() { close(s.loaded) })
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", s.csp())
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	page().Execute(w, s.pageData())
}

// pageData is what the page template reads: the server's values and the
// page's words. The template escapes each for where it goes (HTML text,
// a JavaScript string).
type pageData struct {
	Nonce, Target, Result string
	Lang, Title, Testing  string
	// OpeningBefore and OpeningAfter are the words around the address,
	// which the page's script fills in.
	OpeningBefore, OpeningAfter string
	CloseTab, Privacy           string
	// Opened, NotOpened, Beside, BesideToTell and NotSent are the words
	// the script shows once the browser has answered.
	Opened, NotOpened, Beside, BesideToTell, NotSent string
}

func (s *Server) pageData() pageData {
	w := s.words
	before, after, _ := strings.Cut(w.T("browser.page.opening"), "{target}")
	return pageData{
		Nonce: s.nonce, Target: s.target, Result: "/" + s.token + "/result",
		Lang: w.Lang, Title: w.T("browser.page.title"), Testing: w.T("browser.page.testing"),
		OpeningBefore: before, OpeningAfter: after,
		CloseTab: w.T("browser.page.close_tab"), Privacy: w.T("browser.page.privacy"),
		Opened: w.T("browser.opened"), NotOpened: w.T("browser.not_opened"),
		Beside: w.T("browser.page.beside"), BesideToTell: w.T("browser.page.beside_to_tell"),
		NotSent: w.T("browser.page.not_sent"),
	}
}

func (s *Server) serveResult(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Browsers send Origin with every POST; only the page's own may answer.
	if r.Header.Get("Origin") != s.origin {
		http.Error(w, "wrong origin", http.StatusForbidden)
		return
	}
	if ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); strings.TrimSpace(ct) != "application/json" {
		http.Error(w, "want application/json", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		http.Error(w, "bad body", http.StatusRequestEntityTooLarge)
		return
	}
	var res Result
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		http.Error(w, "bad answer", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	first := !s.answered
	s.answered = true
	s.mu.Unlock()
	if !first {
		http.Error(w, "already answered", http.StatusGone)
		return
	}
	// The page reports on the target it was given, whatever it says.
	res.Target, res.Antivirus = s.target, nil
	res.CloseReason = truncate(res.CloseReason, 123) // a close frame's reason is at most 123 bytes
	res.UserAgent = truncate(res.UserAgent, 512)
	res.Error = truncate(res.Error, 200)
	s.result <- res
	w.WriteHeader(http.StatusNoContent)
	// Shut down once this response is out.
	go s.Close()
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
