package engine

// The app's own fallback: real-time frameworks fall back to long polling
// when WebSockets fail. For a Socket.IO address the probe runs Engine.IO
// v4's polling handshake and the Socket.IO connect through the run's route,
// so the report can say whether the app still works, more slowly, where
// the WebSocket does not. Hand-written on net/http from the documented
// wire protocol (socket.io-protocol v5 over engine.io-protocol v4): the
// three requests need no client library, and a Go client would bring its
// own dialer, not the run's route.

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Codes of the fallback probe, besides CodeOK, CodeNotApplicable,
// "status_NNN" and the Classify codes.
const (
	// CodeFallbackNotFramework: the address answered, but not as the
	// framework's polling transport does (a block page, another server).
	CodeFallbackNotFramework = "fallback_not_framework"
	// CodeFallbackNoAnswer: the handshake worked, but the app's answer to
	// the connect did not come back.
	CodeFallbackNoAnswer = "fallback_no_answer"
)

// Evidence keys of the fallback probe. Each step (open, send, receive)
// has its status and its time in milliseconds.
const (
	// KeyFallbackFramework: the framework whose fallback was tried
	// (NeedSocketIO, ...).
	KeyFallbackFramework = "fallback_framework"
	// KeyFallbackTransport: the fallback transport ("polling").
	KeyFallbackTransport = "fallback_transport"
	// KeyFallbackStage: the step that failed: open, send, receive.
	KeyFallbackStage = "fallback_stage"
	// KeyFallbackAnswer: what the app answered the connect with:
	// "connected" (40), "refused" (44: the app turned the namespace down,
	// yet the transport carried it), or what came instead.
	KeyFallbackAnswer = "fallback_answer"
)

// fallbackMaxBody bounds what is read of one polling answer.
const fallbackMaxBody = 64 << 10

// FallbackProbe tries the app's own fallback transport, for the frameworks
// FrameworkOf recognises that have one it speaks (Socket.IO today),
// through the run's route (direct, or the proxy's tunnel) with the user's
// extra headers: Engine.IO v4's polling handshake (GET
// ?EIO=4&transport=polling, answered by an open packet "0{...sid...}"),
// the Socket.IO connect "40" sent by POST, and a GET that reads the app's
// answer ("40{...}" connected, "44{...}" refused).
//
// Codes: "not_applicable" (skip: no framework it speaks); "ok" (pass: a
// round trip over polling); "status_NNN" (fail: a step was answered NNN);
// "fallback_not_framework" (fail: answered, not by the framework);
// "fallback_no_answer" (fail: the connect's answer did not come); Classify
// codes for transport failures.
//
// Evidence: "fallback_framework", "fallback_transport", per step
// "fallback_<open|send|receive>_status" and "..._ms", "fallback_stage",
// "fallback_answer", and what DialTarget notes of a proxy.
func FallbackProbe() Probe {
	return Probe{Name: ProbeFallback, Needs: []string{ProbeDNS}, After: []string{ProbeTCP, ProbeTLS}, Run: probeFallback}
}

// FallbackApplies reports whether FallbackProbe has something to try for
// the target: a framework whose fallback it speaks (Socket.IO, SignalR,
// SockJS), as opts.Framework (a preset's) names it, else as the address
// shows it.
func FallbackApplies(t Target, opts Options) bool {
	switch frameworkFor(t, opts) {
	case NeedSocketIO, NeedSignalR, NeedSockJS:
		return true
	}
	return false
}

// frameworkFor is the framework of the target: opts.Framework (a
// preset's), else the one its address shows.
func frameworkFor(t Target, opts Options) string {
	if opts.Framework != "" {
		return opts.Framework
	}
	return FrameworkOf("http://x" + t.Path)
}

// socketIOApp reports whether the target is a Socket.IO app, whose
// WebSocket speaks Engine.IO packets (the echo speaks them; the idle test
// is left out).
func socketIOApp(t Target, opts Options) bool {
	return frameworkFor(t, opts) == NeedSocketIO
}

// fallbackClient is an HTTP client that reaches the target through the
// run's route (DialTarget: direct, or the proxy's tunnel), follows no
// redirect and keeps at most one idle connection; stop closes it.
func fallbackClient(r *ProbeRun) (client *http.Client, stop func()) {
	tr := &http.Transport{
		Proxy:                 nil, // the route is DialTarget's
		DisableCompression:    true,
		MaxIdleConnsPerHost:   1,
		ResponseHeaderTimeout: r.Options.probeTimeout(),
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return r.DialTarget(ctx)
		},
		DialTLSContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			c, err := r.DialTarget(ctx)
			if err != nil {
				return nil, err
			}
			tc := tls.Client(c, r.TLS.Config(r.Target.Host, "http/1.1"))
			if err := tc.HandshakeContext(ctx); err != nil {
				c.Close()
				return nil, err
			}
			return tc, nil
		},
	}
	client = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return client, tr.CloseIdleConnections
}

