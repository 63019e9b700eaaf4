package engine

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// fallbackDelay is how long a dial to one address may go unanswered before
// the next address is tried alongside it (RFC 8305 suggests 250 ms), so a
// dead IPv6 route costs a quarter second, not a timeout.
const fallbackDelay = 250 * time.Millisecond

// DialTarget opens a TCP connection to the target the way an application
// would: to the addresses the dns probe found, racing them Happy Eyeballs
// style, and returns the first that connects. The connect phase is timed.
//
// When a proxy applies to the target (see Route), the connection goes
// through it instead: the TCP connection to the proxy is timed as the
// connect phase and the tunnel handshake as the proxy phase; what the proxy
// answered is noted in the probe's evidence (see noteTunnel), and a refusal
// is a *netenv.ProxyError, which Classify codes proxy_unreachable,
// proxy_auth_required, proxy_refused_connect or proxy_error.
func (r *ProbeRun) DialTarget(ctx context.Context) (net.Conn, error) {
	if r.direct {
		return r.dialDirect(ctx)
	}
	if r.shared.routeKnown == nil || r.shared.routeKnown() {
		if route := r.Route(); !route.Direct() || route.Err != nil {
			return r.dialRoute(ctx, route)
		}
		return r.dialDirect(ctx)
	}
	// The route waits for the machine's proxy settings (on Linux a
	// gsettings run, several ms): connect directly meanwhile, as the tcp
	// probe does anyway, and keep the connection if the route is direct.
	type dialed struct {
		c    net.Conn
		err  error
		took time.Duration
	}
	ch := make(chan dialed, 1)
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	t0 := r.Now()
	go func() {
		c, err := r.dialAddrs(dctx)
		ch <- dialed{c, err, r.Since(t0)}
	}()
	if route := r.Route(); !route.Direct() || route.Err != nil {
		cancel()
		if d := <-ch; d.c != nil {
			d.c.Close()
		}
		return r.dialRoute(ctx, route) // which says its own connect phase
	}
	// Said once the route is known, so a run through a proxy says its
	// connect phase once (dialRoute's), with when it started.
	r.shared.emit(Event{Kind: EventPhase, Probe: r.probe, Phase: PhaseConnect, Time: t0})
	d := <-ch
	r.Record(PhaseConnect, t0, d.took)
	return d.c, d.err
}

// dialDirect is DialTarget without a proxy.
func (r *ProbeRun) dialDirect(ctx context.Context) (net.Conn, error) {
	end := r.Begin(PhaseConnect)
	defer end()
	return r.dialAddrs(ctx)
}

// dialAddrs connects to the target's addresses, untimed.
func (r *ProbeRun) dialAddrs(ctx context.Context) (net.Conn, error) {
	addrs := r.Addrs()
	if len(addrs) == 0 {
		return r.Dial(ctx, "tcp", r.Target.HostPort())
	}
	return raceDial(ctx, r.Dial, addrs, r.Target.Port)
}

// raceDial dials addrs in order, starting the next one after fallbackDelay
// or as soon as the previous one fails, and returns the first connection.
// The losers are closed; nothing is left running when it returns.
func raceDial(ctx context.Context, dial DialFunc, addrs []netip.Addr, port int) (net.Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, len(addrs))
	started, finished := 0, 0
	var errs []error
	start := func() {
		a := net.JoinHostPort(addrs[started].String(), strconv.Itoa(port))
		started++
		go func() {
			c, err := dial(ctx, "tcp", a)
			if err != nil {
				err = fmt.Errorf("connect %s: %w", a, err)
			}
			ch <- res{c, err}
		}()
	}
	start()
	timer := time.NewTimer(fallbackDelay)
	defer timer.Stop()
	var winner net.Conn
	for finished < started {
		var next <-chan time.Time
		if started < len(addrs) && winner == nil {
			next = timer.C
		}
		select {
		case <-next:
			start()
			timer.Reset(fallbackDelay)
		case r := <-ch:
			finished++
			switch {
			case r.err != nil:
				errs = append(errs, r.err)
				if winner == nil && started < len(addrs) && finished == started {
					start()
					timer.Reset(fallbackDelay)
				}
			case winner == nil:
				winner = r.c
				cancel()
			default:
				r.c.Close()
			}
		}
	}
	if winner != nil {
		return winner, nil
	}
	return nil, errors.Join(errs...)
}

// RouteFor works out the route of a run with the machine's settings: the
// proxy Options.Proxy names, none, or what the system settings (and any
// PAC or WPAD they point to) say for the target.
func RouteFor(ctx context.Context, t Target, opts Options) netenv.Route {
	rv := &netenv.Resolver{}
	return rv.Route(ctx, opts.Proxy, t.Secure(), t.Host, t.Port, t.Path)
}

