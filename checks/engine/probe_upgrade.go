package engine

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// maxRecordedRequest bounds the request bytes the upgrade probe keeps to
// read its own Sec-WebSocket-Key back: a handshake request is well under it.
const maxRecordedRequest = 16 << 10

// maxUpgradeBody is how much of a non-101 body gorilla keeps (1 KiB), and so
// what the evidence can show.
const maxUpgradeBody = 1 << 10

// websocketGUID is the fixed suffix of RFC 6455's accept computation.
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// Codes of the upgrade probe, besides CodeOK, "status_NNN" and the Classify
// codes.
const (
	// CodeBadAccept: 101, but Sec-WebSocket-Accept is wrong or missing.
	CodeBadAccept = "bad_accept"
	// CodeBadUpgradeHeaders: 101 with the right accept, but without
	// "Upgrade: websocket" or "Connection: Upgrade".
	CodeBadUpgradeHeaders = "bad_upgrade_headers"
	// CodeBadExtension: 101 with a permessage-deflate answer the client
	// cannot use.
	CodeBadExtension = "bad_extension"
	// CodeHandshakeTimeout: TCP (and TLS) connected, but the upgrade
	// request got no complete answer in time.
	CodeHandshakeTimeout = "handshake_timeout"
	// CodeSlow: the upgrade worked but took longer than SlowUpgrade.
	CodeSlow = "slow"
)

// UpgradeProbe does the WebSocket opening handshake the way an application
// would (gorilla/websocket, with the user's headers, subprotocols and
// permessage-deflate offered) and keeps the open connection for the echo
// probe.
//
// Its bound is Options.ProbeTimeout (10 s by default), as for every probe:
// a server or middle box that holds the request is "handshake_timeout" once
// it passes, and an answer after half of it is "slow".
//
// Codes: "ok"; "slow" (warn, answered after SlowUpgrade, or half the probe
// timeout if shorter; "slow_after_ms" says which); "status_NNN" (an
// answer other than 101); "bad_accept", "bad_upgrade_headers",
// "bad_extension" (a 101 the client cannot accept); "handshake_timeout"
// (connected, no answer in time); "closed" (connection closed without an
// answer); other Classify codes for transport errors.
//
// Evidence: "status", "accept_ok" (yes, no or missing, checked against our
// own key), "expected_accept" (when not yes), "subprotocol", "compression"
// ("permessage-deflate" or "none"), the response headers "server",
// "upgrade", "connection", "sec_websocket_accept",
// "sec_websocket_extensions", "sec_websocket_protocol", "content_type",
// "location" and the middle-box tell-tales ("via", "x_cache", ...); for a
// non-101 answer "body" (its first 1 KiB) and "body_title" (for HTML);
// "sent_headers" (names of the user's extra headers sent, never values;
// Upgrade, Connection and Sec-WebSocket-* are gorilla's and dropped, except
// Sec-WebSocket-Protocol when Options.Subprotocols is empty);
// "ttfb_ms" (request sent to first response byte), "upgrade_ms";
// "failed_at" (connect, tls or response) when the handshake did not finish;
// the client certificate keys and "tls_alert" as the tls probe gives them;
// through a proxy's open tunnel that got neither a TLS handshake nor an
// HTTP answer back, "tunnel_answer", "tunnel_answer_bytes", "tunnel_title"
// and "tunnel_server" (see tunnelAnswerEvidence).
func UpgradeProbe() Probe {
	return Probe{Name: ProbeUpgrade, Needs: []string{ProbeDNS}, After: []string{ProbeTCP, ProbeTLS}, Run: probeUpgrade, Timeout: Options.upgradeTimeout}
}

// recConn records what the handshake needs to know of a connection: the
// request bytes written and when the first response byte came. Once sealed
// it only passes data through.
type recConn struct {
	net.Conn
	now func() time.Time

	mu        sync.Mutex
	sealed    bool
	req       []byte
	wroteAt   time.Time
	firstByte time.Time
	// got counts the bytes read before the seal: the answer's header
	// block, bounded by MaxResponseHeaderBytes (and the read slack).
	got      int
	tooLarge bool
	// head are the first bytes of the answer, to tell one that is not
	// HTTP from one cut short.
	head []byte
}

