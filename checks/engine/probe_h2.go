package engine

// WebSockets over HTTP/2 (RFC 8441), the way Chrome and Firefox open them
// when a server's SETTINGS carry SETTINGS_ENABLE_CONNECT_PROTOCOL: an
// extended CONNECT stream with :protocol websocket, the WebSocket's frames
// in its DATA frames. Go's HTTP client cannot send one (golang/go#49918),
// so the probe frames it itself with golang.org/x/net/http2's Framer and
// hpack; the WebSocket frames inside are the few RFC 6455 needs for one
// echo.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Codes of the h2 probe, besides CodeOK, CodeNotApplicable, "status_NNN"
// and the Classify codes.
const (
	// CodeH2NotOffered: the server did not choose HTTP/2 (ALPN): browsers
	// open the WebSocket over HTTP/1.1, as the check does.
	CodeH2NotOffered = "h2_not_offered"
	// CodeH2NoWebSocket: HTTP/2, but its SETTINGS do not invite
	// WebSockets over it (no SETTINGS_ENABLE_CONNECT_PROTOCOL): browsers
	// use HTTP/1.1 for them.
	CodeH2NoWebSocket = "h2_no_websocket"
	// CodeH2StreamReset: the server reset the extended CONNECT stream
	// (RST_STREAM) or ended the connection (GOAWAY) instead of answering.
	CodeH2StreamReset = "h2_stream_reset"
	// CodeH2NoEcho: the stream opened (200) but the echo did not come back.
	CodeH2NoEcho = "h2_no_echo"
)

// Evidence keys of the h2 probe.
const (
	// KeyALPN: the protocol the server chose ("h2", "http/1.1", "none").
	KeyALPN = "alpn"
	// KeyH2ConnectProtocol: SETTINGS_ENABLE_CONNECT_PROTOCOL as the
	// server sent it ("1", "0"), or "absent".
	KeyH2ConnectProtocol = "enable_connect_protocol"
	// KeyH2Status: the :status of the answer to the extended CONNECT.
	KeyH2Status = "h2_status"
	// KeyH2Reset: the error code of the server's RST_STREAM or GOAWAY
	// ("PROTOCOL_ERROR", "INTERNAL_ERROR", ...).
	KeyH2Reset = "h2_reset"
	// KeyH2Echo: "ok", "different", "closed" (a WebSocket close came
	// instead, with KeyCloseCode), "none" (nothing came back in time).
	KeyH2Echo = "h2_echo"
	// KeyH2Stage: where a failure happened: tls, settings, stream, echo.
	KeyH2Stage = "h2_stage"
	// KeyBrowserWay: the way a browser would open this WebSocket: "h2"
	// (extended CONNECT) or "http/1.1".
	KeyBrowserWay = "browser_way"
)

// Values of KeyBrowserWay.
const (
	BrowserWayH2    = "h2"
	BrowserWayHTTP1 = "http/1.1"
)

// h2MaxFrames bounds the frames read while waiting for one thing
// (SETTINGS, the answer, the echo): a server that only sends PINGs or
// WINDOW_UPDATEs does not keep the probe reading for ever.
const h2MaxFrames = 256

// h2MaxBody bounds what the probe collects of the stream's DATA.
const h2MaxBody = 64 << 10

// H2Probe opens the WebSocket the way a browser does over HTTP/2, for
// wss:// targets (and https:// page addresses): through the run's route
// (direct, or the proxy's tunnel), a TLS handshake offering ALPN "h2" and
// "http/1.1"; when the server chooses h2, its SETTINGS are read; when they
// carry SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, an extended CONNECT stream
// (RFC 8441: :method CONNECT, :protocol websocket, :scheme https, :path,
// :authority, sec-websocket-version 13, and the user's extra headers, so
// Origin and Cookie as the app sends them) carries one text message that
// must come back.
//
// Codes: "not_applicable" (skip, ws://); "h2_not_offered" and
// "h2_no_websocket" (pass: browsers take HTTP/1.1, as the check did);
// "ok" (pass: the HTTP/2 way works); "status_NNN" (fail: the stream was
// answered NNN); "h2_stream_reset" (fail: RST_STREAM or GOAWAY);
// "h2_no_echo" (warn: the stream opened, the message did not come back);
// Classify codes for transport failures.
//
// Evidence: "alpn", "enable_connect_protocol", "h2_status", "h2_reset",
// "h2_echo", "close_code", "h2_stage", "server" (of the answer),
// "browser_way" (h2 or http/1.1), and what DialTarget notes of a proxy.
func H2Probe() Probe {
	return Probe{Name: ProbeH2, Needs: []string{ProbeDNS}, After: []string{ProbeTCP, ProbeTLS}, Run: probeH2}
}

