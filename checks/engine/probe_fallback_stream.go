package engine

// SignalR's and SockJS's fallbacks, hand-written on net/http from their
// documented wire protocols (ASP.NET Core SignalR's transport protocol:
// negotiate, Server-Sent Events, long polling; SockJS protocol 0.3: info,
// xhr_streaming, xhr polling and xhr_send). Both try a streaming transport
// before polling, and a buffering proxy breaks the streaming one in a way
// of its own: the response starts, but what the server sends at once is
// held back until the proxy's buffer fills or the response ends. The probe
// measures that: the frame the server sends at once (SignalR's handshake
// answer, SockJS's open frame) must come within fallbackStreamWait of the
// moment it was due, else the stream is "held".

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Evidence keys and the code of the streaming fallback.
const (
	// KeyFallbackStreaming is what became of the streaming transport:
	// StreamLive, StreamHeld or StreamFailed.
	KeyFallbackStreaming = "fallback_streaming"
	// KeyFallbackStreamTransport names it: "sse" (SignalR's Server-Sent
	// Events), "xhr_streaming" (SockJS).
	KeyFallbackStreamTransport = "fallback_stream_transport"
	// KeyFallbackStreamWait is how long the first frame took on the
	// stream, in ms, or how long the probe waited for it.
	KeyFallbackStreamWait = "fallback_stream_wait_ms"
	// KeyFallbackHeldBy is what the held stream's answer names as the
	// box in between: its Via header, else its Server header.
	KeyFallbackHeldBy = "fallback_held_by"

	// CodeFallbackBuffered: the app's polling fallback works, but its
	// streaming one is held back (a Pass: the app still gets through).
	CodeFallbackBuffered = "fallback_buffered"
)

// What became of a streaming transport.
const (
	StreamLive   = "live"   // the frame came as it was sent
	StreamHeld   = "held"   // the stream opened, the frame did not come in time
	StreamFailed = "failed" // the stream was refused or broke
)

// fallbackStreamWait is how long a frame the server sends at once may take
// on a stream before it counts as held back (4 s: a buffering
// proxy holds it until the response ends, tens of seconds later).
const fallbackStreamWait = 4 * time.Second

// fallbackMaxStream bounds what is read of one stream.
const fallbackMaxStream = 256 << 10

// fbRun is one fallback probe's requests: its client on the run's route,
// the target's origin, and the result it notes evidence in.
type fbRun struct {
	ctx    context.Context
	r      *ProbeRun
	res    *Result
	client *http.Client
	origin string
	// via and server are the last Via and Server headers answered.
	via, server string
}

func newFBRun(ctx context.Context, r *ProbeRun, res *Result) (*fbRun, func()) {
	client, stop := fallbackClient(r)
	scheme := "http"
	if r.Target.Secure() {
		scheme = "https"
	}
	return &fbRun{ctx: ctx, r: r, res: res, client: client, origin: scheme + "://" + r.Target.HostPort()}, stop
}

