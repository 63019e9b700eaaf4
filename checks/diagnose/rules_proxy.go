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
	for _, r := range f.proxyAnswers() {
		st := proxyStatusOf(r)
		switch {
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

// signInCases are proxy-auth-required's words for a proxy that wants a
// Windows sign-in: refused as the signed-in user (SSPI, or a Kerberos
// ticket outside Windows), refused with the
// credentials given, or not tried for want of an account. A proxy that
// wants only Basic keeps the finding's own words.
func (s signIn) authRequiredCases() []string {
	switch {
	case !windowsScheme(s.scheme) && !(s.scheme == "" && windowsScheme(s.offered)):
		return nil
	case s.identity == "windows" && s.result != "no_credentials":
		return []string{"windows_refused"}
	case s.identity == "ticket" && s.result != "no_credentials":
		return []string{"ticket_refused"}
	case s.identity == "credentials" && s.result != "no_credentials":
		return []string{"credentials_refused"}
	case s.result == "no_credentials":
		return []string{"signin_needed"}
	}
	return nil
}

// signInRefs are the sign-in's evidence for a finding.
func (s signIn) refs() []EvidenceRef {
	return refs(s.r, engine.KeyProxyAuthOffered, engine.KeyProxyAuthScheme, engine.KeyProxyAuthIdentity, engine.KeyProxyAuthDomain, engine.KeyProxyAuthRounds, engine.KeyProxyAuthResult)[1:]
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