func probeH2(ctx context.Context, r *ProbeRun) Result {
	res := r.Result()
	if !r.Target.Secure() {
		res.Status, res.Code = Skip, CodeNotApplicable
		res.Reason = "ws:// target: browsers use HTTP/2 only over TLS"
		return res
	}
	fail := func(stage string, err error) Result {
		res.Status, res.Code, res.Error = Fail, Classify(err), err.Error()
		res.Evidence.Set(KeyH2Stage, stage)
		res.Reason = "the HTTP/2 way failed at " + stage
		return res
	}
	conn, err := r.DialTarget(ctx)
	if err != nil {
		res.Status, res.Code, res.Error = Fail, Classify(err), err.Error()
		res.Reason = "could not connect to the target"
		return res
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}

	cfg := r.TLS.Config(r.Target.Host, http2.NextProtoTLS, "http/1.1")
	tc := tls.Client(conn, cfg)
	end := r.Begin(PhaseTLS)
	err = tc.HandshakeContext(ctx)
	end()
	if err != nil {
		return fail("tls", err)
	}
	alpn := tc.ConnectionState().NegotiatedProtocol
	if alpn == "" {
		alpn = "none"
	}
	res.Evidence.Set(KeyALPN, alpn)
	if alpn != http2.NextProtoTLS {
		res.Evidence.Set(KeyBrowserWay, BrowserWayHTTP1)
		res.Status, res.Code = Pass, CodeH2NotOffered
		res.Reason = "the server does not speak HTTP/2: browsers open the WebSocket over HTTP/1.1"
		return res
	}

	h := &h2Conn{conn: tc, fr: http2.NewFramer(tc, tc)}
	h.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	h.fr.MaxHeaderListSize = MaxResponseHeaderBytes
	connect, err := h.start()
	if err != nil {
		return fail("settings", err)
	}
	res.Evidence.Set(KeyH2ConnectProtocol, connect)
	if connect != "1" {
		res.Evidence.Set(KeyBrowserWay, BrowserWayHTTP1)
		res.Status, res.Code = Pass, CodeH2NoWebSocket
		res.Reason = "HTTP/2 without an invitation to WebSockets over it: browsers open them over HTTP/1.1"
		return res
	}
	res.Evidence.Set(KeyBrowserWay, BrowserWayH2)

	end = r.Begin(PhaseUpgrade)
	ans, err := h.open(r.Target, r.Options)
	end()
	if ans.status != "" {
		res.Evidence.Set(KeyH2Status, ans.status)
	}
	if ans.server != "" {
		res.Evidence.Set(KeyServer, clip(ans.server, 200))
	}
	if ans.reset != "" {
		res.Evidence.Set(KeyH2Reset, ans.reset)
		res.Evidence.Set(KeyH2Stage, "stream")
		res.Status, res.Code = Fail, CodeH2StreamReset
		res.Reason = fmt.Sprintf("the server invites WebSockets over HTTP/2, then resets the stream (%s)", ans.reset)
		return res
	}
	if err != nil {
		return fail("stream", err)
	}
	if n, _ := strconv.Atoi(ans.status); n < 200 || n > 299 {
		res.Evidence.Set(KeyH2Stage, "stream")
		if len(ans.body) > 0 {
			res.Evidence.Set(KeyBody, clip(string(ans.body), maxUpgradeBody))
		}
		res.Status, res.Code = Fail, "status_"+ans.status
		res.Reason = fmt.Sprintf("the server invites WebSockets over HTTP/2, then answers %s to one", ans.status)
		return res
	}

	end = r.Begin(PhaseFirstMessage)
	echo, closeCode, err := h.echo(ctx)
	end()
	res.Evidence.Set(KeyH2Echo, echo)
	if closeCode != "" {
		res.Evidence.Set(KeyCloseCode, closeCode)
	}
	if echo == "ok" {
		res.Status, res.Code = Pass, CodeOK
		res.Reason = "a WebSocket over HTTP/2 opened and echoed, as browsers would use it"
		return res
	}
	res.Evidence.Set(KeyH2Stage, "echo")
	if h.reset != "" {
		res.Evidence.Set(KeyH2Reset, h.reset)
		res.Status, res.Code = Fail, CodeH2StreamReset
		res.Reason = fmt.Sprintf("the WebSocket over HTTP/2 opened, then the server reset it (%s)", h.reset)
		return res
	}
	res.Status, res.Code = Warn, CodeH2NoEcho
	res.Reason = "the WebSocket over HTTP/2 opened, but the message did not come back"
	if err != nil {
		res.Error = err.Error()
	}
	return res
}

