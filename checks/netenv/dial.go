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
	"sync"
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
	// Reason is the proxy's own name for why it refused, when it sends
	// one (squid's X-Squid-Error: ERR_DNS_FAIL, ERR_CONNECT_FAIL,
	// ERR_CANNOT_FORWARD, ERR_ACCESS_DENIED).
	Reason string
	// Err is the underlying error, if any.
	Err error
	// Auth is how signing in to the proxy went, if it asked.
	Auth AuthInfo
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
	// Auth is how signing in to the proxy went, if it asked.
	Auth AuthInfo
}

// ProxyDialer opens tunnels through proxies, keeping what they answer.
type ProxyDialer struct {
	// Dial opens the TCP connection to the proxy; nil means a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLSConfig is the configuration for an https proxy named host; nil
	// means the system roots.
	TLSConfig func(host string) *tls.Config
	// Credentials sign in to a proxy that asks, when its URL carries
	// none; nil means none (and on Windows, the signed-in user).
	Credentials *ProxyCredentials
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
// user info). An HTTP proxy that asks for a sign-in (407) gets one when
// the check can give it: see pickAuth. Failures are *ProxyError.
func (d *ProxyDialer) DialVia(ctx context.Context, proxy *url.URL, target string) (net.Conn, Tunnel, error) {
	t := Tunnel{Proxy: proxy.Redacted()}
	fail := func(stage, code string, err error) (net.Conn, Tunnel, error) {
		return nil, t, &ProxyError{Proxy: t.Proxy, Stage: stage, Code: code, Err: err, Auth: t.Auth}
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
	// The handshake obeys ctx: a silent proxy is cut off when it ends,
	// on whichever connection a sign-in is using by then.
	var (
		mu  sync.Mutex
		cur net.Conn
	)
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if cur != nil {
			cur.SetDeadline(time.Unix(1, 0))
		}
	})
	defer stop()
	dl, _ := ctx.Deadline()
	// restore puts the handshake's deadline back on a connection after a
	// shorter one, unless ctx ended meanwhile.
	restore := func(c net.Conn) {
		c.SetDeadline(dl)
		if ctx.Err() != nil {
			c.SetDeadline(time.Unix(1, 0))
		}
	}
	// openTCP connects to the proxy; the first time is the connect phase.
	openTCP := func(timed bool) (net.Conn, error) {
		end := func() {}
		if timed {
			end = d.phase("connect")
		}
		conn, err := dial(ctx, "tcp", proxy.Host)
		end()
		if err != nil {
			return nil, &ProxyError{Proxy: t.Proxy, Stage: "connect", Code: CodeProxyUnreachable, Err: err, Auth: t.Auth}
		}
		mu.Lock()
		cur = conn
		mu.Unlock()
		restore(conn)
		return conn, nil
	}
	// handshakeTLS speaks TLS to an https proxy over conn.
	handshakeTLS := func(conn net.Conn) (net.Conn, error) {
		cfg := &tls.Config{ServerName: proxy.Hostname(), NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}
		if d.TLSConfig != nil {
			cfg = d.TLSConfig(proxy.Hostname())
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, &ProxyError{Proxy: t.Proxy, Stage: "tls", Code: CodeProxyUnreachable, Err: err, Auth: t.Auth}
		}
		return tc, nil
	}
	conn, err := openTCP(true)
	if err != nil {
		return nil, t, err
	}
	end := d.phase("proxy")
	defer end()
	if proxy.Scheme == "https" {
		if conn, err = handshakeTLS(conn); err != nil {
			return nil, t, err
		}
	}
	reopen := func() (net.Conn, error) {
		c, err := openTCP(false)
		if err != nil || proxy.Scheme != "https" {
			return c, err
		}
		return handshakeTLS(c)
	}
	var c net.Conn
	switch proxy.Scheme {
	case "https", "http":
		c, err = d.connectHTTP(conn, reopen, restore, proxy, target, &t)
	case "socks5", "socks5h":
		c, err = connectSOCKS5(ctx, conn, proxy, target, &t)
	default:
		c, err = connectSOCKS4(conn, proxy, target, &t)
	}
	if err != nil {
		mu.Lock()
		if cur != nil {
			cur.Close()
		}
		mu.Unlock()
		conn.Close()
		return nil, t, err
	}
	if !stop() {
		c.Close()
		return fail("handshake", CodeProxyError, context.Cause(ctx))
	}
	c.SetDeadline(time.Time{})
	return c, t, nil
}