func (c *recConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	if !c.sealed {
		if room := maxRecordedRequest - len(c.req); room > 0 {
			c.req = append(c.req, p[:min(n, room)]...)
		}
		c.wroteAt = c.now()
	}
	c.mu.Unlock()
	return n, err
}

func (c *recConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if !c.sealed {
		room := MaxResponseHeaderBytes + handshakeReadSlack - c.got
		if room <= 0 {
			// An endless header block: stop before it fills memory.
			c.tooLarge = true
			c.mu.Unlock()
			return 0, ErrHeadersTooLarge
		}
		if len(p) > room {
			p = p[:room]
		}
	}
	c.mu.Unlock()
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if !c.sealed {
			if room := 8 - len(c.head); room > 0 {
				c.head = append(c.head, p[:min(n, room)]...)
			}
			c.got += n
			if c.firstByte.IsZero() {
				c.firstByte = c.now()
			}
		}
		c.mu.Unlock()
	}
	return n, err
}

// headerBytes is the size of a header block as it was sent, near enough.
func headerBytes(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4 // ": " and CRLF
		}
	}
	return n
}

// seal stops the recording and returns what was recorded.
func (c *recConn) seal() (req []byte, wroteAt, firstByte time.Time, tooLarge bool, head []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sealed = true
	return c.req, c.wroteAt, c.firstByte, c.tooLarge, c.head
}

// wsDial is one opening handshake and what was seen of it.
type wsDial struct {
	ws   *websocket.Conn // the open WebSocket, when err is nil
	resp *http.Response
	err  error
	// reached is how far the connection got: connect, tls or response.
	reached string
	// connectedAt is when the connection (and TLS) was up; done when the
	// handshake ended.
	connectedAt, done time.Time
	// req are the request bytes written; wroteAt when the last were, and
	// firstByte when the answer's first byte came.
	req                []byte
	wroteAt, firstByte time.Time
	// sent are the names of the user's extra headers sent.
	sent []string
	// tooLarge: the answer's header block passed MaxResponseHeaderBytes.
	tooLarge bool
	// head are the answer's first bytes.
	head []byte
	// issuer is the issuer of the server's certificate, when TLS was up.
	issuer *pkix.Name
	// ask is what the server asked of a client certificate; peek the
	// first bytes the connection read (see tunnelAnswer).
	ask  *certAsk
	peek *peekConn
}

// dialWS does the WebSocket opening handshake the way an application would
// (gorilla/websocket, with the user's headers and subprotocols, and
// permessage-deflate offered), timing its phases. tune, if set, sees the
// TCP connection before TLS (the idle probe sets its keep-alive there).
// Cancelling ctx ends the handshake at once. A compression answer the
// client refuses but RFC 7692 allows is followed by a handshake without
// compression, as the upgrade probe does (compressionRetry).
func (r *ProbeRun) dialWS(ctx context.Context, tune func(net.Conn)) wsDial {
	hd := r.dialWSWith(ctx, tune, true)
	if hd.err != nil && hd.resp != nil && hd.resp.StatusCode == http.StatusSwitchingProtocols && !hd.tooLarge &&
		!errors.Is(hd.err, websocket.ErrBadHandshake) && ctx.Err() == nil {
		if _, problem := deflateAnswerProblem(hd.resp.Header.Values("Sec-Websocket-Extensions")); problem == "" {
			return r.dialWSWith(ctx, tune, false)
		}
	}
	return hd
}