// h2Conn is one HTTP/2 connection with one stream, read and written from
// one goroutine.
type h2Conn struct {
	conn net.Conn
	fr   *http2.Framer
	// reset is the error code of a RST_STREAM or GOAWAY that ended the
	// stream.
	reset string
	// buf holds the stream's DATA not yet parsed as WebSocket frames.
	buf []byte
	// ended: the server ended its side of the stream.
	ended bool
}

// h2Stream is the only stream the probe opens.
const h2Stream = 1

// start writes the client preface and SETTINGS, and reads the server's
// SETTINGS; it returns SETTINGS_ENABLE_CONNECT_PROTOCOL's value ("absent"
// when not sent).
func (h *h2Conn) start() (string, error) {
	if _, err := io.WriteString(h.conn, http2.ClientPreface); err != nil {
		return "", err
	}
	if err := h.fr.WriteSettings(http2.Setting{ID: http2.SettingEnablePush, Val: 0}); err != nil {
		return "", err
	}
	for range h2MaxFrames {
		f, err := h.fr.ReadFrame()
		if err != nil {
			return "", err
		}
		sf, ok := f.(*http2.SettingsFrame)
		if !ok {
			return "", fmt.Errorf("h2: the server's first frame is %s, not SETTINGS", f.Header().Type)
		}
		if sf.IsAck() {
			continue
		}
		v := "absent"
		if n, ok := sf.Value(http2.SettingEnableConnectProtocol); ok {
			v = strconv.FormatUint(uint64(n), 10)
		}
		return v, h.fr.WriteSettingsAck()
	}
	return "", errors.New("h2: no SETTINGS from the server")
}

// h2Answer is what came back to the extended CONNECT.
type h2Answer struct {
	status, server, reset string
	body                  []byte
}

