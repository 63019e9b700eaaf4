package diagnose

// The rules of the proxy: its own answers to the tunnel request (a sign-in
// it wants, proxy-auth-required; a refusal or block page,
// proxy-blocks-connect; no answer, proxy-unreachable), a page it answers
// with inside a tunnel it opened, how signing in to it went (NTLM,
// Negotiate, Kerberos), and Firefox's own proxy settings
// (firefox-own-proxy).

import (
	"strconv"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// proxyStatusOf is the HTTP status of the proxy's answer in r, or 0.
func proxyStatusOf(r engine.Result) int {
	if s := r.Evidence.Value(engine.KeyProxyStatus); s != "" {
		// "407 Proxy Authentication Required": the number leads.
		code, _, _ := strings.Cut(strings.TrimSpace(s), " ")
		n, _ := strconv.Atoi(code)
		return n
	}
	if r.Probe == engine.ProbeProxy || httpStatus(r.Code) == 407 {
		return httpStatus(r.Code)
	}
	return 0
}

func ruleProxy(f *facts, fd *found) {
	_, gone := f.proxyGoneAt()
	for _, r := range f.proxyAnswers() {
		st := proxyStatusOf(r)
		switch {
		case gone && r.Status == engine.Fail && unreachableProxy(r):
			// It opened a tunnel earlier in this run: the setting is
			// right, the proxy went away (refused, silent, or cut before
			// answering).
			fd.add(raised{id: IDProxyUnreachable, sev: f.problemSev(), conf: Sure, fixer: FixerNetworkAdmin,
				cases: []string{"went_away"}, refs: append(refs(r, engine.KeyProxy, engine.KeyFailedAt, "code"), proxyReachedRefs(f)...)})
		case st == 407:
			x := raised{id: IDProxyAuthRequired, sev: f.problemSev(), conf: Sure, fixer: FixerYou,
				refs: refs(r, engine.KeyProxyStatus, engine.KeyProxyAuth)}
			if f.vars["auth_schemes"] != "" {
				x.cases = []string{"schemes"}
			}
			if si, ok := f.proxySignIn(); ok {
				if c := si.authRequiredCases(); c != nil {
					x.cases = c
					x.refs = append(x.refs, si.refs()...)
				}
				switch si.unavailable() {
				case "signin_failed":
					// No sign-in could be made: the proxy never judged one.
					x.id, x.cases = IDProxySigninUnavailable, nil
				case "signin_needed":
					x.id, x.cases = IDProxySigninUnavailable, []string{"signin_needed"}
				}
			}
			fd.add(x)
		case cannotReach(r, st):
			x := raised{id: IDProxyCannotReach, sev: f.problemSev(), conf: Likely, fixer: FixerNetworkAdmin,
				refs: refs(r, engine.KeyProxyStatus, engine.KeyProxyReason, "proxy_server")}
			if c := cannotReachCase(r, st); c != "" {
				x.cases = []string{c}
			}
			fd.add(x)
		case st >= 300 || (st != 0 && st < 200):
			x := raised{id: IDProxyBlocksCONN, sev: f.problemSev(), conf: Sure, fixer: FixerNetworkAdmin,
				refs: refs(r, engine.KeyProxyStatus, engine.KeyTitle, engine.KeyVia, "proxy_agent", engine.KeyServer)}
			if r.Evidence.Value(engine.KeyTitle) != "" {
				x.cases = []string{"block_page"}
			}
			fd.add(x)
		case st == 0 && r.Status == engine.Fail && (r.Probe == engine.ProbeProxy || r.Evidence.Value(engine.KeyFailedAt) == "proxy" || r.Code == engine.CodeProxyUnreachable):
			x := raised{id: IDProxyUnreachable, sev: f.problemSev(), conf: Sure, fixer: FixerYou,
				refs: refs(r, engine.KeyProxy, engine.KeyFailedAt)}
			switch r.Code {
			case engine.CodeRefused:
				x.cases = []string{"refused"}
			case engine.CodeTimeout:
				x.cases = []string{"timeout"}
			case engine.CodeNXDomain, engine.CodeDNSError:
				x.cases = []string{"nxdomain"}
			case engine.CodeCancelled, "deadline":
				continue
			}
			fd.add(x)
		}
	}
}

// proxyReachedRefs point at the proxy's answers that opened a tunnel in
// this run, before it went away.
func proxyReachedRefs(f *facts) []EvidenceRef {
	var out []EvidenceRef
	for _, r := range f.proxyAnswers() {
		if st := proxyStatusOf(r); st >= 200 && st < 300 {
			out = append(out, refs(r, engine.KeyProxyStatus)...)
		}
	}
	return out
}

// ruleTunnelPage blames the proxy for an answer that came into a tunnel it
// had opened (CONNECT 200) in place of the service's TLS handshake or 101:
// its own page, most often a block page.
func ruleTunnelPage(f *facts, fd *found) {
	for _, name := range []string{engine.ProbeUpgrade, engine.ProbeHTTP, engine.ProbeTLS} {
		r, ok := f.get(name)
		if !ok {
			continue
		}
		if _, ok := r.Evidence.Get(engine.KeyTunnelAnswer); !ok {
			continue
		}
		if st := proxyStatusOf(r); st != 0 && (st < 200 || st >= 300) {
			continue // a refusal: ruleProxy's
		}
		x := raised{id: IDProxyBlocksCONN, sev: SeverityProblem, conf: Likely, fixer: FixerNetworkAdmin,
			cases: []string{"in_tunnel"}, refs: refs(r, engine.KeyProxyStatus, "proxy_server", engine.KeyTunnelTitle, "tunnel_server", "tunnel_answer_bytes")}
		title := r.Evidence.Value(engine.KeyTunnelTitle)
		if containsAny(title, blockPageWords) != "" || containsAny(title, clientBoxProducts) != "" || (f.in.Direct != nil && f.in.Direct.Works()) {
			x.conf = Sure
		}
		if f.in.Direct != nil && f.in.Direct.Works() {
			if du, ok := f.in.Direct.Result(engine.ProbeUpgrade); ok {
				x.refs = append(x.refs, otherRef("direct", du, "code"))
			}
		}
		fd.add(x)
		return
	}
}

// cannotReach reports whether a proxy's refusal r (status st) says the
// proxy could not reach the service itself, rather than that a rule of
// the network forbids it: a gateway error (502, 503, 504) or a name for
// the failure (squid's X-Squid-Error), unless that name is an access
// rule. Squid's own error pages are titled "could not be retrieved"
// either way, so the status and the name decide, not the page.
func cannotReach(r engine.Result, st int) bool {
	switch reason := r.Evidence.Value(engine.KeyProxyReason); {
	case strings.Contains(reason, "ACCESS") || strings.Contains(reason, "DENIED") || strings.Contains(reason, "FORBIDDEN"):
		return false
	case st == 502 || st == 503 || st == 504:
		return true
	case st == 500:
		return reason != ""
	}
	return false
}

// cannotReachCase says why the proxy could not reach the service, when
// it says: the name (ERR_DNS_FAIL), nothing listening (ERR_CONNECT_FAIL),
// or no answer in time (504, ERR_*TIMEOUT).
func cannotReachCase(r engine.Result, st int) string {
	reason := r.Evidence.Value(engine.KeyProxyReason)
	switch {
	case strings.Contains(reason, "DNS"):
		return "dns"
	case strings.Contains(reason, "TIMEOUT") || st == 504:
		return "timeout"
	case reason == "ERR_CONNECT_FAIL":
		return "refused"
	}
	return ""
}

// signIn is how signing in to the proxy went, from the first answer that
// says.
type signIn struct {
	r                                         engine.Result
	offered, scheme, identity, domain, result string
}

// windowsScheme reports whether a scheme list names a Windows sign-in
// (NTLM, Negotiate, Kerberos).
func windowsScheme(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "ntlm") || strings.Contains(l, "negotiate") || strings.Contains(l, "kerberos")
}

