package engine

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// maxHTTPBody bounds how much of a plain GET's body is read: enough for a
// block page's <title> and text, little enough for a probe.
const maxHTTPBody = 64 << 10

// maxTitle bounds a page title kept as evidence, in runes; block pages have
// short titles, and anything longer is noise in a report.
const maxTitle = 200

// HTTPProbe sends a plain GET to the target's http(s):// URL, the same
// origin as the WebSocket, with the user's extra headers, over HTTP/1.1 and
// without following redirects. Any HTTP answer means the server (or
// something in between) is reachable; what answered is told by the evidence.
//
// Codes: "status_NNN" for an answer (pass, or warn for 5xx), else a Classify
// code.
//
// Evidence: "status", "proto", "server", "content_type", "location",
// "title" (of an HTML answer), "body_bytes" (read, at most 64 KiB),
// "plain_http" (yes: an https GET was answered in plain HTTP), and the
// middle-box tell-tales of tellTaleHeaders under their snake_case names
// ("via", "x_cache", "proxy_agent", "x_squid_error", "cf_ray", ...).
func HTTPProbe() Probe {
	return Probe{Name: ProbeHTTP, Needs: []string{ProbeDNS}, After: []string{ProbeTCP, ProbeTLS}, Run: probeHTTP}
}

func probeHTTP(ctx context.Context, r *ProbeRun) Result {
	res := r.Result()
	// The transport dials in goroutines detached from the request; this
	// context ends them with the probe, and wg waits for them.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	track := func(dial func(context.Context) (net.Conn, error)) func(context.Context, string, string) (net.Conn, error) {
		return func(dctx context.Context, _, _ string) (net.Conn, error) {
			wg.Add(1)
			defer wg.Done()
			// dctx is cancelled by the transport when nobody waits for
			// the dial any more; ctx when the probe ends.
			dialCtx, dialCancel := context.WithCancel(ctx)
			defer dialCancel()
			stop := context.AfterFunc(dctx, dialCancel)
			defer stop()
			c, err := dial(dialCtx)
			if err == nil {
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
			}
			return c, err
		}
	}
	tr := &http.Transport{
		DialContext: track(r.DialTarget),
		DialTLSContext: track(func(ctx context.Context) (net.Conn, error) {
			return r.dialTLS(ctx, "http/1.1")
		}),
		// A non-nil empty map turns HTTP/2 off: the WebSocket upgrade
		// is HTTP/1.1, so that is what this GET must see.
		TLSNextProto:           map[string]func(string, *tls.Conn) http.RoundTripper{},
		DisableKeepAlives:      true,
		DisableCompression:     true,
		MaxResponseHeaderBytes: MaxResponseHeaderBytes,
	}
	defer func() {
		tr.CloseIdleConnections()
		cancel()
		wg.Wait()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	client := &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}

	var (
		gotConn time.Time
		traceMu sync.Mutex
	)
	trace := &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) {
			traceMu.Lock()
			gotConn = r.Now()
			traceMu.Unlock()
		},
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, r.Target.HTTPURL(), nil)
	if err != nil {
		res.Status, res.Code, res.Error = Fail, CodeError, err.Error()
		res.Reason = "could not build the request"
		return res
	}
	for k, vs := range r.Options.Headers {
		if http.CanonicalHeaderKey(k) == "Host" {
			if len(vs) > 0 {
				req.Host = vs[0]
			}
			continue
		}
		req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}

	resp, err := client.Do(req)
	traceMu.Lock()
	connAt := gotConn
	traceMu.Unlock()
	if !connAt.IsZero() {
		r.Record(PhaseRequest, connAt, r.Since(connAt))
	}
	if err != nil {
		res.Status, res.Error = Fail, err.Error()
		// Classify reads the cause, not the client's "Get URL:" frame.
		cause := err
		if ue, ok := errors.AsType[*url.Error](err); ok {
			cause = ue.Err
		}
		res.Code = Classify(cause)
		if strings.Contains(cause.Error(), "server gave HTTP response to HTTPS client") {
			// net/http says so in words, without the TLS error's type.
			res.Code = CodeTLSError
			res.Evidence.Set("plain_http", "yes")
		}
		if connAt.IsZero() {
			res.Reason = "no connection for the GET"
		} else {
			res.Reason = "connected, but no HTTP answer to a plain GET"
		}
		return res
	}
	// A 101 answer's body is the raw connection, which net/http no longer
	// ties to the request's context: the probe's end closes it.
	stopBody := context.AfterFunc(ctx, func() { resp.Body.Close() })
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxHTTPBody))
	stopBody()
	resp.Body.Close()

	res.Evidence.Set(KeyStatus, strconv.Itoa(resp.StatusCode))
	res.Evidence.Set("proto", resp.Proto)
	setHeader(&res.Evidence, "server", resp.Header, "Server")
	setHeader(&res.Evidence, "content_type", resp.Header, "Content-Type")
	setHeader(&res.Evidence, "location", resp.Header, "Location")
	setTellTales(&res.Evidence, resp.Header)
	if isHTML(resp.Header, body) {
		if t := htmlTitle(body); t != "" {
			res.Evidence.Set(KeyTitle, t)
		}
	}
	res.Evidence.Set("body_bytes", strconv.Itoa(len(body)))
	if rerr != nil {
		// The headers came: the server is reachable; a body cut short
		// is worth keeping but does not change the verdict.
		res.Evidence.Set("body_error", Classify(rerr))
	}

	res.Code = fmt.Sprintf("status_%d", resp.StatusCode)
	res.Status = Pass
	res.Reason = fmt.Sprintf("HTTP answered %s", resp.Status)
	if resp.StatusCode >= 500 {
		res.Status = Warn
		res.Reason = fmt.Sprintf("HTTP answered with a server error, %s", resp.Status)
	}
	return res
}

