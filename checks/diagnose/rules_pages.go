package diagnose

import (
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// The rules of this file tell apart pages that answer in place of the
// service, so that the service is not blamed for them: a network's sign-in
// page (captive-portal), a gateway that wants a client certificate
// (client-cert-required), and a proxy that opens the tunnel and then
// answers itself (proxy-blocks-connect, in_tunnel).

// The findings of pages in place of the service.
const (
	// IDCaptivePortal: a network sign-in page (hotel, guest Wi-Fi)
	// answers in place of the service.
	IDCaptivePortal = "captive-portal"
	// IDClientCertRequired: the service wants a TLS client certificate
	// and none it accepts was offered.
	IDClientCertRequired = "client-cert-required"
)

// The cases of those findings, and of proxy-blocks-connect's page inside
// its tunnel, added to Cases here.
func init() {
	Cases[IDCaptivePortal] = []string{"redirect", "sign_in_page", "tls_name", "os_says"}
	Cases[IDClientCertRequired] = []string{"none_given", "not_accepted", "refused", "cas"}
	Cases[IDProxyBlocksCONN] = append(Cases[IDProxyBlocksCONN], "in_tunnel")
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

// redirectAway is the host a 30x answer of r sends the request on to, when
// it is another site than the target's.
func (f *facts) redirectAway(r engine.Result, statusKey, locKey string) string {
	st := httpStatus(r.Code)
	if statusKey != "" {
		st = httpStatus("status_" + r.Evidence.Value(statusKey))
	}
	if st < 300 || st >= 400 {
		return ""
	}
	u, err := url.Parse(r.Evidence.Value(locKey))
	if err != nil || u.Hostname() == "" {
		return "" // a relative Location stays on the same host
	}
	h := u.Hostname()
	if sameSite(h, f.o.Target.Host) || containsAny(h, identityProviders) != "" {
		return ""
	}
	return h
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

// tlsVerifiedForHost reports whether the tls probe saw a certificate for
// the target that this machine trusts: then whatever answered over it is
// the service (or what the service put in front), never a network's page.
func (f *facts) tlsVerifiedForHost() bool {
	tls, ok := f.get(engine.ProbeTLS)
	return ok && tls.Status != engine.Skip && tls.Evidence.Value(engine.KeyHostnameMatch) == "yes" && tls.Evidence.Value(engine.KeyVerifiedOS) == "yes"
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

// clientCertTitles are words of the pages gateways answer with when a
// client certificate is missing or not accepted (nginx: "400 No required
// SSL certificate was sent", "400 The SSL certificate error").
var clientCertTitles = []string{"ssl certificate", "client certificate", "certificate required", "no required ssl"}

// certAlerts are TLS alerts that refuse a client certificate, or its lack.
var certAlerts = []string{"certificate_required", "bad_certificate", "unknown_ca", "certificate_unknown", "access_denied", "handshake_failure"}

func ruleClientCert(f *facts, fd *found) {
	if f.works {
		return
	}
	tls, _ := f.get(engine.ProbeTLS)
	up, _ := f.get(engine.ProbeUpgrade)
	pick := func(key string) string {
		for _, r := range []engine.Result{up, tls} {
			if v := r.Evidence.Value(key); v != "" {
				return v
			}
		}
		return ""
	}
	requested := tls.Evidence.Value(engine.KeyClientCertRequested) == "yes" || up.Evidence.Value(engine.KeyClientCertRequested) == "yes"
	given, offered := pick("client_cert_given") == "yes", pick("client_cert_offered") == "yes"
	alert := pick("tls_alert")
	st := httpStatus(up.Code)
	title := up.Evidence.Value(engine.KeyBodyTitle) + " " + up.Evidence.Value(engine.KeyBody)

	var conf Confidence
	var why []EvidenceRef
	switch {
	case tls.Code == engine.CodeClientCertRequired || alert == "certificate_required":
		conf, why = Sure, refs(tls, engine.KeyTLSAlert, engine.KeyClientCertRequested)
		if tls.Code != engine.CodeClientCertRequired {
			why = refs(up, engine.KeyTLSAlert)
		}
	case requested && slices.Contains(certAlerts, alert):
		conf, why = Sure, append(refs(tls, engine.KeyClientCertRequested), ref(up, engine.KeyTLSAlert))
	case st == 400 && containsAny(title, clientCertTitles) != "":
		conf, why = Sure, refs(up, engine.KeyStatus, engine.KeyBodyTitle, engine.KeyServer)
	case requested && !offered && (st == 400 || st == 403 || st == 495 || st == 496 || (st == 401 && up.Evidence.Value(engine.KeyWWWAuthenticate) == "")):
		conf, why = Sure, append(refs(up, engine.KeyStatus, engine.KeyClientCertRequested, engine.KeyClientCertOffered), ref(tls, engine.KeyClientCertRequested))
	case requested && offered && st == 403:
		// Right after the certificate was asked for and shown: about it,
		// surely when nothing but the service can have answered.
		conf, why = Likely, refs(up, engine.KeyStatus, engine.KeyClientCertRequested, engine.KeyClientCertOffered)
		if f.endToEnd() {
			conf = Sure
		}
	default:
		return
	}
	r := raised{id: IDClientCertRequired, sev: SeverityProblem, conf: conf, fixer: FixerYou, refs: why}
	switch {
	case pick("client_cert_not_accepted") == "yes":
		r.cases = append(r.cases, "not_accepted")
	case given && offered:
		r.cases = append(r.cases, "refused")
	case !given:
		r.cases = append(r.cases, "none_given")
	}
	if pick("client_cert_cas") != "" {
		r.cases = append(r.cases, "cas")
		r.refs = append(r.refs, EvidenceRef{Probe: engine.ProbeTLS, Key: "client_cert_cas", Value: pick("client_cert_cas")})
	}
	fd.add(r)
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

// pageExplains reports whether a page in place of the service (a network
// sign-in page, for sure, a gateway asking for a client certificate, or
// the proxy's own page inside its tunnel)
// explains the upgrade's answer, so that the service is not blamed.
func (f *facts) pageExplains(fd *found) bool {
	if p := fd.get(IDCaptivePortal); p != nil && p.conf == Sure {
		return true
	}
	if p := fd.get(IDProxyBlocksCONN); p != nil && slices.Contains(p.cases, "in_tunnel") {
		return true
	}
	// A 403 after a certificate was offered may be the service's own
	// refusal too: both are then said.
	p := fd.get(IDClientCertRequired)
	return p != nil && p.conf == Sure
}

// pagePlaceholders sets {portal}, {page_title} and {client_cas}.
func (f *facts) pagePlaceholders(set func(k, v string)) {
	for _, k := range [][2]string{{engine.ProbeUpgrade, "tunnel_title"}, {engine.ProbeUpgrade, "body_title"}, {engine.ProbeHTTP, "title"}, {engine.ProbeTLS, "plain_http_title"}} {
		if t := f.ev(k[0], k[1]); t != "" {
			set("page_title", t)
			break
		}
	}
	portal := false
	for _, p := range []struct{ probe, st, loc string }{{engine.ProbeUpgrade, "", "location"}, {engine.ProbeHTTP, "", "location"}, {engine.ProbeTLS, "plain_http_status", "plain_http_location"}} {
		if h := f.redirectAway(f.res[p.probe], p.st, p.loc); h != "" {
			set("portal", h)
			portal = true
			break
		}
	}
	if !portal && f.ev(engine.ProbeTLS, engine.KeyHostnameMatch) == "no" {
		if sans := f.ev(engine.ProbeTLS, engine.KeyCert0Sans); sans != "" {
			name, _, _ := strings.Cut(sans, ",")
			_, name, _ = strings.Cut(name, ":")
			set("portal", name)
		}
	}
	for _, p := range []string{engine.ProbeUpgrade, engine.ProbeTLS} {
		if c := f.ev(p, engine.KeyClientCertCAS); c != "" {
			set("client_cas", c)
			break
		}
	}
}

func uniq(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// portalCert reports whether the certificate the tls probe saw is a
// network sign-in page's, for sure: the service's certificate was then
// never seen, and cannot be blamed.
func (f *facts) portalCert(fd *found) bool {
	p := fd.get(IDCaptivePortal)
	return p != nil && p.conf == Sure && slices.Contains(p.cases, "tls_name")
}