// request is a request to path on the target with the user's headers.
func (f *fbRun) request(ctx context.Context, method, path, body, ctype string) (*http.Request, error) {
	var rd io.Reader
	if body != "" || method == http.MethodPost {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, f.origin+path, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range f.r.Options.Headers {
		req.Header[k] = v
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return req, nil
}

// stepErr is a transport error of a step, without the request's address
// (the target's path is the user's; reports show it redacted).
func stepErr(step string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("fallback %s: %w", step, err)
}

// do sends one step's request and reads its answer (bounded), noting the
// step's status and time.
func (f *fbRun) do(step, method, path, body, ctype string) (int, string, error) {
	req, err := f.request(f.ctx, method, path, body, ctype)
	if err != nil {
		return 0, "", err
	}
	t0 := f.r.Now()
	resp, err := f.client.Do(req)
	if err != nil {
		f.res.Evidence.Set("fallback_"+step+"_ms", strconv.FormatInt(f.r.Since(t0).Milliseconds(), 10))
		return 0, "", stepErr(step, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, fallbackMaxBody))
	f.res.Evidence.Set("fallback_"+step+"_status", strconv.Itoa(resp.StatusCode))
	f.res.Evidence.Set("fallback_"+step+"_ms", strconv.FormatInt(f.r.Since(t0).Milliseconds(), 10))
	f.note(resp)
	if err != nil {
		err = stepErr(step, err)
	}
	return resp.StatusCode, string(b), err
}

// note keeps what an answer names of the boxes in between.
func (f *fbRun) note(resp *http.Response) {
	if s := resp.Header.Get("Server"); s != "" {
		f.server = s
		if f.res.Evidence.Value(KeyServer) == "" {
			f.res.Evidence.Set(KeyServer, clip(s, 200))
		}
	}
	if v := resp.Header.Get("Via"); v != "" {
		f.via = v
	}
}

// stream is an open streaming response, read line by line in the
// background until it ends, is closed, or fallbackMaxStream is read.
type stream struct {
	resp   *http.Response
	lines  chan string
	cancel context.CancelFunc
	done   chan struct{}
}

// openStream sends a streaming step's request and returns the stream once
// its answer's headers came, noting the step's status and time. Headers
// that do not come within wait are held back too (a buffering proxy may
// hold the whole answer): late is true then, with the error.
func (f *fbRun) openStream(step, method, path, accept string, wait time.Duration) (_ *stream, late bool, _ error) {
	ctx, cancel := context.WithCancel(f.ctx)
	req, err := f.request(ctx, method, path, "", "")
	if err != nil {
		cancel()
		return nil, false, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	t0 := f.r.Now()
	var timedOut atomic.Bool
	timer := time.AfterFunc(wait, func() { timedOut.Store(true); cancel() })
	resp, err := f.client.Do(req)
	stopped := timer.Stop()
	f.res.Evidence.Set("fallback_"+step+"_ms", strconv.FormatInt(f.r.Since(t0).Milliseconds(), 10))
	late = !stopped && timedOut.Load() && f.ctx.Err() == nil
	if err == nil && late {
		// The headers came as the wait ended: the request is cancelled
		// already, and they came late all the same.
		resp.Body.Close()
		err = context.DeadlineExceeded
	}
	if err != nil {
		cancel()
		return nil, late, stepErr(step, err)
	}
	f.res.Evidence.Set("fallback_"+step+"_status", strconv.Itoa(resp.StatusCode))
	f.note(resp)
	s := &stream{resp: resp, lines: make(chan string, 16), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		br := bufio.NewReader(io.LimitReader(resp.Body, fallbackMaxStream))
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				select {
				case s.lines <- strings.TrimRight(line, "\r\n"):
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return s, false, nil
}

// close ends the stream and waits for its reader.
func (s *stream) close() {
	s.cancel()
	s.resp.Body.Close()
	<-s.done
}

// first waits for the first line that is wanted, for at most wait, and
// returns how long it took and whether it came before the wait ended.
// The stream ending before it came is not "held".
func (s *stream) first(ctx context.Context, r *ProbeRun, wait time.Duration, wanted func(string) bool) (time.Duration, string) {
	t0 := r.Now()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case line := <-s.lines:
			if wanted(line) {
				return r.Since(t0), StreamLive
			}
		case <-s.done:
			// The reader ended: drain what it sent last.
			for {
				select {
				case line := <-s.lines:
					if wanted(line) {
						return r.Since(t0), StreamLive
					}
				default:
					return r.Since(t0), StreamFailed
				}
			}
		case <-timer.C:
			return r.Since(t0), StreamHeld
		case <-ctx.Done():
			return r.Since(t0), StreamFailed
		}
	}
}

// streamWait is fallbackStreamWait, shorter when the probe's own time
// limit is.
func (f *fbRun) streamWait() time.Duration {
	return min(fallbackStreamWait, f.r.Options.probeTimeout()/2)
}

// noteStream records what became of the streaming transport, and, for a
// held one, what its answer names as the box in between.
func (f *fbRun) noteStream(s *stream, how string, took time.Duration) {
	f.res.Evidence.Set(KeyFallbackStreaming, how)
	f.res.Evidence.Set(KeyFallbackStreamWait, strconv.FormatInt(took.Milliseconds(), 10))
	if how != StreamHeld {
		return
	}
	// The held answer's headers, else those of the other answers through
	// the same route.
	via, server := f.via, f.server
	if s != nil {
		via, server = s.resp.Header.Get("Via"), s.resp.Header.Get("Server")
	}
	by := via
	if by == "" {
		by = server
	}
	if by != "" {
		f.res.Evidence.Set(KeyFallbackHeldBy, clip(by, 120))
	}
}

// finish gives the result of a framework with a streaming and a polling
// transport: polling's failure (failed, its code, its error) unless the
// stream was live; a pass, "fallback_buffered" when the stream was held.
func (f *fbRun) finish(streaming string, pollOK bool, failCode, failStage string, failErr error) Result {
	res := f.res
	switch {
	case f.ctx.Err() != nil:
		// Stopped on the way: what was not measured is not said.
		res.Status, res.Code = Fail, stopCode(f.ctx)
		res.Reason = stopWhy(f.ctx)
	case pollOK && streaming == StreamHeld:
		res.Status, res.Code = Pass, CodeFallbackBuffered
		res.Reason = "the app's polling fallback works, its streaming fallback is held back"
	case pollOK || streaming == StreamLive:
		res.Status, res.Code = Pass, CodeOK
		res.Reason = "the app's fallback made a round trip"
	default:
		res.Status, res.Code = Fail, failCode
		res.Evidence.Set(KeyFallbackStage, failStage)
		if failErr != nil {
			res.Error = failErr.Error()
		}
		res.Reason = "the app's fallback failed at " + failStage
	}
	return *res
}

// signalRHub is the hub's path in p: without the query and a trailing
// "/negotiate".
func signalRHub(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	p = strings.TrimSuffix(strings.TrimSuffix(p, "/"), "/negotiate")
	if p == "" {
		return "/"
	}
	return p
}

// signalRHandshake is the JSON hub protocol's handshake request; its
// answer is "{}" and the record separator.
const signalRHandshake = `{"protocol":"json","version":1}` + "\x1e"

// signalRNegotiate reads a negotiate answer: the connection's token
// (negotiateVersion 1; the id in version 0) and whether it is one.
func signalRNegotiate(body string) (string, bool) {
	var n struct {
		ConnectionID    string `json:"connectionId"`
		ConnectionToken string `json:"connectionToken"`
		Transports      []struct {
			Transport string `json:"transport"`
		} `json:"availableTransports"`
	}
	if json.Unmarshal([]byte(strings.TrimSpace(body)), &n) != nil {
		return "", false
	}
	tok := n.ConnectionToken
	if tok == "" {
		tok = n.ConnectionID
	}
	return tok, tok != "" && n.Transports != nil
}

// classicSignalRPath is classic ASP.NET SignalR's WebSocket address:
// /signalr/connect (or reconnect), with the transport in its query.
var classicSignalRPath = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`/signalr/(re)?connect$`)
})