// dialWSWith is dialWS, offering permessage-deflate only when compress is
// set.
func (r *ProbeRun) dialWSWith(ctx context.Context, tune func(net.Conn), compress bool) wsDial {
	// What the dial saw, shared with the AfterFunc below and the trace.
	var (
		mu      sync.Mutex
		conn    *recConn
		ended   bool   // ctx ended; a late connection must be closed
		stage   string // how far the connection got: connect, tls, response
		gotConn time.Time
		issuer  *pkix.Name
		ask     *certAsk
		peek    *peekConn
	)
	dial := func(dctx context.Context, secure bool) (net.Conn, error) {
		mu.Lock()
		stage = "connect"
		mu.Unlock()
		c, err := r.DialTarget(dctx)
		if err != nil {
			return nil, err
		}
		if tune != nil {
			tune(c)
		}
		pk := &peekConn{Conn: c}
		c = pk
		mu.Lock()
		peek = pk
		mu.Unlock()
		if secure {
			cfg := r.TLS.Config(r.Target.Host, "http/1.1")
			a := watchCertRequest(cfg)
			mu.Lock()
			stage, ask = "tls", a
			mu.Unlock()
			end := r.Begin(PhaseTLS)
			tc := tls.Client(c, cfg)
			err := tc.HandshakeContext(dctx)
			end()
			if err != nil {
				if h := pk.bytes(); len(h) > 0 && !looksTLS(h) {
					pk.fill(tunnelPageWait) // the rest of what came instead
				}
				c.Close()
				return nil, err // unwrapped, for Classify
			}
			if pc := tc.ConnectionState().PeerCertificates; len(pc) > 0 {
				mu.Lock()
				issuer = &pc[0].Issuer
				mu.Unlock()
			}
			c = tc
		}
		mu.Lock()
		defer mu.Unlock()
		if ended {
			c.Close()
			return nil, fmt.Errorf("upgrade: %w", context.Cause(ctx))
		}
		stage = "response"
		conn = &recConn{Conn: c, now: r.Now}
		return conn, nil
	}
	d := websocket.Dialer{
		NetDialContext: func(dctx context.Context, _, _ string) (net.Conn, error) {
			return dial(dctx, false)
		},
		NetDialTLSContext: func(dctx context.Context, _, _ string) (net.Conn, error) {
			return dial(dctx, true)
		},
		Subprotocols:      r.Options.Subprotocols,
		EnableCompression: compress,
	}
	trace := &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) {
			mu.Lock()
			gotConn = r.Now()
			mu.Unlock()
		},
	}

	var hd wsDial
	hdr := http.Header{}
	for k, vs := range r.Options.Headers {
		ck := http.CanonicalHeaderKey(k)
		owned := ck == "Upgrade" || ck == "Connection" || strings.HasPrefix(ck, "Sec-Websocket-")
		if owned && !(ck == "Sec-Websocket-Protocol" && len(r.Options.Subprotocols) == 0) {
			continue // gorilla writes these itself and refuses duplicates
		}
		hdr[ck] = append([]string(nil), vs...)
		hd.sent = append(hd.sent, ck)
	}
	slices.Sort(hd.sent)

	// gorilla 1.5.3 watches ctx only while dialing; closing the connection
	// when ctx ends unblocks the request write and the response read.
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		ended = true
		c := conn
		mu.Unlock()
		if c != nil {
			c.Close()
		}
	})
	ws, resp, err := d.DialContext(httptrace.WithClientTrace(ctx, trace), r.Target.URL(), hdr)
	hd.done = r.Now()
	if !stop() && err == nil {
		// ctx ended as the handshake finished and the connection was
		// closed under it.
		ws.Close()
		ws, err = nil, fmt.Errorf("upgrade: %w", context.Cause(ctx))
	}
	hd.ws, hd.resp, hd.err = ws, resp, err

	mu.Lock()
	rc := conn
	hd.connectedAt, hd.reached, hd.issuer = gotConn, stage, issuer
	hd.ask, hd.peek = ask, peek
	mu.Unlock()
	if rc != nil {
		hd.req, hd.wroteAt, hd.firstByte, hd.tooLarge, hd.head = rc.seal()
	}
	if hd.resp != nil && headerBytes(hd.resp.Header) > MaxResponseHeaderBytes {
		hd.tooLarge = true
	}
	if hd.tooLarge {
		if hd.ws != nil {
			hd.ws.Close()
			hd.ws = nil
		}
		hd.err = fmt.Errorf("upgrade: %w", ErrHeadersTooLarge)
	}
	return hd
}

