package netenv

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	xproxy "golang.org/x/net/proxy"
)

// The codes a ProxyError gives; the diagnosis matches on them.
const (
	// CodeProxyUnreachable: no TCP (or TLS, for an https proxy)
	// connection to the proxy.
	CodeProxyUnreachable = "proxy_unreachable"
	// CodeProxyAuthRequired: the proxy wants credentials (HTTP 407, or 401
	// to CONNECT, or a SOCKS5 proxy that refused our authentication).
	CodeProxyAuthRequired = "proxy_auth_required"
	// CodeProxyRefusedConnect: the proxy refused the tunnel to the target
	// (an HTTP status other than 2xx, 401 and 407, or a SOCKS failure
	// reply).
	CodeProxyRefusedConnect = "proxy_refused_connect"
	// CodeProxyError: the proxy answered something that is not the
	// protocol, or closed or went silent during the handshake.
	CodeProxyError = "proxy_error"
)

// maxProxyBody is how much of a refusal's body is kept: enough for the
// title and first lines of a proxy's error page.
const maxProxyBody = 1 << 10

// proxyBodyWait bounds reading a refusal's body, which a proxy may leave
// open.
const proxyBodyWait = time.Second

// ProxyError is a proxy that did not open the tunnel, with what it said.
type ProxyError struct {
	// Proxy is the proxy's URL, password hidden.
	Proxy string
	// Stage is "connect" (TCP to the proxy), "tls" (TLS to an https
	// proxy) or "handshake" (CONNECT, SOCKS).
	Stage string
	// Code is one of the CodeProxy* codes.
	Code string
	// StatusCode and Status are the proxy's HTTP answer
	// ("407 Proxy Authentication Required"); Status is the SOCKS reply
	// for a SOCKS proxy.
	StatusCode int
	Status     string
	// Authenticate are the Proxy-Authenticate values (the schemes the
	// proxy offers: Basic, NTLM, Negotiate, ...).
	Authenticate []string
	// Via and Server are those headers of the answer (Server, or else
	// Proxy-Agent).
	Via, Server string
	// Body is the start of the refusal's body.
	Body string
	// Err is the underlying error, if any.
	Err error
}

func (e *ProxyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "proxy %s: ", e.Proxy)
	switch {
	case e.Stage == "connect":
		b.WriteString("cannot connect to the proxy")
	case e.Stage == "tls":
		b.WriteString("TLS handshake with the proxy failed")
	case e.Status != "":
		fmt.Fprintf(&b, "the proxy answered %s", e.Status)
	default:
		b.WriteString("the tunnel handshake failed")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *ProxyError) Unwrap() error { return e.Err }

// Tunnel is what the proxy said when it opened the tunnel.
type Tunnel struct {
	// Proxy is the proxy's URL, password hidden.
	Proxy string
	// Status is the HTTP status ("200 Connection established") or the
	// SOCKS reply ("succeeded").
	Status      string
	Via, Server string
}

// ProxyDialer opens tunnels through proxies, keeping what they answer.
type ProxyDialer struct {
	// Dial opens the TCP connection to the proxy; nil means a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLSConfig is the configuration for an https proxy named host; nil
	// means the system roots.
	TLSConfig func(host string) *tls.Config
	// Phase is called as the connection to the proxy starts ("connect")
	// and as the handshake with it starts ("proxy"); the function it
	// returns ends the phase. Nil means no timing.
	Phase func(name string) (end func())
}

func (d *ProxyDialer) phase(name string) func() {
	if d.Phase == nil {
		return func() {}
	}
	return d.Phase(name)
}