// open sends the extended CONNECT and reads its answer. A non-2xx answer's
// body is read (to the stream's end, at most h2MaxBody) for the evidence.
func (h *h2Conn) open(t Target, opts Options) (h2Answer, error) {
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	field := func(k, v string) { enc.WriteField(hpack.HeaderField{Name: k, Value: v}) }
	field(":method", http.MethodConnect)
	field(":protocol", "websocket")
	field(":scheme", "https")
	field(":path", t.Path)
	field(":authority", t.authority())
	field("sec-websocket-version", "13")
	if len(opts.Subprotocols) > 0 {
		field("sec-websocket-protocol", strings.Join(opts.Subprotocols, ", "))
	}
	for k, vs := range opts.Headers {
		ck := http.CanonicalHeaderKey(k)
		if ck == "Host" || ck == "Connection" || ck == "Upgrade" || ck == "Keep-Alive" ||
			ck == "Transfer-Encoding" || ck == "Te" || ck == "Proxy-Connection" ||
			(strings.HasPrefix(ck, "Sec-Websocket-") && ck != "Sec-Websocket-Protocol") {
			continue // HTTP/2 forbids them, or the probe writes them
		}
		if ck == "Sec-Websocket-Protocol" && len(opts.Subprotocols) > 0 {
			continue
		}
		for _, v := range vs {
			field(strings.ToLower(ck), v)
		}
	}
	var a h2Answer
	if err := h.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: h2Stream, BlockFragment: block.Bytes(), EndHeaders: true}); err != nil {
		return a, err
	}
	for range h2MaxFrames {
		f, err := h.next()
		if err != nil {
			a.reset = h.reset
			return a, err
		}
		switch f := f.(type) {
		case *http2.MetaHeadersFrame:
			if f.StreamID != h2Stream {
				continue
			}
			st := f.PseudoValue("status")
			if strings.HasPrefix(st, "1") {
				continue // an interim answer
			}
			a.status = st
			for _, hf := range f.RegularFields() {
				if hf.Name == "server" {
					a.server = hf.Value
				}
			}
			if st == "200" || f.StreamEnded() {
				if strings.HasPrefix(st, "2") && f.StreamEnded() {
					return a, errors.New("h2: the server answered 200 and ended the stream at once")
				}
				return a, nil
			}
			a.body = h.readBody()
			return a, nil
		case *http2.DataFrame:
			// DATA before the answer: a broken server; ignored.
		}
	}
	return a, errors.New("h2: no answer to the extended CONNECT")
}

// next reads the next frame that matters to the stream, answering PINGs
// and the server's SETTINGS on the way and granting flow control back.
// A RST_STREAM on the stream or a GOAWAY is an error, with h.reset set.
func (h *h2Conn) next() (http2.Frame, error) {
	for range h2MaxFrames {
		f, err := h.fr.ReadFrame()
		if err != nil {
			var se http2.StreamError
			if errors.As(err, &se) && se.StreamID == h2Stream {
				h.reset = se.Code.String()
			}
			return nil, err
		}
		switch f := f.(type) {
		case *http2.PingFrame:
			if !f.IsAck() {
				if err := h.fr.WritePing(true, f.Data); err != nil {
					return nil, err
				}
			}
		case *http2.SettingsFrame:
			if !f.IsAck() {
				if err := h.fr.WriteSettingsAck(); err != nil {
					return nil, err
				}
			}
		case *http2.RSTStreamFrame:
			if f.StreamID == h2Stream {
				h.reset = f.ErrCode.String()
				return nil, fmt.Errorf("h2: the server reset the stream (%s)", f.ErrCode)
			}
		case *http2.GoAwayFrame:
			h.reset = f.ErrCode.String()
			return nil, fmt.Errorf("h2: the server ended the connection (GOAWAY %s)", f.ErrCode)
		case *http2.DataFrame:
			if n := len(f.Data()); n > 0 {
				// Give the window back, so a long answer is not held up.
				h.fr.WriteWindowUpdate(0, uint32(n))
				if f.StreamID == h2Stream {
					h.fr.WriteWindowUpdate(h2Stream, uint32(n))
				}
			}
			if f.StreamID == h2Stream {
				if f.StreamEnded() {
					h.ended = true
				}
				return f, nil
			}
		case *http2.MetaHeadersFrame:
			if f.StreamID == h2Stream {
				if f.StreamEnded() {
					h.ended = true
				}
				return f, nil
			}
		}
	}
	return nil, errors.New("h2: too many frames without anything for the stream")
}

// readBody reads the stream's DATA until its end (at most h2MaxBody).
func (h *h2Conn) readBody() []byte {
	var body []byte
	for !h.ended && len(body) < h2MaxBody {
		f, err := h.next()
		if err != nil {
			break
		}
		if d, ok := f.(*http2.DataFrame); ok {
			body = append(body, d.Data()...)
		}
	}
	return body
}

