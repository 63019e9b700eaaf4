package diagnose

import (
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// signIn is how signing in to the proxy went, from the first answer that
// says.
type signIn struct {
	r                                         engine.Result
	offered, scheme, identity, domain, result string
}

// proxySignIn is the sign-in the proxy asked for, if it asked.
func (f *facts) proxySignIn() (signIn, bool) {
	for _, r := range f.proxyAnswers() {
		if v := r.Evidence.Value(engine.KeyProxyAuthResult); v != "" {
			return signIn{r: r, result: v,
				offered:  r.Evidence.Value(engine.KeyProxyAuthOffered),
				scheme:   r.Evidence.Value(engine.KeyProxyAuthScheme),
				identity: r.Evidence.Value(engine.KeyProxyAuthIdentity),
				domain:   r.Evidence.Value(engine.KeyProxyAuthDomain)}, true
		}
	}
	return signIn{}, false
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
