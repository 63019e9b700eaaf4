package diagnose

// The rules that set the run in its context rather than name a broken
// step: a run cut short (check-incomplete), a network's own sign-in page
// answering in place of the service (captive-portal), the background of a
// configured proxy or an active VPN (proxy-configured, vpn-active), the
// person's browser beside the check (browser-differs), a web page's address
// where the app's live connection has another (websocket-address-needed),
// no explanation (cause-unknown), and the good news (websocket-ok, also
// for the self-test).

import (
	"net/netip"
	"strconv"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

func ruleIncomplete(f *facts, fd *found) {
	if !f.o.Cancelled && !f.o.DeadlineHit {
		return
	}
	r := raised{id: IDCheckIncomplete, sev: SeverityWarning, conf: Sure, fixer: FixerYou}
	if f.o.Cancelled {
		r.cases = []string{"cancelled"}
		r.refs = []EvidenceRef{{Probe: "run", Key: "cancelled", Value: "yes"}}
	} else {
		r.cases = []string{"deadline"}
		r.refs = []EvidenceRef{{Probe: "run", Key: "deadline_hit", Value: "yes"}}
	}
	if f.works {
		r.sev = SeverityInfo
	}
	fd.add(r)
}

// portalWords are words of network sign-in pages and of their addresses.
var portalWords = []string{
	"sign in", "sign-in", "signin", "log in", "login", "logon", "hotspot",
	"wifi", "wi-fi", "wlan", "guest", "captive", "portal", "terms of use",
	"accept the terms", "internet access", "welcome to",
}

// identityProviders are sign-in services a web app sends its users to:
// a redirect there is the service's own login, not the network's.
var identityProviders = []string{
	"login.microsoftonline.com", "accounts.google.com", "okta.com", "auth0.com",
	"onelogin.com", "pingidentity.com", "duosecurity.com", "login.live.com",
	"github.com", "gitlab.com", "amazoncognito.com", "keycloak",
}

// sameSite reports whether two hosts belong to the same site: equal, or
// names sharing their last two labels (chat.example.com and
// login.example.com).
func sameSite(a, b string) bool {
	a, b = strings.ToLower(strings.TrimSuffix(a, ".")), strings.ToLower(strings.TrimSuffix(b, "."))
	if a == b {
		return true
	}
	_, errA := netip.ParseAddr(a)
	_, errB := netip.ParseAddr(b)
	if errA == nil || errB == nil {
		return false
	}
	tail := func(h string) string {
		l := strings.Split(h, ".")
		if len(l) < 2 {
			return h
		}
		return strings.Join(l[len(l)-2:], ".")
	}
	return tail(a) == tail(b)
}

// signInPage reports whether a title or a page's start reads as a network
// sign-in page.
func signInPage(title, body string) bool {
	if containsAny(title, portalWords) != "" {
		return true
	}
	b := strings.ToLower(body)
	return strings.Contains(b, "<form") && (strings.Contains(b, "password") || containsAny(b, portalWords) != "")
}

func ruleCaptivePortal(f *facts, fd *found) {
	if f.works {
		return
	}
	r := raised{id: IDCaptivePortal, sev: SeverityProblem, fixer: FixerYou}
	strength := 0 // 1 possible, 2 likely, 3 sure
	bump := func(n int) { strength = max(strength, n) }

	// Plain requests sent on to another site. Over a certificate the
	// machine trusts for the host, a redirect is the service's own.
	if !f.viaProxy && !f.tlsVerifiedForHost() {
		var away []string
		signIn := false
		for _, p := range []struct{ probe, titleKey, bodyKey string }{{engine.ProbeUpgrade, "body_title", "body"}, {engine.ProbeHTTP, "title", ""}} {
			res, ok := f.get(p.probe)
			if !ok {
				continue
			}
			if h := f.redirectAway(res, "", "location"); h != "" {
				away = append(away, h)
				r.refs = append(r.refs, refs(res, engine.KeyStatus, engine.KeyLocation)...)
				if signInPage(res.Evidence.Value(p.titleKey), res.Evidence.Value(p.bodyKey)) || containsAny(res.Evidence.Value(engine.KeyLocation), portalWords) != "" {
					signIn = true
					if t := res.Evidence.Value(p.titleKey); t != "" {
						r.refs = append(r.refs, ref(res, p.titleKey))
					}
				}
			}
		}
		if len(away) > 0 {
			r.cases = append(r.cases, "redirect")
			bump(2)
			if len(away) == 2 && away[0] == away[1] {
				bump(2)
			}
			if signIn {
				r.cases = append(r.cases, "sign_in_page")
				bump(3)
			}
		}
	}

	// A certificate for another name, while plain HTTP to the same host
	// is sent on to another site (the tls probe looks when the name is
	// wrong), or a certificate whose names read as a sign-in page.
	if tls, ok := f.get(engine.ProbeTLS); ok && tls.Evidence.Value(engine.KeyHostnameMatch) == "no" && !f.viaProxy {
		plainAway := f.redirectAway(tls, "plain_http_status", "plain_http_location")
		sans := tls.Evidence.Value(engine.KeyCert0Sans)
		switch {
		case plainAway != "":
			r.cases = append(r.cases, "tls_name", "redirect")
			r.refs = append(r.refs, refs(tls, engine.KeyCert0Sans, engine.KeyPlainHTTPStatus, engine.KeyPlainHTTPLocation)...)
			bump(3)
			if signInPage(tls.Evidence.Value(engine.KeyPlainHTTPTitle), "") {
				r.cases = append(r.cases, "sign_in_page")
				r.refs = append(r.refs, ref(tls, engine.KeyPlainHTTPTitle))
			}
		case containsAny(sans, portalWords) != "":
			r.cases = append(r.cases, "tls_name")
			r.refs = append(r.refs, refs(tls, engine.KeyCert0Sans)...)
			bump(1)
		}
	}

	// The operating system's own look at the network.
	if f.in.Env.CaptivePortal {
		r.cases = append(r.cases, "os_says")
		r.refs = append(r.refs, envRef("captive_portal", "yes"))
		bump(3)
	}
	switch strength {
	case 0:
		return
	case 1:
		r.conf = Possible
	case 2:
		r.conf = Likely
	default:
		r.conf = Sure
	}
	r.cases = uniq(r.cases)
	fd.add(r)
}

// ProbeBrowser names the browser's answer in evidence references.
const ProbeBrowser = "browser"

// ruleBrowser sets the browser's answer beside the check's: a browser that
// fails where the check works points at the browser (its extensions, its
// own proxy settings, a web shield that watches browsers); a browser that
// works where the check fails took a way the check could not (a proxy
// sign-in, a proxy script, a certificate it trusts). When both agree, it
// confirms the check and adds no problem.
func ruleBrowser(f *facts, fd *found) {
	b := f.in.Browser
	if b == nil || f.o.Cancelled {
		return
	}
	r := raised{id: IDBrowserDiffers, conf: Sure, fixer: FixerYou, refs: browserRefs(*b)}
	switch {
	case f.works && b.Works():
		r.sev, r.cases, r.fixer = SeverityOK, []string{"both_work"}, ""
	case !f.works && !b.Works():
		r.sev, r.cases, r.fixer = SeverityInfo, []string{"both_fail"}, ""
	case f.works:
		// Only the browser fails.
		r.sev, r.conf, r.cases = SeverityWarning, Likely, []string{"browser_fails"}
		if b.Name() == "Firefox" {
			r.cases = append(r.cases, "firefox")
		}
		if len(b.Antivirus) > 0 {
			r.cases = append(r.cases, "antivirus")
			r.refs = append(r.refs, EvidenceRef{Probe: ProbeBrowser, Key: "antivirus", Value: clean(strings.Join(b.Antivirus, ", "))})
		}
		if f.secure && (f.o.Options.CAFile != "" || f.o.Options.Insecure) {
			// The check trusted what the browser may not.
			r.cases = append(r.cases, "check_trusts_more")
		}
		if f.o.Options.Headers.Get("Origin") != "" {
			// The service is reached with an Origin of its own: it may
			// refuse the test page's.
			r.cases = append(r.cases, "origin")
		}
	default:
		// Only the browser works: it took a way the check could not.
		r.sev, r.conf, r.cases = SeverityWarning, Likely, []string{"app_fails"}
		switch {
		case fd.has(IDProxyAuthRequired) || fd.has(IDProxySigninUnavailable):
			r.cases = append(r.cases, "proxy_sign_in")
		case fd.has(IDProxyUnreachable) || fd.has(IDProxyBlocksCONN):
			r.cases = append(r.cases, "own_proxy")
		}
		if s := f.in.Env.ProxySource; s == "pac" || s == "wpad" {
			r.cases = append(r.cases, "pac")
		}
		if fd.has(IDTLSCertInvalid) || fd.has(IDTLSIntercepted) {
			r.cases = append(r.cases, "certificate")
		}
	}
	fd.add(r)
}

// browserRefs are the browser's answer as evidence.
func browserRefs(b browser.Result) []EvidenceRef {
	yes := func(v bool) string {
		if v {
			return "yes"
		}
		return "no"
	}
	refs := []EvidenceRef{{Probe: ProbeBrowser, Key: "opened", Value: yes(b.Opened)}}
	if b.CloseCode != 0 {
		refs = append(refs, EvidenceRef{Probe: ProbeBrowser, Key: "close_code", Value: strconv.Itoa(b.CloseCode)})
	}
	if b.Error != "" {
		refs = append(refs, EvidenceRef{Probe: ProbeBrowser, Key: "error", Value: clean(b.Error)})
	}
	if b.UserAgent != "" {
		refs = append(refs, EvidenceRef{Probe: ProbeBrowser, Key: "user_agent", Value: clean(b.UserAgent)})
	}
	return refs
}

// browserName is the browser's name for sentences, or "" when unknown.
func browserName(b *browser.Result) string {
	if b == nil {
		return ""
	}
	return b.Name()
}

func ruleUnknown(f *facts, fd *found) {
	if f.works || fd.anyProblem() || fd.has(IDCheckIncomplete) {
		return
	}
	r := raised{id: IDCauseUnknown, sev: SeverityProblem, conf: Possible, fixer: FixerServiceAdmin}
	for _, res := range f.o.Results {
		if res.Status == engine.Fail {
			r.refs = append(r.refs, ref(res, "code"))
		}
	}
	fd.add(r)
}

// vpnRelated are failures a VPN can cause: it changes the route, the name
// servers and often adds its own filter.
var vpnRelated = []string{
	IDNoNetwork, IDDNSFailure, IDTCPBlocked, IDProxyStripsUpg, IDHandshakeTimeout,
	IDMessagesBlocked, IDConnectionDropped, IDTLSIntercepted, IDProxyBlocksCONN,
	IDProxyIdleTimeout, IDCauseUnknown,
}

func ruleContext(f *facts, fd *found) {
	env := f.in.Env
	if env.ProxyURL != "" {
		r := raised{id: IDProxyConfigured, sev: SeverityInfo, conf: Sure,
			refs: []EvidenceRef{envRef("proxy", f.vars["proxy"])}}
		if env.ProxySource != "" {
			r.refs = append(r.refs, envRef("proxy_source", env.ProxySource))
		}
		if env.ProxySource == "pac" || env.ProxySource == "wpad" {
			r.cases = []string{"pac"}
		}
		if si, ok := f.proxySignIn(); ok && si.result == "ok" {
			r.cases = append(r.cases, "signed_in")
			r.refs = append(r.refs, si.refs()...)
		}
		fd.add(r)
	}
	if env.VPNActive {
		r := raised{id: IDVPNActive, sev: SeverityInfo, conf: Possible, fixer: FixerYou,
			refs: []EvidenceRef{envRef("vpn_active", "yes")}}
		if env.VPNName != "" {
			r.refs = append(r.refs, envRef("vpn", env.VPNName))
		}
		// Traffic to this computer itself never goes through the VPN.
		for _, id := range vpnRelated {
			if x := fd.get(id); x != nil && x.sev.rank() >= SeverityWarning.rank() && !f.o.Target.IsLoopback() {
				r.sev, r.cases = SeverityWarning, []string{"with_failure"}
				break
			}
		}
		fd.add(r)
	}
}

func ruleOK(f *facts, fd *found) {
	if !f.works {
		return
	}
	if fd.has(IDH2WebSocketBroken) {
		return // browsers take another way, which fails: not "they work"
	}
	up, _ := f.get(engine.ProbeUpgrade)
	r := raised{id: IDWebSocketOK, sev: SeverityOK, conf: Sure, refs: refs(up, engine.KeyStatus)}
	if f.in.SelfTest {
		// Nothing crossed the network: say only what was proved.
		r.cases = []string{"self_test"}
	}
	if echo, ok := f.get(engine.ProbeEcho); ok {
		switch echo.Code {
		case engine.CodeOK, engine.CodeNoPong, engine.CodeSizeLimit:
			r.refs = append(r.refs, ref(echo, engine.KeyMessagesEchoed))
		default:
			return // the messages were not seen going both ways
		}
	}
	fd.add(r)
}

// rulePageAddress: a web page's address answered the upgrade with a page
// of its own. That says nothing against the service: its live connection
// has another address, which the check needs. What was seen on the way (a
// proxy that answered in the service's place) still stands.
func rulePageAddress(f *facts, fd *found) {
	if !f.o.Target.Page || f.works {
		return
	}
	// A guess that a hidden filter answered is no evidence against a page
	// that answers for itself; a proxy shown to answer (the same request
	// without it worked) is, and stays.
	guess := func(r *raised) bool {
		return r.id == IDServerNoWebSocket || r.id == IDCauseUnknown || (r.id == IDProxyStripsUpg && r.conf != Sure)
	}
	up, _ := f.get(engine.ProbeUpgrade)
	if httpStatus(up.Code) == 0 || fd.get(IDProxyStripsUpg) != nil && fd.get(IDProxyStripsUpg).conf == Sure {
		return
	}
	found := false
	for _, r := range fd.list {
		found = found || guess(r)
	}
	if !found {
		return
	}
	kept := fd.list[:0]
	for _, r := range fd.list {
		if !guess(r) {
			kept = append(kept, r)
		}
	}
	fd.list = kept
	fd.add(raised{id: IDAddressNeeded, sev: SeverityWarning, conf: Likely, fixer: FixerYou, refs: refs(up, engine.KeyStatus)})
}