// DialVia opens a connection to target ("host:port") through proxy (an
// http, https, socks4, socks4a, socks5 or socks5h URL, credentials in its
// user info). Failures are *ProxyError.
func (d *ProxyDialer) DialVia(ctx context.Context, proxy *url.URL, target string) (net.Conn, Tunnel, error) {
	t := Tunnel{Proxy: proxy.Redacted()}
	fail := func(stage, code string, err error) (net.Conn, Tunnel, error) {
		return nil, t, &ProxyError{Proxy: t.Proxy, Stage: stage, Code: code, Err: err}
	}
	switch proxy.Scheme {
	case "http", "https", "socks4", "socks4a", "socks5", "socks5h":
	default:
		return fail("connect", CodeProxyUnreachable, fmt.Errorf("unsupported proxy scheme %q", proxy.Scheme))
	}
	dial := d.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	end := d.phase("connect")
	conn, err := dial(ctx, "tcp", proxy.Host)
	end()
	if err != nil {
		return fail("connect", CodeProxyUnreachable, err)
	}
	end = d.phase("proxy")
	defer end()
	// The handshake obeys ctx: a silent proxy is cut off when it ends.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	var c net.Conn
	switch proxy.Scheme {
	case "https":
		cfg := &tls.Config{ServerName: proxy.Hostname(), NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}
		if d.TLSConfig != nil {
			cfg = d.TLSConfig(proxy.Hostname())
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fail("tls", CodeProxyUnreachable, err)
		}
		c, err = connectHTTP(tc, proxy, target, &t)
	case "http":
		c, err = connectHTTP(conn, proxy, target, &t)
	case "socks5", "socks5h":
		c, err = connectSOCKS5(ctx, conn, proxy, target, &t)
	default:
		c, err = connectSOCKS4(conn, proxy, target, &t)
	}
	if err != nil {
		conn.Close()
		return nil, t, err
	}
	if !stop() {
		c.Close()
		return fail("handshake", CodeProxyError, context.Cause(ctx))
	}
	conn.SetDeadline(time.Time{})
	return c, t, nil
}

// connectHTTP asks an HTTP proxy for a tunnel with CONNECT.
func connectHTTP(conn net.Conn, proxy *url.URL, target string, t *Tunnel) (net.Conn, error) {
	req := &http.Request{
		Method: http.MethodConnect,
		URL:    &url.URL{Opaque: target},
		Host:   target,
		Header: http.Header{"User-Agent": {"wsdoctor"}},
	}
	if u := proxy.User; u != nil {
		pw, _ := u.Password()
		req.Header.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pw)))
	}
	perr := func(err error) error {
		return &ProxyError{Proxy: t.Proxy, Stage: "handshake", Code: CodeProxyError, Err: err}
	}
	if err := req.Write(conn); err != nil {
		return nil, perr(fmt.Errorf("send CONNECT: %w", err))
	}
	hc := &headerCap{r: conn, left: maxProxyHeader + 4<<10} // and bufio's buffer
	br := bufio.NewReader(hc)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return nil, perr(fmt.Errorf("read the answer to CONNECT: %w", err))
	}
	hc.off = true
	t.Status = resp.Status
	t.Via = resp.Header.Get("Via")
	t.Server = resp.Header.Get("Server")
	if t.Server == "" {
		t.Server = resp.Header.Get("Proxy-Agent")
	}
	if resp.StatusCode/100 == 2 {
		if br.Buffered() > 0 {
			return &bufferedConn{Conn: conn, r: br}, nil
		}
		return conn, nil
	}
	pe := &ProxyError{Proxy: t.Proxy, Stage: "handshake", StatusCode: resp.StatusCode, Status: resp.Status,
		Authenticate: resp.Header.Values("Proxy-Authenticate"), Via: t.Via, Server: t.Server, Code: CodeProxyRefusedConnect}
	// A 401 to CONNECT comes from the proxy too (the target was never
	// reached): tinyproxy answers wrong credentials so.
	if resp.StatusCode == http.StatusProxyAuthRequired || resp.StatusCode == http.StatusUnauthorized {
		pe.Code = CodeProxyAuthRequired
	}
	conn.SetReadDeadline(time.Now().Add(proxyBodyWait))
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxProxyBody))
	resp.Body.Close()
	pe.Body = strings.ToValidUTF8(string(body), "?")
	return nil, pe
}

// bufferedConn reads what the handshake's reader holds before the rest.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// onceDialer hands the x/net SOCKS client the connection already made, so
// the connect and handshake phases are timed apart.
type onceDialer struct{ c net.Conn }