// The sign-in results of netenv.AuthInfo that the words tell apart.
const (
	authNoCredentials = "no_credentials" // netenv.AuthNoCredentials
	authFailed        = "failed"         // netenv.AuthFailed
)

// authRequiredCases are proxy-auth-required's words for a proxy that
// wants a Windows sign-in: not made (SSPI or the Kerberos ticket cache
// failed: the proxy never saw one, so it refused nobody), refused as the
// signed-in user (SSPI, or a Kerberos ticket outside Windows), refused
// with the credentials given, or not tried for want of an account. A
// proxy that wants only Basic keeps the finding's own words.
func (s signIn) authRequiredCases() []string {
	switch {
	case !windowsScheme(s.scheme) && !(s.scheme == "" && windowsScheme(s.offered)):
		return nil
	case s.unavailable() != "":
		return nil // proxy-signin-unavailable's
	case s.identity == "windows" && s.result != authNoCredentials:
		return []string{"windows_refused"}
	case s.identity == "ticket" && s.result != authNoCredentials:
		return []string{"ticket_refused"}
	case s.identity == "credentials" && s.result != authNoCredentials:
		return []string{"credentials_refused"}
	}
	return nil
}

// unavailable says whether no Windows sign-in could be made at all:
// "signin_failed" (SSPI or Kerberos failed on this computer),
// "signin_needed" (no account to give), or "" (a sign-in was made, or the
// proxy wants no Windows sign-in). Both are proxy-signin-unavailable.
func (s signIn) unavailable() string {
	switch {
	case !windowsScheme(s.scheme) && !(s.scheme == "" && windowsScheme(s.offered)):
		return ""
	case s.result == authFailed && s.identity != "credentials":
		return "signin_failed"
	case s.result == authNoCredentials:
		return "signin_needed"
	}
	return ""
}

// signInRefs are the sign-in's evidence for a finding.
func (s signIn) refs() []EvidenceRef {
	return refs(s.r, engine.KeyProxyAuthOffered, engine.KeyProxyAuthScheme, engine.KeyProxyAuthIdentity, engine.KeyProxyAuthDomain, engine.KeyProxyAuthRounds, engine.KeyProxyAuthResult, engine.KeyProxyError)[1:]
}

// Evidence of Firefox's own proxy settings (see engine.ProxyProbe).
const (
	KeyFirefoxProxy   = "firefox_proxy"
	KeyFirefoxDiffers = "firefox_differs"
)

// ruleFirefox: Firefox would take another way than the check did, so
// support knows a result in Firefox may differ.
func ruleFirefox(f *facts, fd *found) {
	p, ok := f.get(engine.ProbeProxy)
	if !ok || p.Evidence.Value(KeyFirefoxDiffers) == "" {
		return
	}
	fd.add(raised{id: IDFirefoxOwnProxy, sev: SeverityInfo, conf: Sure, fixer: FixerYou,
		refs: refs(p, KeyFirefoxProxy, KeyFirefoxDiffers)[1:]})
}