// signalRClassic reports whether a negotiate answer is classic ASP.NET
// SignalR's (2.x: "ProtocolVersion", "TryWebSockets"), a protocol of its
// own the probe does not speak.
func signalRClassic(body string) bool {
	var n struct {
		ProtocolVersion string `json:"ProtocolVersion"`
		TryWebSockets   *bool  `json:"TryWebSockets"`
	}
	return json.Unmarshal([]byte(strings.TrimSpace(body)), &n) == nil && (n.ProtocolVersion != "" || n.TryWebSockets != nil)
}

// signalRAnswer is the handshake's answer among the records of a message:
// "connected" ("{}"), "refused" (an object with "error": the transport
// carried it), or "".
func signalRAnswer(body string) string {
	for _, m := range strings.Split(body, "\x1e") {
		m = strings.TrimSpace(m)
		switch {
		case m == "{}":
			return "connected"
		case strings.HasPrefix(m, "{") && strings.Contains(m, `"error"`):
			return "refused"
		}
	}
	return ""
}

// probeFallbackSignalR: negotiate, then long polling (the first poll,
// the handshake by POST, polls for its answer), then Server-Sent Events on
// a second connection (the stream, the handshake by POST, its answer on
// the stream, timed).
func probeFallbackSignalR(ctx context.Context, r *ProbeRun, res Result) Result {
	res.Evidence.Set(KeyFallbackFramework, NeedSignalR)
	res.Evidence.Set(KeyFallbackTransport, "long_polling")
	res.Evidence.Set(KeyFallbackStreamTransport, "sse")
	f, stop := newFBRun(ctx, r, &res)
	defer stop()
	hub := signalRHub(r.Target.Path)
	if classicSignalRPath().MatchString(strings.ToLower(hub)) {
		res.Status, res.Code = Skip, CodeNotApplicable
		res.Reason = "classic ASP.NET SignalR, whose fallback the check does not speak"
		return res
	}
	// negotiate returns the connection's token, or the code, error and
	// reason of its failure.
	negotiate := func(step string) (tok, code string, err error, why string) {
		status, body, err := f.do(step, http.MethodPost, hub+"/negotiate?negotiateVersion=1", "", "text/plain;charset=UTF-8")
		if err != nil {
			return "", Classify(err), err, ""
		}
		if status != http.StatusOK {
			return "", "status_" + strconv.Itoa(status), nil, fmt.Sprintf("the app's fallback (%s) was answered %d", step, status)
		}
		if signalRClassic(body) {
			return "", CodeNotApplicable, nil, "classic ASP.NET SignalR, whose fallback the check does not speak"
		}
		tok, ok := signalRNegotiate(body)
		if !ok {
			res.Evidence.Set(KeyBody, clip(body, maxUpgradeBody))
			return "", CodeFallbackNotFramework, nil, "the negotiate request was not answered by SignalR"
		}
		return tok, "", nil, ""
	}
	tok, code, err, why := negotiate("open")
	if code == CodeNotApplicable {
		res.Status, res.Code, res.Reason = Skip, code, why
		return res
	}
	if code != "" {
		out := f.finish("", false, code, "open", err)
		if why != "" {
			out.Reason = why
		}
		return out
	}
	at := hub + "?id=" + url.QueryEscape(tok)

	// Long polling.
	pollOK, failCode, failStage, failErr := func() (bool, string, string, error) {
		check := func(status int, err error) (string, error) {
			if err != nil {
				return Classify(err), err
			}
			if status != http.StatusOK {
				return "status_" + strconv.Itoa(status), nil
			}
			return "", nil
		}
		status, _, err := f.do("receive", http.MethodGet, at+"&_="+nonce(), "", "")
		if c, err := check(status, err); c != "" {
			return false, c, "receive", err
		}
		status, _, err = f.do("send", http.MethodPost, at, signalRHandshake, "text/plain;charset=UTF-8")
		if c, err := check(status, err); c != "" {
			return false, c, "send", err
		}
		body := ""
		for i := 0; i < 3 && ctx.Err() == nil; i++ {
			status, body, err = f.do("receive", http.MethodGet, at+"&_="+nonce(), "", "")
			if c, err := check(status, err); c != "" {
				return false, c, "receive", err
			}
			if a := signalRAnswer(body); a != "" {
				res.Evidence.Set(KeyFallbackAnswer, a)
				return true, "", "", nil
			}
		}
		res.Evidence.Set(KeyFallbackAnswer, clip(body, 80))
		return false, CodeFallbackNoAnswer, "receive", errors.New("fallback: no answer to the handshake")
	}()
	if ctx.Err() != nil {
		return f.finish("", pollOK, failCode, failStage, failErr)
	}

	// Server-Sent Events, on a connection of its own.
	streaming := func() string {
		tok, code, _, _ := negotiate("stream_open")
		if code != "" {
			return StreamFailed
		}
		at := hub + "?id=" + url.QueryEscape(tok)
		wait := f.streamWait()
		s, late, err := f.openStream("stream", http.MethodGet, at, "text/event-stream", wait)
		if late {
			// A stream whose very headers are held: the client waits
			// for them before it sends the handshake, and hangs.
			f.noteStream(nil, StreamHeld, wait)
			return StreamHeld
		}
		if err != nil {
			f.res.Evidence.Set("fallback_stream_error", clip(err.Error(), 200))
			return StreamFailed
		}
		defer s.close()
		if s.resp.StatusCode != http.StatusOK || !strings.HasPrefix(s.resp.Header.Get("Content-Type"), "text/event-stream") {
			return StreamFailed
		}
		status, _, err := f.do("stream_send", http.MethodPost, at, signalRHandshake, "text/plain;charset=UTF-8")
		if err != nil || status != http.StatusOK {
			return StreamFailed
		}
		took, how := s.first(ctx, r, wait, func(line string) bool { return strings.HasPrefix(line, "data:") })
		f.noteStream(s, how, took)
		return how
	}()
	f.res.Evidence.Set(KeyFallbackStreaming, streaming)
	return f.finish(streaming, pollOK, failCode, failStage, failErr)
}