// dialTLS connects to the target and does a TLS handshake with the user's
// settings and the given ALPN protocols, timing PhaseTLS.
func (r *ProbeRun) dialTLS(ctx context.Context, alpn ...string) (net.Conn, error) {
	raw, err := r.DialTarget(ctx)
	if err != nil {
		return nil, err
	}
	end := r.Begin(PhaseTLS)
	tc := tls.Client(raw, r.TLS.Config(r.Target.Host, alpn...))
	err = tc.HandshakeContext(ctx)
	end()
	if err != nil {
		raw.Close()
		// Unwrapped: Classify knows TLS errors by their "tls: " prefix.
		return nil, err
	}
	return tc, nil
}

// tellTaleHeaders are response headers that say a proxy, cache, CDN,
// firewall or authentication gate answered or stood in between. Each is kept
// as evidence under its lower-case name with "_" for "-".
var tellTaleHeaders = []string{
	"Via",
	"X-Cache",
	"X-Cache-Lookup",
	"X-Cache-Status",
	"Proxy-Agent",
	"Proxy-Connection",
	"Proxy-Authenticate",
	"WWW-Authenticate",
	"X-Squid-Error",
	"X-Bluecoat-Via",
	"X-Forwarded-For",
	"X-Served-By",
	"X-Proxy-Id",
	"Cf-Ray",
	"X-Amz-Cf-Id",
	"X-Azure-Ref",
	"X-Iinfo",
	"X-Zscaler-Transaction-Id",
	"Retry-After",
}

// evidenceKey is a header's name as an evidence key: "X-Cache" is "x_cache".
func evidenceKey(header string) string {
	return strings.ReplaceAll(strings.ToLower(header), "-", "_")
}

// setHeader keeps header h of hdr as evidence key, all values joined, when
// present.
func setHeader(e *Evidence, key string, hdr http.Header, h string) {
	if vs := hdr.Values(h); len(vs) > 0 {
		e.Set(key, clip(strings.Join(vs, ", "), maxHeaderValue))
	}
}

// maxHeaderValue bounds one header kept as evidence, in runes.
const maxHeaderValue = 512

func setTellTales(e *Evidence, hdr http.Header) {
	for _, h := range tellTaleHeaders {
		setHeader(e, evidenceKey(h), hdr, h)
	}
}

// isHTML reports whether a body is an HTML page, by its Content-Type or,
// lacking one, by sniffing.
func isHTML(hdr http.Header, body []byte) bool {
	ct := hdr.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(body)
	}
	return strings.Contains(strings.ToLower(ct), "html")
}

// htmlTitle is the text of the first <title> of an HTML document, with its
// white space collapsed, or "".
func htmlTitle(body []byte) string {
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken:
			name, _ := z.TagName()
			if string(name) != "title" {
				continue
			}
			if z.Next() != html.TextToken {
				return ""
			}
			return clip(stripControls(strings.Join(strings.Fields(string(z.Text())), " ")), maxTitle)
		}
	}
}

// clip makes s valid UTF-8 of at most n runes, so evidence stays readable
// and bounded.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// stripControls drops control characters (C0, DEL, C1) and bidirectional
// overrides from a title a server sent: a title is shown in one line, and an
// ESC sequence in it could rewrite the terminal it is printed to.
func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return -1
		}
		return r
	}, s)
}