// connectHTTP asks an HTTP proxy for a tunnel with CONNECT, signing in
// when it answers 407 and the check can: the first request carries no
// credentials, the proxy's challenges choose the scheme, and NTLM's three
// legs stay on one connection. reopen gives a new connection when the
// proxy closes one before the sign-in starts.
func (d *ProxyDialer) connectHTTP(conn net.Conn, reopen func() (net.Conn, error), restore func(net.Conn), proxy *url.URL, target string, t *Tunnel) (net.Conn, error) {
	perr := func(err error) error {
		return &ProxyError{Proxy: t.Proxy, Stage: "handshake", Code: CodeProxyError, Err: err, Auth: t.Auth}
	}
	// Each answer's header block is bounded (a proxy named by a WPAD file
	// can be anyone's); the tunnel's data after a 2xx is not.
	hc := &headerCap{r: conn}
	br := bufio.NewReader(hc)
	var (
		sess    authSession
		authz   string
		offered []string
	)
	defer func() {
		if sess != nil {
			sess.Close()
		}
	}()
	for round := 1; ; round++ {
		req := &http.Request{
			Method: http.MethodConnect,
			URL:    &url.URL{Opaque: target},
			Host:   target,
			Header: http.Header{"User-Agent": {"wsdoctor"}},
		}
		if authz != "" {
			req.Header.Set("Proxy-Authorization", authz)
			// Keep the connection for the next leg (HTTP/1.0 proxies).
			req.Header.Set("Proxy-Connection", "Keep-Alive")
		}
		if sess != nil {
			t.Auth.Rounds = round
		}
		if err := req.Write(conn); err != nil {
			if sess != nil && round > 1 && connectionBound(t.Auth.Scheme) {
				t.Auth.Result = AuthFailed
			}
			return conn, perr(fmt.Errorf("send CONNECT: %w", err))
		}
		hc.left = maxProxyHeader + 4<<10 // and bufio's buffer
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			if sess != nil {
				t.Auth.Result = AuthFailed
			}
			return conn, perr(fmt.Errorf("read the answer to CONNECT: %w", err))
		}
		t.Status = resp.Status
		t.Via = resp.Header.Get("Via")
		t.Server = resp.Header.Get("Server")
		if t.Server == "" {
			t.Server = resp.Header.Get("Proxy-Agent")
		}
		if resp.StatusCode/100 == 2 {
			hc.off = true
			if sess != nil {
				t.Auth.Result = AuthOK
			}
			if br.Buffered() > 0 {
				return &bufferedConn{Conn: conn, r: br}, nil
			}
			return conn, nil
		}
		wantsAuth := resp.StatusCode == http.StatusProxyAuthRequired || resp.StatusCode == http.StatusUnauthorized
		challenges := ParseChallenges(resp.Header.Values("Proxy-Authenticate"))
		if round == 1 {
			offered = resp.Header.Values("Proxy-Authenticate")
			t.Auth.Offered = schemesOf(challenges)
		}
		refuse := func(result string, err error) (net.Conn, error) {
			if result != "" {
				t.Auth.Result = result
			}
			// The schemes as first offered: later answers carry tokens.
			pe := &ProxyError{Proxy: t.Proxy, Stage: "handshake", StatusCode: resp.StatusCode, Status: resp.Status,
				Authenticate: offered, Via: t.Via, Server: t.Server, Code: CodeProxyRefusedConnect, Err: err}
			// A 401 to CONNECT comes from the proxy too (the target was
			// never reached): tinyproxy answers wrong credentials so.
			if wantsAuth {
				pe.Code = CodeProxyAuthRequired
			}
			conn.SetReadDeadline(time.Now().Add(proxyBodyWait))
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxProxyBody))
			resp.Body.Close()
			pe.Body = strings.ToValidUTF8(string(body), "?")
			pe.Reason = proxyReason(resp.Header.Get("X-Squid-Error"))
			pe.Auth = t.Auth
			return conn, pe
		}
		if !wantsAuth {
			return refuse("", nil)
		}
		var challenge []byte
		if round == 1 {
			s, err := d.pickAuth(challenges, proxy, &t.Auth)
			if err != nil {
				return refuse(AuthFailed, fmt.Errorf("sign in to the proxy: %w", err))
			}
			if s == nil {
				return refuse("", nil)
			}
			sess = s
		} else {
			data, ok := challengeFor(challenges, t.Auth.Scheme)
			// Basic has one leg, and a Negotiate or NTLM challenge
			// without a token starts over: both say no.
			if !ok || data == "" || !connectionBound(t.Auth.Scheme) || round >= maxAuthRounds {
				return refuse(AuthRefused, nil)
			}
			if challenge, err = base64.StdEncoding.DecodeString(data); err != nil {
				return refuse(AuthFailed, fmt.Errorf("the proxy's %s challenge: %w", t.Auth.Scheme, err))
			}
		}
		token, err := sess.Next(challenge)
		if err != nil {
			if round > 1 {
				return refuse(AuthRefused, err)
			}
			return refuse(AuthFailed, fmt.Errorf("sign in to the proxy: %w", err))
		}
		authz = authHeader(t.Auth.Scheme, token)
		// Read the refusal's body so the connection can carry the next
		// leg; a proxy that closes it gets a new one, unless the legs
		// are bound to it.
		reusable := !resp.Close && drain(conn, resp)
		restore(conn)
		if !reusable {
			if round > 1 && connectionBound(t.Auth.Scheme) {
				return refuse(AuthFailed, errors.New("the proxy closed the connection in the middle of the sign-in"))
			}
			conn.Close()
			nc, err := reopen()
			if err != nil {
				return conn, err
			}
			conn, br = nc, bufio.NewReader(nc)
		}
	}
}

// maxDrain bounds the body of a 407 read to keep the connection for the
// next leg; a longer one costs a new connection.
const maxDrain = 64 << 10

// drain reads resp's body to its end within proxyBodyWait and reports
// whether it got there.
func drain(conn net.Conn, resp *http.Response) bool {
	dl := time.Now().Add(proxyBodyWait)
	conn.SetReadDeadline(dl)
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain+1))
	resp.Body.Close()
	return err == nil && n <= maxDrain
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

// proxyReason is the error name at the start of an X-Squid-Error value
// ("ERR_DNS_FAIL 0"), or "" when it is not one: at most 40 capital
// letters, digits and underscores.
func proxyReason(v string) string {
	name, _, _ := strings.Cut(strings.TrimSpace(v), " ")
	if name == "" || len(name) > 40 {
		return ""
	}
	for _, c := range name {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return ""
		}
	}
	return name
}