// sockJSBase is SockJS's prefix in p: what comes before
// "/<server>/<session>/websocket", else p without its query and trailing
// slash.
func sockJSBase(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if loc := sockJSPath().FindStringIndex(strings.ToLower(p)); loc != nil {
		p = p[:loc[0]]
	}
	return strings.TrimSuffix(p, "/")
}

// sockJSSession is a new "/<server>/<session>" pair.
func sockJSSession() string {
	n := nonce()
	v, _ := strconv.ParseUint(n[:4], 16, 32)
	return fmt.Sprintf("/%03d/%s", v%1000, n)
}

// probeFallbackSockJS: the info request, then xhr polling (open, a
// message by xhr_send), then xhr_streaming on a session of its own (the
// open frame after the 2 KiB prelude, timed).
func probeFallbackSockJS(ctx context.Context, r *ProbeRun, res Result) Result {
	res.Evidence.Set(KeyFallbackFramework, NeedSockJS)
	res.Evidence.Set(KeyFallbackTransport, "xhr_polling")
	res.Evidence.Set(KeyFallbackStreamTransport, "xhr_streaming")
	f, stop := newFBRun(ctx, r, &res)
	defer stop()
	base := sockJSBase(r.Target.Path)

	status, body, err := f.do("info", http.MethodGet, base+"/info?t="+nonce(), "", "")
	switch {
	case err != nil:
		return f.finish("", false, Classify(err), "info", err)
	case status != http.StatusOK:
		out := f.finish("", false, "status_"+strconv.Itoa(status), "info", nil)
		out.Reason = fmt.Sprintf("the app's fallback (info) was answered %d", status)
		return out
	}
	var info map[string]any
	if json.Unmarshal([]byte(body), &info) != nil || info["entropy"] == nil && info["websocket"] == nil {
		res.Evidence.Set(KeyBody, clip(body, maxUpgradeBody))
		out := f.finish("", false, CodeFallbackNotFramework, "info", nil)
		out.Reason = "the info request was not answered by SockJS"
		return out
	}

	// xhr polling: the open frame, then a message.
	pollOK, failCode, failStage, failErr := func() (bool, string, string, error) {
		sess := base + sockJSSession()
		status, body, err := f.do("open", http.MethodPost, sess+"/xhr", "", "")
		switch {
		case err != nil:
			return false, Classify(err), "open", err
		case status != http.StatusOK:
			return false, "status_" + strconv.Itoa(status), "open", nil
		case strings.TrimSpace(body) != "o":
			res.Evidence.Set(KeyFallbackAnswer, clip(body, 80))
			return false, CodeFallbackNotFramework, "open", nil
		}
		status, _, err = f.do("send", http.MethodPost, sess+"/xhr_send", `["wsdoctor"]`, "text/plain;charset=UTF-8")
		switch {
		case err != nil:
			return false, Classify(err), "send", err
		case status != http.StatusNoContent && status != http.StatusOK:
			return false, "status_" + strconv.Itoa(status), "send", nil
		}
		res.Evidence.Set(KeyFallbackAnswer, "open")
		return true, "", "", nil
	}()
	if ctx.Err() != nil {
		return f.finish("", pollOK, failCode, failStage, failErr)
	}

	streaming := func() string {
		// The open frame is due at once: the wait counts from the
		// request, headers and all.
		wait := f.streamWait()
		t0 := r.Now()
		s, late, err := f.openStream("stream", http.MethodPost, base+sockJSSession()+"/xhr_streaming", "", wait)
		if late {
			f.noteStream(nil, StreamHeld, r.Since(t0))
			return StreamHeld
		}
		if err != nil {
			f.res.Evidence.Set("fallback_stream_error", clip(err.Error(), 200))
			return StreamFailed
		}
		defer s.close()
		if s.resp.StatusCode != http.StatusOK {
			return StreamFailed
		}
		_, how := s.first(ctx, r, max(wait-r.Since(t0), 0), func(line string) bool { return line == "o" })
		took := r.Since(t0)
		f.noteStream(s, how, took)
		return how
	}()
	f.res.Evidence.Set(KeyFallbackStreaming, streaming)
	return f.finish(streaming, pollOK, failCode, failStage, failErr)
}