func probeUpgrade(ctx context.Context, r *ProbeRun) Result {
	res := r.Result()
	hd := r.dialWSWith(ctx, nil, true)
	ws, resp, err, reached := hd.ws, hd.resp, hd.err, hd.reached
	connectedAt, done, reqBytes, wroteAt, firstByte, sent := hd.connectedAt, hd.done, hd.req, hd.wroteAt, hd.firstByte, hd.sent
	if resp != nil {
		upgradeEvidence(&res.Evidence, resp, reqBytes)
	}
	if !firstByte.IsZero() && !wroteAt.IsZero() {
		res.Evidence.Set(KeyTTFBMS, msString(firstByte.Sub(wroteAt)))
	}
	if !connectedAt.IsZero() {
		r.Record(PhaseUpgrade, connectedAt, done.Sub(connectedAt))
		res.Evidence.Set(KeyUpgradeMS, msString(done.Sub(connectedAt)))
	}
	if len(sent) > 0 {
		res.Evidence.Set(KeySentHeaders, strings.Join(sent, ","))
	}
	if hd.issuer != nil {
		// Who vouched for the server on this path: beside the tls probe's,
		// it shows a middle box that re-signs one path and not the other.
		res.Evidence.Set(KeyLeafIssuer, hd.issuer.String())
		res.Evidence.Set(KeyLeafIssuerOrg, strings.Join(hd.issuer.Organization, ", "))
	}

	r.clientCertEvidence(&res.Evidence, hd.ask, err)
	if err != nil && refusedExtension(hd, &res.Evidence) {
		// gorilla refused the compression answer: judge it by the RFC,
		// and try again without offering compression.
		if retry := r.compressionRetry(ctx, &res.Evidence, resp); retry.ws != nil {
			ws, err, connectedAt, done = retry.ws, nil, retry.connectedAt, retry.done
		}
	}
	if err != nil {
		r.tunnelAnswer(&res.Evidence, hd, resp)
		res.Status, res.Error = Fail, err.Error()
		switch {
		case hd.tooLarge:
			res.Code = CodeHeadersTooLarge
			res.Reason = fmt.Sprintf("the answer's headers are larger than %d KiB, more than browsers and Go accept", MaxResponseHeaderBytes>>10)
		case resp != nil && resp.StatusCode != http.StatusSwitchingProtocols:
			res.Code = fmt.Sprintf("status_%d", resp.StatusCode)
			res.Reason = fmt.Sprintf("the upgrade was answered %s, not 101 Switching Protocols", resp.Status)
		case resp != nil && res.Evidence.Value(KeyAcceptOK) != "yes":
			res.Code = CodeBadAccept
			res.Reason = "101, but Sec-WebSocket-Accept does not match the key sent"
		case resp != nil && errors.Is(err, websocket.ErrBadHandshake):
			res.Code = CodeBadUpgradeHeaders
			res.Reason = "101, but without Upgrade: websocket and Connection: Upgrade"
		case resp != nil:
			res.Code = CodeBadExtension
			res.Reason = "101, but with an extension answer the client cannot use"
		default:
			if reached != "" {
				res.Evidence.Set(KeyFailedAt, reached)
			}
			res.Code, res.Reason = transportFailure(ctx, err, reached, !firstByte.IsZero())
			if reached == "response" && notHTTP(hd.head) && res.Code != CodeCancelled {
				res.Code, res.Reason = CodeNotHTTP, "the answer to the upgrade was not HTTP"
			}
			if !r.Target.Secure() && reached == "response" {
				if code := r.wrongSchemePlain(ctx, res.Code); code != "" {
					res.Code, res.Reason = code, "the port speaks TLS: the address should start with wss://"
					res.Evidence.Set(KeyPortSpeaks, "tls")
				}
			}
		}
		return res
	}

	res.Evidence.Set("subprotocol", ws.Subprotocol())
	if took := done.Sub(connectedAt); !connectedAt.IsZero() && took > r.Options.slowUpgrade() {
		res.Status, res.Code = Warn, CodeSlow
		res.Evidence.Set("slow_after_ms", msString(r.Options.slowUpgrade()))
		res.Reason = fmt.Sprintf("the upgrade was answered after %s", took.Round(time.Millisecond))
	} else {
		res.Status, res.Code = Pass, CodeOK
		res.Reason = "101 Switching Protocols"
	}
	r.KeepConn(ws)
	return res
}