// dialRoute dials the target through the route's proxies in order, as
// browsers do: the next one is tried only when a proxy cannot be reached,
// never after it refused. A DIRECT entry dials directly.
//
// Evidence noted on the probe:
//   - "proxy": the proxy used (password hidden); "proxy_source" (env,
//     wininet, macos, gnome, kde, pac, wpad, option) and "proxy_origin"
//     (the variable, key or PAC address it came from);
//   - "proxy_status": the proxy's answer ("200 Connection established",
//     "407 Proxy Authentication Required", SOCKS "succeeded"...);
//     "proxy_authenticate" (the Proxy-Authenticate values, comma
//     separated), "proxy_via", "proxy_server", "proxy_body" (the start of
//     a refusal's body), "proxy_reason" (the proxy's name for a refusal,
//     squid's X-Squid-Error);
//   - "proxy_stage" (connect, tls, handshake) and "proxy_error" when the
//     tunnel failed;
//   - when the proxy asked for a sign-in: "proxy_auth_offered" (the
//     schemes it offered), "proxy_auth_scheme" (the one used),
//     "proxy_auth_identity" (credentials, windows), "proxy_auth_domain"
//     (the user's domain, never the user or password),
//     "proxy_auth_rounds" (requests sent) and "proxy_auth_result" (ok,
//     refused, no_credentials, unsupported, failed);
//   - "proxy_failover": proxies tried before, which could not be reached;
//   - "proxy_route_error": the settings asked for a proxy that could not
//     be worked out (a PAC file that failed); the fallback was used.
func (r *ProbeRun) dialRoute(ctx context.Context, route netenv.Route) (net.Conn, error) {
	if route.Err != nil {
		r.Note("proxy_route_error", route.Err.Error())
	}
	proxies := route.Proxies
	if len(proxies) == 0 {
		return r.dialDirect(ctx)
	}
	pd := &netenv.ProxyDialer{
		Dial:        r.Dial,
		Credentials: r.Options.ProxyCredentials,
		TLSConfig: func(host string) *tls.Config {
			c := r.TLS.Config(host, "http/1.1")
			c.Certificates = nil // the client certificate is for the target
			return c
		},
		Phase: func(name string) func() {
			if name == "connect" {
				return r.Begin(PhaseConnect)
			}
			return r.Begin(PhaseProxy)
		},
	}
	var failed []string
	var lastErr error
	for _, p := range proxies {
		if p == nil {
			r.Note(KeyProxy, "DIRECT")
			return r.dialDirect(ctx)
		}
		r.mu.Lock()
		r.viaProxy = true
		r.mu.Unlock()
		r.Note(KeyProxy, p.Redacted())
		r.Note(KeyProxySource, string(route.Source))
		if route.Origin != "" {
			r.Note(KeyProxyOrigin, route.Origin)
		}
		c, tun, err := pd.DialVia(ctx, p, r.Target.HostPort())
		r.noteTunnel(tun, err)
		if err == nil {
			return c, nil
		}
		lastErr = err
		var pe *netenv.ProxyError
		if !errors.As(err, &pe) || pe.Code != netenv.CodeProxyUnreachable || ctx.Err() != nil {
			break
		}
		failed = append(failed, p.Redacted())
		if len(failed) < len(proxies) {
			r.Note(KeyProxyFailover, strings.Join(failed, ", "))
		}
	}
	return nil, lastErr
}

// noteTunnel keeps what the proxy answered as the probe's evidence.
func (r *ProbeRun) noteTunnel(t netenv.Tunnel, err error) {
	status, via, server := t.Status, t.Via, t.Server
	auth := t.Auth
	var pe *netenv.ProxyError
	if errors.As(err, &pe) {
		status, via, server = pe.Status, pe.Via, pe.Server
		auth = pe.Auth
		r.Note("proxy_stage", pe.Stage)
		r.Note(KeyProxyError, err.Error())
		if len(pe.Authenticate) > 0 {
			r.Note(KeyProxyAuth, strings.Join(pe.Authenticate, ", "))
		}
		if pe.Body != "" {
			r.Note("proxy_body", pe.Body)
		}
		if pe.Reason != "" {
			r.Note(KeyProxyReason, pe.Reason)
		}
	}
	rounds := ""
	if auth.Rounds > 0 {
		rounds = strconv.Itoa(auth.Rounds)
	}
	for _, kv := range [][2]string{
		{KeyProxyStatus, status}, {"proxy_via", via}, {"proxy_server", server},
		{KeyProxyAuthOffered, strings.Join(auth.Offered, ", ")}, {KeyProxyAuthScheme, auth.Scheme},
		{KeyProxyAuthIdentity, auth.Identity}, {KeyProxyAuthDomain, auth.Domain},
		{KeyProxyAuthRounds, rounds}, {KeyProxyAuthResult, auth.Result},
	} {
		if kv[1] != "" {
			r.Note(kv[0], kv[1])
		}
	}
}