// echo sends one masked text message on the stream and reads WebSocket
// frames until the same message comes back, a close frame comes, or
// NoEchoWait passes. It returns KeyH2Echo's value and a close frame's code.
func (h *h2Conn) echo(ctx context.Context) (result, closeCode string, err error) {
	var nonce [8]byte
	rand.Read(nonce[:])
	msg := []byte("wsdoctor h2 " + hex.EncodeToString(nonce[:]))
	if err := h.fr.WriteData(h2Stream, false, clientFrame(0x1, msg)); err != nil {
		return "none", "", err
	}
	wait := time.Now().Add(NoEchoWait)
	if dl, ok := ctx.Deadline(); ok && dl.Before(wait) {
		wait = dl
	}
	h.conn.SetReadDeadline(wait)
	defer func() {
		// A close, as a browser ends it; nobody waits for the answer.
		h.conn.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		h.fr.WriteData(h2Stream, true, clientFrame(0x8, []byte{0x03, 0xe8}))
	}()
	var message []byte
	var opcode byte
	for range h2MaxFrames {
		fin, op, payload, ok, perr := parseServerFrame(&h.buf)
		if perr != nil {
			return "different", "", perr
		}
		if !ok {
			if h.ended {
				return "none", "", errors.New("h2: the server ended the stream")
			}
			f, err := h.next()
			if err != nil {
				return "none", "", err
			}
			if d, ok := f.(*http2.DataFrame); ok {
				if len(h.buf)+len(d.Data()) > h2MaxBody {
					return "different", "", errors.New("h2: more data than one echo")
				}
				h.buf = append(h.buf, d.Data()...)
			}
			continue
		}
		switch {
		case op == 0x8:
			code := ""
			if len(payload) >= 2 {
				code = strconv.Itoa(int(binary.BigEndian.Uint16(payload)))
			}
			return "closed", code, nil
		case op >= 0x8: // ping, pong
			continue
		case op != 0x0:
			opcode, message = op, append([]byte(nil), payload...)
		default:
			message = append(message, payload...)
		}
		if !fin {
			continue
		}
		if opcode == 0x1 && bytes.Equal(message, msg) {
			return "ok", "", nil
		}
		message = nil
	}
	return "different", "", errors.New("h2: the message did not come back")
}

// clientFrame is one final WebSocket frame from a client: masked, as RFC
// 6455 (section 5.3) wants.
func clientFrame(opcode byte, payload []byte) []byte {
	f := []byte{0x80 | opcode}
	switch n := len(payload); {
	case n < 126:
		f = append(f, 0x80|byte(n))
	case n <= 0xffff:
		f = append(f, 0x80|126, byte(n>>8), byte(n))
	default:
		f = append(f, 0x80|127)
		f = binary.BigEndian.AppendUint64(f, uint64(n))
	}
	var mask [4]byte
	rand.Read(mask[:])
	f = append(f, mask[:]...)
	for i, b := range payload {
		f = append(f, b^mask[i%4])
	}
	return f
}

// parseServerFrame takes one whole WebSocket frame off the front of buf;
// ok is false when buf does not hold one yet.
func parseServerFrame(buf *[]byte) (fin bool, opcode byte, payload []byte, ok bool, err error) {
	b := *buf
	if len(b) < 2 {
		return false, 0, nil, false, nil
	}
	fin, opcode = b[0]&0x80 != 0, b[0]&0x0f
	masked := b[1]&0x80 != 0
	n, head := uint64(b[1]&0x7f), 2
	switch n {
	case 126:
		if len(b) < 4 {
			return false, 0, nil, false, nil
		}
		n, head = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return false, 0, nil, false, nil
		}
		n, head = binary.BigEndian.Uint64(b[2:]), 10
	}
	if n > h2MaxBody {
		return false, 0, nil, false, fmt.Errorf("h2: a WebSocket frame of %d bytes", n)
	}
	var mask []byte
	if masked {
		if len(b) < head+4 {
			return false, 0, nil, false, nil
		}
		mask, head = b[head:head+4], head+4
	}
	if uint64(len(b)-head) < n {
		return false, 0, nil, false, nil
	}
	payload = append([]byte(nil), b[head:head+int(n)]...)
	for i := range payload {
		if mask != nil {
			payload[i] ^= mask[i%4]
		}
	}
	*buf = b[head+int(n):]
	return fin, opcode, payload, true, nil
}