func (o *onceDialer) Dial(network, addr string) (net.Conn, error) {
	return o.DialContext(context.Background(), network, addr)
}

func (o *onceDialer) DialContext(context.Context, string, string) (net.Conn, error) {
	c := o.c
	o.c = nil
	if c == nil {
		return nil, errors.New("socks: connection already used")
	}
	return c, nil
}

// connectSOCKS5 asks a SOCKS5 proxy for a tunnel with golang.org/x/net/proxy,
// which sends host names to the proxy to resolve.
func connectSOCKS5(ctx context.Context, conn net.Conn, proxy *url.URL, target string, t *Tunnel) (net.Conn, error) {
	var auth *xproxy.Auth
	if u := proxy.User; u != nil {
		pw, _ := u.Password()
		auth = &xproxy.Auth{User: u.Username(), Password: pw}
	}
	d, err := xproxy.SOCKS5("tcp", proxy.Host, auth, &onceDialer{conn})
	if err != nil {
		return nil, &ProxyError{Proxy: t.Proxy, Stage: "handshake", Code: CodeProxyError, Err: err}
	}
	c, err := d.(xproxy.ContextDialer).DialContext(ctx, "tcp", target)
	if err == nil {
		t.Status = "succeeded"
		return c, nil
	}
	pe := &ProxyError{Proxy: t.Proxy, Stage: "handshake", Code: CodeProxyError, Err: err}
	// x/net keeps the SOCKS reply in the message only.
	msg := err.Error()
	switch {
	case strings.Contains(msg, "authentication failed"), strings.Contains(msg, "no acceptable authentication methods"):
		pe.Code = CodeProxyAuthRequired
		pe.Status = "authentication refused"
	case strings.Contains(msg, "unknown error "):
		pe.Code = CodeProxyRefusedConnect
		pe.Status = msg[strings.LastIndex(msg, "unknown error ")+len("unknown error "):]
	}
	return nil, pe
}

// SOCKS4 reply codes.
const socks4Granted = 90

// connectSOCKS4 asks a SOCKS4 proxy for a tunnel; a host name is sent
// for the proxy to resolve (SOCKS4a).
func connectSOCKS4(conn net.Conn, proxy *url.URL, target string, t *Tunnel) (net.Conn, error) {
	perr := func(code, status string, err error) error {
		return &ProxyError{Proxy: t.Proxy, Stage: "handshake", Code: code, Status: status, Err: err}
	}
	host, portStr, err := net.SplitHostPort(target)
	if err != nil {
		return nil, perr(CodeProxyError, "", err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, perr(CodeProxyError, "", err)
	}
	req := []byte{4, 1, 0, 0}
	binary.BigEndian.PutUint16(req[2:], uint16(port))
	ip, ipErr := netip.ParseAddr(host)
	switch {
	case ipErr == nil && ip.Is4():
		a := ip.As4()
		req = append(req, a[:]...)
	case ipErr == nil:
		return nil, perr(CodeProxyError, "", errors.New("SOCKS4 cannot reach an IPv6 address"))
	default:
		req = append(req, 0, 0, 0, 1)
	}
	if proxy.User != nil {
		req = append(req, proxy.User.Username()...)
	}
	req = append(req, 0)
	if ipErr != nil {
		req = append(append(req, host...), 0)
	}
	if _, err := conn.Write(req); err != nil {
		return nil, perr(CodeProxyError, "", err)
	}
	var resp [8]byte
	if _, err := io.ReadFull(conn, resp[:]); err != nil {
		return nil, perr(CodeProxyError, "", fmt.Errorf("read the SOCKS4 reply: %w", err))
	}
	if resp[1] != socks4Granted {
		status := map[byte]string{91: "request rejected or failed", 92: "no identd on the client", 93: "identd user mismatch"}[resp[1]]
		if status == "" {
			status = "reply " + strconv.Itoa(int(resp[1]))
		}
		return nil, perr(CodeProxyRefusedConnect, status, nil)
	}
	t.Status = "granted"
	return conn, nil
}