func probeFallback(ctx context.Context, r *ProbeRun) Result {
	res := r.Result()
	if !FallbackApplies(r.Target, r.Options) {
		res.Status, res.Code = Skip, CodeNotApplicable
		res.Reason = "no real-time framework with a fallback the check speaks"
		return res
	}
	switch frameworkFor(r.Target, r.Options) {
	case NeedSignalR:
		return probeFallbackSignalR(ctx, r, res)
	case NeedSockJS:
		return probeFallbackSockJS(ctx, r, res)
	}
	res.Evidence.Set(KeyFallbackFramework, NeedSocketIO)
	res.Evidence.Set(KeyFallbackTransport, "polling")

	client, stop := fallbackClient(r)
	defer stop()

	scheme := "http"
	if r.Target.Secure() {
		scheme = "https"
	}
	base := scheme + "://" + r.Target.HostPort() + socketIOPath(r.Target.Path) + "?EIO=4&transport=polling"
	fail := func(step string, code string, err error) Result {
		res.Status, res.Code = Fail, code
		if err != nil {
			res.Error = err.Error()
		}
		res.Evidence.Set(KeyFallbackStage, step)
		return res
	}
	// refused is a step answered with another status than 200.
	refused := func(step string, status int) Result {
		res.Reason = fmt.Sprintf("the app's fallback (%s) was answered %d", step, status)
		return fail(step, "status_"+strconv.Itoa(status), nil)
	}
	// do sends one step's request and reads its answer, noting its status
	// and time.
	do := func(step, method, addr, body string) (int, string, error) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, addr, rd)
		if err != nil {
			return 0, "", err
		}
		for k, v := range r.Options.Headers {
			req.Header[k] = v
		}
		if body != "" {
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
		}
		t0 := r.Now()
		resp, err := client.Do(req)
		if err != nil {
			res.Evidence.Set("fallback_"+step+"_ms", strconv.FormatInt(r.Since(t0).Milliseconds(), 10))
			// Without the request's address: the target's path is the
			// user's, and reports show the address redacted.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = fmt.Errorf("fallback %s: %w", step, ue.Err)
			}
			return 0, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, fallbackMaxBody))
		res.Evidence.Set("fallback_"+step+"_status", strconv.Itoa(resp.StatusCode))
		res.Evidence.Set("fallback_"+step+"_ms", strconv.FormatInt(r.Since(t0).Milliseconds(), 10))
		if s := resp.Header.Get("Server"); s != "" && step == "open" {
			res.Evidence.Set(KeyServer, clip(s, 200))
		}
		return resp.StatusCode, string(b), err
	}
	transport := func(step string, err error) Result {
		res.Reason = "the app's fallback failed at " + step
		return fail(step, Classify(err), err)
	}

	// 1. The Engine.IO handshake: an open packet with the session's id.
	status, body, err := do("open", http.MethodGet, base+"&t="+nonce(), "")
	if err != nil {
		return transport("open", err)
	}
	if status != http.StatusOK {
		return refused("open", status)
	}
	sid, ok := engineIOOpen(body)
	if !ok {
		res.Evidence.Set(KeyBody, clip(body, maxUpgradeBody))
		res.Reason = "the polling handshake was not answered by Socket.IO"
		return fail("open", CodeFallbackNotFramework, nil)
	}
	withSid := base + "&sid=" + sid

	// 2. The Socket.IO connect to the main namespace.
	status, body, err = do("send", http.MethodPost, withSid+"&t="+nonce(), "40")
	if err != nil {
		return transport("send", err)
	}
	if status != http.StatusOK {
		return refused("send", status)
	}

	// 3. The app's answer, read by polling: one GET, a few when the
	// server sends other packets (a ping, a noop) first.
	for i := 0; i < 3; i++ {
		status, body, err = do("receive", http.MethodGet, withSid+"&t="+nonce(), "")
		if err != nil {
			return transport("receive", err)
		}
		if status != http.StatusOK {
			return refused("receive", status)
		}
		if a := socketIOAnswer(body); a != "" {
			res.Evidence.Set(KeyFallbackAnswer, a)
			res.Status, res.Code = Pass, CodeOK
			res.Reason = "the app's polling fallback made a round trip"
			return res
		}
		if ctx.Err() != nil {
			break
		}
	}
	res.Evidence.Set(KeyFallbackAnswer, clip(body, 80))
	res.Reason = "the app's polling handshake worked, its answer did not come"
	return fail("receive", CodeFallbackNoAnswer, errors.New("fallback: no answer to the connect"))
}

// socketIOPath is the path of Socket.IO's endpoint in p: everything up to
// and including "/socket.io/", without the query.
func socketIOPath(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	l := strings.ToLower(p + "/")
	if i := strings.Index(l, "/socket.io/"); i >= 0 {
		return p[:i] + "/socket.io/"
	}
	return "/socket.io/"
}

// engineIOOpen finds Engine.IO's open packet ("0" and a JSON object with
// "sid") among the packets of a polling answer (separated by 0x1e) and
// returns the session's id.
func engineIOOpen(body string) (string, bool) {
	for _, p := range strings.Split(body, "\x1e") {
		if !strings.HasPrefix(p, "0{") {
			continue
		}
		var open struct {
			SID string `json:"sid"`
		}
		if json.Unmarshal([]byte(p[1:]), &open) == nil && open.SID != "" && !strings.ContainsAny(open.SID, "&#? ") {
			return open.SID, true
		}
	}
	return "", false
}

// socketIOAnswer is the app's answer to the connect among the packets of
// a polling answer: "connected" (message 4, connect 0), "refused" (4,
// connect error 4), or "" when there is none.
func socketIOAnswer(body string) string {
	for _, p := range strings.Split(body, "\x1e") {
		switch {
		case strings.HasPrefix(p, "40"):
			return "connected"
		case strings.HasPrefix(p, "44"):
			return "refused"
		}
	}
	return ""
}

// nonce is a cache-busting value for the polling requests' "t".
func nonce() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