// transportFailure names a handshake that got no HTTP answer; reached is how
// far the connection got. A timeout once the connection (and TLS) were up is
// told apart from one while connecting: the first is a server or middle box
// sitting on the upgrade request.
func transportFailure(ctx context.Context, err error, reached string, gotBytes bool) (code, reason string) {
	class := Classify(err)
	cancelled := errors.Is(context.Cause(ctx), context.Canceled)
	timedOut := !cancelled && (ctx.Err() != nil || class == CodeTimeout || pastDeadline(ctx))
	switch {
	case cancelled:
		return CodeCancelled, "stopped before the upgrade was answered"
	case reached == "response" && timedOut && gotBytes:
		return CodeHandshakeTimeout, "connected, but the answer to the upgrade did not finish in time"
	case reached == "response" && timedOut:
		return CodeHandshakeTimeout, "connected, but the upgrade request got no answer in time"
	case reached == "response" && class == CodeEOF:
		return CodeEOF, "the connection was closed without a complete answer to the upgrade"
	case reached == "response":
		return class, "the connection failed before the upgrade was answered"
	case reached == "":
		return class, "the upgrade request could not be made"
	case timedOut:
		return CodeTimeout, fmt.Sprintf("timed out in %s, before the upgrade request was sent", reached)
	}
	return class, fmt.Sprintf("the %s step failed, before the upgrade request was sent", reached)
}

// deadlineSlack is how near its deadline a failure counts as the deadline's:
// gorilla sets the connection's deadline to the context's, so a read cut
// mid-line by it can end as a parse error a moment before ctx is done.
const deadlineSlack = 50 * time.Millisecond

// pastDeadline reports whether ctx's deadline has (all but) passed.
func pastDeadline(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl.Add(-deadlineSlack))
}

// upgradeEvidence keeps what the answer to the upgrade said.
func upgradeEvidence(e *Evidence, resp *http.Response, reqBytes []byte) {
	e.Set(KeyStatus, strconv.Itoa(resp.StatusCode))
	for _, h := range []string{"Server", "Upgrade", "Connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Content-Type", "Location"} {
		setHeader(e, evidenceKey(h), resp.Header, h)
	}
	setTellTales(e, resp.Header)

	got := resp.Header.Values("Sec-Websocket-Accept")
	want := ""
	if key := sentKey(reqBytes); key != "" {
		want = acceptFor(key)
	}
	switch {
	case len(got) == 0:
		e.Set(KeyAcceptOK, "missing")
	case len(got) == 1 && want != "" && strings.TrimSpace(got[0]) == want:
		e.Set(KeyAcceptOK, "yes")
	default:
		e.Set(KeyAcceptOK, "no")
	}
	if e.Value("accept_ok") != "yes" && want != "" {
		e.Set("expected_accept", want)
	}
	if resp.StatusCode == http.StatusSwitchingProtocols {
		comp := "none"
		if strings.Contains(strings.ToLower(resp.Header.Get("Sec-Websocket-Extensions")), "permessage-deflate") {
			comp = "permessage-deflate"
		}
		e.Set("compression", comp)
		return
	}
	// gorilla kept up to 1 KiB of a refused handshake's body.
	if resp.Body == nil {
		return
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxUpgradeBody))
	if len(body) == 0 {
		return
	}
	e.Set(KeyBody, clip(string(body), maxUpgradeBody))
	if isHTML(resp.Header, body) {
		if t := htmlTitle(body); t != "" {
			e.Set(KeyBodyTitle, t)
		}
	}
}

// sentKey reads the Sec-WebSocket-Key back from the request bytes gorilla
// wrote (gorilla chooses it and does not say).
func sentKey(reqBytes []byte) string {
	if len(reqBytes) == 0 {
		return ""
	}
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(reqBytes)))
	if err != nil {
		return ""
	}
	return req.Header.Get("Sec-Websocket-Key")
}

// acceptFor is the Sec-WebSocket-Accept a server must answer to key
// (RFC 6455 section 4.2.2).
func acceptFor(key string) string {
	h := sha1.Sum([]byte(key + websocketGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// msString is d in milliseconds as evidence shows it.
func msString(d time.Duration) string {
	return strconv.FormatFloat(Millis(d), 'f', 3, 64)
}
