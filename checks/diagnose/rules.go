package diagnose

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// The finding IDs. They are a contract: reports list them as
// findings[].id, and support teams and scripts match on them, so an ID
// never changes meaning; new ones may be added.
const (
	IDWebSocketOK       = "websocket-ok"
	IDNoNetwork         = "no-network"
	IDDNSFailure        = "dns-failure"
	IDTCPBlocked        = "tcp-blocked"
	IDPlainWSBlocked    = "plain-ws-blocked"
	IDProxyStripsUpg    = "proxy-strips-upgrade"
	IDProxyBlocksCONN   = "proxy-blocks-connect"
	IDProxyAuthRequired = "proxy-auth-required"
	IDProxyUnreachable  = "proxy-unreachable"
	IDProxyIdleTimeout  = "proxy-idle-timeout"
	IDHandshakeTimeout  = "handshake-timeout"
	IDTLSIntercepted    = "tls-intercepted"
	IDTLSCertInvalid    = "tls-cert-invalid"
	IDTLSVersion        = "tls-version-unsupported"
	IDServerNoWebSocket = "server-no-websocket"
	IDMessagesBlocked   = "messages-blocked"
	IDVPNActive         = "vpn-active"
	IDProxyConfigured   = "proxy-configured"
	IDConnectionDropped = "connection-dropped"
	// IDServerRefused: the service itself said no to the upgrade (401, 403):
	// it wants a login or does not accept this client.
	IDServerRefused = "server-refused"
	// IDCauseUnknown: WebSockets fail and no rule explains why.
	IDCauseUnknown = "cause-unknown"
	// IDCheckIncomplete: the run was stopped before it finished.
	IDCheckIncomplete = "check-incomplete"
	// IDAddressNeeded: a web page's address was checked; its host was
	// reached, but the app's live connection has an address of its own.
	IDAddressNeeded = "websocket-address-needed"
	// IDFirefoxOwnProxy: Firefox has proxy settings of its own, which take
	// another way to the service than the check took (info).
	IDFirefoxOwnProxy = "firefox-own-proxy"
)

// IDs lists every finding ID in the order of the connection's path (the
// network, name lookup, proxy, connection, encryption, WebSocket,
// messages, idle), which breaks ties between equally ranked findings: the
// earlier step explains the later ones.
var IDs = []string{
	IDCheckIncomplete,
	IDNoNetwork,
	IDCaptivePortal, // the network's own page: nothing past it was tested
	IDDNSFailure,
	IDProxyUnreachable,
	IDProxyAuthRequired,
	IDProxyBlocksCONN,
	IDPlainWSBlocked, // before the blocked port it explains: "use https" is the way out
	IDTCPBlocked,
	IDTLSVersion,
	IDTLSIntercepted,
	IDTLSCertInvalid,
	IDClientCertRequired,
	IDProxyStripsUpg,
	IDServerRefused,
	IDServerNoWebSocket,
	IDAddressNeeded,
	IDHandshakeTimeout,
	IDMessagesBlocked,
	IDConnectionDropped,
	IDProxyIdleTimeout,
	IDVPNActive,
	IDProxyConfigured,
	IDFirefoxOwnProxy,
	IDCauseUnknown,
	IDWebSocketOK,
	IDBrowserDiffers, // the browser's answer beside the check's, after it
}

// Cases are the variants of a finding's text a rule can ask for; the
// catalogue must have every one (checked when it is loaded).
var Cases = map[string][]string{
	IDNoNetwork:         {"no_route", "unreachable", "no_answer"},
	IDDNSFailure:        {"nxdomain", "no_answer", "proxy_may_resolve"},
	IDProxyUnreachable:  {"refused", "timeout", "nxdomain"},
	IDProxyAuthRequired: {"schemes", "signin_needed", "windows_refused", "ticket_refused", "credentials_refused"},
	IDProxyBlocksCONN:   {"block_page"},
	IDTCPBlocked:        {"refused", "timeout", "reset", "unreachable", "partial", "other_port_ok", "during_tls", "vpn", "vpn_unknown", "local_not_listening"},
	IDPlainWSBlocked:    {"target_plain", "target_secure"},
	IDTLSVersion:        {"middle_box"},
	IDTLSIntercepted:    {"product", "company_ca", "internal", "not_trusted", "differs_direct", "unexpected_issuer", "public_issuer"},
	IDTLSCertInvalid:    {"cert_expired", "cert_not_yet_valid", "cert_hostname", "cert_self_signed", "cert_unknown_authority", "cert_invalid", "insecure"},
	IDProxyStripsUpg:    {"direct_works", "same_as_get", "closed", "plain", "hidden"},
	IDServerRefused:     {"login", "forbidden"},
	IDServerNoWebSocket: {"iis", "redirect", "not_found", "reverse_proxy", "server_error", "bad_accept", "same_as_get", "closed", "end_to_end", "direct_same",
		"closed_all", "not_http", "headers_too_large", "tls_port", "plain_port"}, // the last five: ruleHostile
	IDHandshakeTimeout:  {"slow", "via_proxy", "no_proxy"},
	IDMessagesBlocked:   {"mangled", "no_echo", "partial", "no_pong", "closed", "close_frame", "plain", "end_to_end", "invalid_utf8", "too_large"},
	IDConnectionDropped: {"reset", "no_frame"},
	IDProxyIdleTimeout:  {"close_frame", "fin", "reset", "silent", "pings_help", "pings_no_help", "via_proxy"},
	IDVPNActive:         {"with_failure"},
	IDProxyConfigured:   {"pac", "signed_in"},
	IDFirefoxOwnProxy:   {},
	IDCauseUnknown:      {},
	IDCheckIncomplete:   {"cancelled", "deadline"},
	IDWebSocketOK:       {"self_test"},
	IDAddressNeeded:     {},
	IDBrowserDiffers:    browserCases,
}

// raised is a finding decided by the rules, before it has words.
type raised struct {
	id    string
	sev   Severity
	conf  Confidence
	fixer Fixer
	cases []string
	refs  []EvidenceRef
}

// found collects raised findings, one per ID: a finding raised twice keeps
// the higher severity and confidence and the evidence of both.
type found struct {
	list []*raised
}

func (fd *found) add(r raised) *raised {
	for _, old := range fd.list {
		if old.id != r.id {
			continue
		}
		if r.sev.rank() > old.sev.rank() {
			old.sev = r.sev
		}
		if r.conf.rank() > old.conf.rank() {
			old.conf = r.conf
		}
		if old.fixer == "" {
			old.fixer = r.fixer
		}
		for _, c := range r.cases {
			if !slices.Contains(old.cases, c) {
				old.cases = append(old.cases, c)
			}
		}
		for _, e := range r.refs {
			if !slices.Contains(old.refs, e) {
				old.refs = append(old.refs, e)
			}
		}
		return old
	}
	fd.list = append(fd.list, &r)
	return fd.list[len(fd.list)-1]
}

func (fd *found) has(id string) bool { return fd.get(id) != nil }

func (fd *found) get(id string) *raised {
	for _, r := range fd.list {
		if r.id == id {
			return r
		}
	}
	return nil
}

// anyProblem reports whether a problem was found.
func (fd *found) anyProblem() bool {
	for _, r := range fd.list {
		if r.sev == SeverityProblem {
			return true
		}
	}
	return false
}

// rules run in this order: later ones read what earlier ones found.
var rules = []func(*facts, *found){
	ruleIncomplete,
	ruleNetwork,
	ruleDNS,
	ruleProxy,
	ruleTunnelPage,
	ruleTCP,
	ruleCaptivePortal,
	ruleClientCert,
	ruleTLS,
	ruleSchemes,
	ruleUpgrade,
	ruleEcho,
	ruleHostile,
	ruleIdle,
	ruleUnknown,
	ruleContext,
	ruleFirefox,
	ruleBrowser,
	ruleOK,
	rulePageAddress,
}

// applyRules decides the findings of a run.
func applyRules(f *facts) []raised {
	var fd found
	for _, rule := range rules {
		rule(f, &fd)
	}
	out := make([]raised, 0, len(fd.list))
	for _, r := range fd.list {
		// A WebSocket that works cannot have a problem, only warnings.
		if f.works && r.sev == SeverityProblem {
			r.sev = SeverityWarning
		}
		out = append(out, *r)
	}
	return out
}

// rank orders findings: severity, then confidence, then the path order of
// IDs.
func rank(rs []raised) []raised {
	idx := map[string]int{}
	for i, id := range IDs {
		idx[id] = i
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.sev.rank() != b.sev.rank() {
			return a.sev.rank() > b.sev.rank()
		}
		if a.conf.rank() != b.conf.rank() {
			return a.conf.rank() > b.conf.rank()
		}
		return idx[a.id] < idx[b.id]
	})
	return rs
}

// problemSev is a problem, or a warning when the WebSocket works anyway.
func (f *facts) problemSev() Severity {
	if f.works {
		return SeverityWarning
	}
	return SeverityProblem
}

// endToEnd reports whether the encrypted connection ends at the service
// itself: wss, no proxy, and a certificate for the host that a public root
// (or the user's own CA file) vouches for. Nothing on the user's network can
// then read or answer the WebSocket request, so whatever answered it is on
// the service's side.
func (f *facts) endToEnd() bool {
	tls, ok := f.get(engine.ProbeTLS)
	if !f.secure || f.viaProxy || !ok || tls.Status != engine.Pass {
		return false
	}
	tb := tls.Evidence.Value(engine.KeyTrustedBy)
	return (tb == engine.TrustedPublic || tb == engine.TrustedCAFile) && interceptor(tls) == ""
}

// secureWorksInstead reports whether the run is ws:// and the same host
// works over wss://: the service does WebSockets, so a ws:// refusal more
// likely comes from a filter that reads unencrypted traffic.
func (f *facts) secureWorksInstead() bool {
	o := f.in.Other
	return !f.secure && o != nil && o.Target.Scheme == "wss" && o.Target.Host == f.o.Target.Host && o.Works()
}

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

// proxyTunnelOK reports whether a proxy in the path was reached.
func (f *facts) proxyTunnelOK() bool {
	p, ok := f.get(engine.ProbeProxy)
	return ok && p.OK()
}

func ruleNetwork(f *facts, fd *found) {
	if f.works || f.proxyTunnelOK() {
		return
	}
	// No default route cuts the computer off from the internet; a target
	// on a local network may still be reachable without one, and a name
	// server that answered "no such name" was reached.
	nxdomain := false
	if dns, ok := f.get(engine.ProbeDNS); ok {
		nxdomain = dns.Code == engine.CodeNXDomain
	}
	if f.in.Env.NoRoute && !internalHost(f.o.Target.Host) && !nxdomain {
		fd.add(raised{id: IDNoNetwork, sev: SeverityProblem, conf: Sure, fixer: FixerYou,
			cases: []string{"no_route"}, refs: []EvidenceRef{envRef("no_route", "yes")}})
		return
	}
	httpOK := false
	if h, ok := f.get(engine.ProbeHTTP); ok {
		httpOK = h.OK()
	}
	if httpOK {
		return
	}
	if tcp, ok := f.get(engine.ProbeTCP); ok && tcp.Status == engine.Fail && tcp.Code == engine.CodeUnreachable {
		fd.add(raised{id: IDNoNetwork, sev: SeverityProblem, conf: Likely, fixer: FixerYou,
			cases: []string{"unreachable"}, refs: refs(tcp, engine.KeyConnectIPV6, engine.KeyConnectIPV4)})
	}
	// Behind a proxy, the proxy looks names up: a local lookup failure says
	// nothing about the connection.
	if dns, ok := f.get(engine.ProbeDNS); ok && !f.viaProxy && dns.Status == engine.Fail && (dns.Code == engine.CodeTimeout || dns.Code == engine.CodeDNSError) {
		fd.add(raised{id: IDNoNetwork, sev: SeverityProblem, conf: Possible, fixer: FixerYou,
			cases: []string{"no_answer"}, refs: refs(dns, engine.KeyAError, engine.KeyAaaaError)})
	}
}

func ruleDNS(f *facts, fd *found) {
	dns, ok := f.get(engine.ProbeDNS)
	if !ok || dns.Status != engine.Fail {
		return
	}
	r := raised{id: IDDNSFailure, sev: f.problemSev(), conf: Sure, fixer: FixerNetworkAdmin,
		refs: refs(dns, engine.KeyAError, engine.KeyAaaaError)}
	switch dns.Code {
	case engine.CodeNXDomain:
		r.cases = []string{"nxdomain"}
		r.fixer = FixerYou
	case engine.CodeCancelled, "deadline":
		return
	default:
		r.cases = []string{"no_answer"}
		if fd.has(IDNoNetwork) {
			r.conf = Likely
		}
	}
	if f.viaProxy {
		r.cases = append(r.cases, "proxy_may_resolve")
		if f.works {
			r.sev = SeverityInfo
		}
	}
	fd.add(r)
}

// proxyAnswers are the results that carry the proxy's own answer: the proxy
// probe, and the upgrade and http results when they dialled the proxy
// themselves.
func (f *facts) proxyAnswers() []engine.Result {
	var out []engine.Result
	if p, ok := f.get(engine.ProbeProxy); ok && p.Status != engine.Skip {
		out = append(out, p)
	}
	for _, name := range []string{engine.ProbeUpgrade, engine.ProbeHTTP} {
		r, ok := f.get(name)
		if !ok {
			continue
		}
		_, hasStatus := r.Evidence.Get(engine.KeyProxyStatus)
		if hasStatus || r.Evidence.Value(engine.KeyFailedAt) == "proxy" || r.Code == engine.CodeProxyUnreachable || httpStatus(r.Code) == 407 {
			out = append(out, r)
		}
	}
	return out
}

// proxyAuth is the Proxy-Authenticate a proxy answered with, if any.
func (f *facts) proxyAuth() string {
	for _, r := range f.proxyAnswers() {
		if v := r.Evidence.Value(engine.KeyProxyAuth); v != "" {
			return v
		}
	}
	return ""
}

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

func ruleTCP(f *facts, fd *found) {
	tcp, ok := f.get(engine.ProbeTCP)
	if !ok {
		return
	}
	switch tcp.Status {
	case engine.Warn:
		if tcp.Code == engine.CodePartial {
			fd.add(raised{id: IDTCPBlocked, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
				cases: []string{"partial"}, refs: refs(tcp, engine.KeyPort, engine.KeyConnectIPV6, engine.KeyConnectIPV4)})
		}
		return
	case engine.Fail:
	default:
		return
	}
	if f.viaProxy && (f.works || f.proxyTunnelOK()) {
		return // direct connections are closed; the proxy is the way out
	}
	r := raised{id: IDTCPBlocked, sev: SeverityProblem, conf: Likely, fixer: FixerNetworkAdmin,
		refs: refs(tcp, engine.KeyPort, engine.KeyConnectIPV6, engine.KeyConnectIPV4)}
	if tcp.Code == engine.CodeRefused && f.o.Target.IsLoopback() {
		// This computer itself said no: nothing listens on that port here.
		// No firewall, network or VPN is on the way to blame.
		r.conf, r.fixer, r.cases = Sure, FixerYou, []string{"local_not_listening"}
		fd.add(r)
		return
	}
	switch tcp.Code {
	case engine.CodeRefused, engine.CodeTimeout, engine.CodeReset:
		r.cases = []string{tcp.Code}
	case engine.CodeUnreachable:
		if f.in.Env.NoRoute && !internalHost(f.o.Target.Host) {
			return // no-network says it: there is no way out at all
		}
		r.cases = []string{"unreachable"}
		r.conf = Possible
	case engine.CodeNoAddress, engine.CodeCancelled, "deadline":
		return
	default:
		r.conf = Possible
	}
	// The same host answers on the other scheme's port: it is up, and
	// this port is what is closed.
	if o := f.in.Other; o != nil {
		if ot, ok := o.Result(engine.ProbeTCP); ok && ot.OK() && ot.Evidence.Value(engine.KeyPort) != tcp.Evidence.Value(engine.KeyPort) {
			r.cases = append(r.cases, "other_port_ok")
			r.conf = Sure
			r.refs = append(r.refs, otherRef("other", ot, engine.KeyPort))
		}
	}
	if f.in.Env.VPNActive {
		r.cases = append(r.cases, "vpn")
	} else {
		r.cases = append(r.cases, "vpn_unknown")
	}
	fd.add(r)
}

// otherRef points at evidence of an extra run; its probe is prefixed with
// the run's name ("other:tcp", "direct:upgrade").
func otherRef(run string, r engine.Result, key string) EvidenceRef {
	e := ref(r, key)
	e.Probe = run + ":" + e.Probe
	return e
}

// certCodes are the tls probe's codes for a certificate that does not
// verify.
var certCodes = []string{
	engine.CodeCertExpired, engine.CodeCertNotYetValid, engine.CodeCertHostname,
	engine.CodeCertSelfSigned, engine.CodeCertUnknownAuthority, engine.CodeCertInvalid,
}

func ruleTLS(f *facts, fd *found) {
	tls, ok := f.get(engine.ProbeTLS)
	if !ok || tls.Status == engine.Skip || f.portalCert(fd) {
		return
	}
	product := interceptor(tls)
	insecure := tls.Evidence.Value(engine.KeyInsecure) == "yes"
	tlsRefs := refs(tls, engine.KeyLeafIssuerOrg, engine.KeyLeafIssuer, engine.KeyTrustedBy, engine.KeyExpectedIssuers)
	// The support team's preset names the issuers of the service's
	// certificates: another one is a re-signed connection, the service's
	// own (private) one is no sign of inspection.
	unexpected := tls.Evidence.Value(engine.KeyIssuerExpected) == "no"
	expected := tls.Evidence.Value(engine.KeyIssuerExpected) == "yes"
	withExpectation := func(r raised) raised {
		if unexpected {
			r.cases = append(r.cases, "unexpected_issuer")
			r.conf = Sure
		}
		return r
	}

	// The proxied and the direct run saw different certificates: something
	// on the way re-signs the connection.
	var differs []EvidenceRef
	if d := f.in.Direct; d != nil && f.viaProxy {
		if dt, ok := d.Result(engine.ProbeTLS); ok {
			a, b := tls.Evidence.Value(engine.KeyLeafIssuer), dt.Evidence.Value(engine.KeyLeafIssuer)
			if a != "" && b != "" && a != b {
				differs = append(tlsRefs, otherRef("direct", dt, engine.KeyLeafIssuer))
			}
		}
	}
	if differs != nil && !slices.Contains(certCodes, tls.Code) {
		fd.add(raised{id: IDTLSIntercepted, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
			cases: []string{"differs_direct"}, refs: differs})
	}

	switch {
	case tls.Code == engine.CodeTLSVersion:
		r := raised{id: IDTLSVersion, sev: f.problemSev(), conf: Sure, fixer: FixerServiceAdmin,
			refs: refs(tls, engine.KeyVersion, engine.KeyLeafIssuerOrg)}
		if product != "" || f.viaProxy {
			r.cases = []string{"middle_box"}
			r.conf = Likely
			r.fixer = FixerNetworkAdmin
		}
		fd.add(r)
	case slices.Contains(certCodes, tls.Code):
		cert := raised{id: IDTLSCertInvalid, sev: f.problemSev(), conf: Sure, fixer: FixerServiceAdmin,
			cases: []string{tls.Code}, refs: refs(tls, engine.KeyLeafIssuer, engine.KeyHostnameMatch, engine.KeyCert0NotAfter, engine.KeyCert0NotBefore, engine.KeyVerifiedOS)}
		if tls.Code == engine.CodeCertNotYetValid {
			cert.fixer = FixerYou // nearly always this computer's clock
		}
		if insecure {
			cert.cases = append(cert.cases, "insecure")
		}
		switch {
		case product != "":
			// An inspection product whose authority this machine lacks.
			fd.add(withExpectation(raised{id: IDTLSIntercepted, sev: f.problemSev(), conf: Sure, fixer: FixerNetworkAdmin,
				cases: []string{"product", "not_trusted"}, refs: tlsRefs}))
		case differs != nil:
			// Through the proxy a certificate this machine does not trust,
			// without it the server's own: the proxy re-signs.
			fd.add(withExpectation(raised{id: IDTLSIntercepted, sev: f.problemSev(), conf: Sure, fixer: FixerNetworkAdmin,
				cases: []string{"not_trusted", "differs_direct"}, refs: differs}))
			cert.conf = Possible
			fd.add(cert)
		case tls.Code == engine.CodeCertUnknownAuthority && (unexpected || (f.viaProxy || f.in.Env.VPNActive) && !internalHost(f.o.Target.Host)):
			fd.add(withExpectation(raised{id: IDTLSIntercepted, sev: f.problemSev(), conf: Likely, fixer: FixerNetworkAdmin,
				cases: []string{"not_trusted"}, refs: tlsRefs}))
			cert.conf = Possible
			fd.add(cert)
		default:
			fd.add(cert)
		}
	case tls.Code == engine.CodeNotPublicRoot:
		r := raised{id: IDTLSIntercepted, sev: SeverityWarning, conf: Likely, fixer: FixerNetworkAdmin, refs: tlsRefs}
		switch {
		case product != "":
			r.cases, r.conf = []string{"product"}, Sure
		case expected:
			return // the service's own authority, as its support team says
		case unexpected:
		case internalHost(f.o.Target.Host):
			r.cases, r.conf, r.sev = []string{"internal"}, Possible, SeverityInfo
		default:
			r.cases = []string{"company_ca"}
		}
		fd.add(withExpectation(r))
	case unexpected && tls.Status != engine.Fail && tls.Evidence.Value(engine.KeyTrustedBy) == "public":
		// A public authority, but not the service's: an inspecting device
		// cannot get such a certificate, so more likely the service changed
		// where it gets them; the support team can tell.
		fd.add(raised{id: IDTLSIntercepted, sev: SeverityWarning, conf: Possible, fixer: FixerServiceAdmin,
			cases: []string{"unexpected_issuer", "public_issuer"}, refs: tlsRefs})
	case unexpected && tls.Status != engine.Fail:
		// Trusted only through a CA file given for the run: not the
		// service's authority, so something re-signs the connection.
		fd.add(raised{id: IDTLSIntercepted, sev: SeverityWarning, conf: Likely, fixer: FixerNetworkAdmin,
			cases: []string{"unexpected_issuer"}, refs: tlsRefs})
	case tls.Status == engine.Fail && (tls.Code == engine.CodeReset || tls.Code == engine.CodeEOF || tls.Code == engine.CodeTimeout):
		// TCP connected, then the handshake was cut: a filter that reads
		// the name the handshake carries.
		if tcp, ok := f.get(engine.ProbeTCP); ok && tcp.OK() && !fd.has(IDClientCertRequired) {
			fd.add(raised{id: IDTCPBlocked, sev: f.problemSev(), conf: Likely, fixer: FixerNetworkAdmin,
				cases: []string{"during_tls"}, refs: refs(tls, engine.KeyServerName)})
		}
	}
}

func ruleSchemes(f *facts, fd *found) {
	o := f.in.Other
	if o == nil || o.Target.Scheme == f.o.Target.Scheme || o.Target.Host != f.o.Target.Host {
		return
	}
	ws, wss := f.o, *o
	mainPlain := f.o.Target.Scheme == "ws"
	if !mainPlain {
		ws, wss = *o, f.o
	}
	if ws.Works() || !wss.Works() {
		return
	}
	wsRun, wssRun := "other", "main"
	if mainPlain {
		wsRun, wssRun = "main", "other"
	}
	wsUp, _ := ws.Result(engine.ProbeUpgrade)
	wssUp, _ := wss.Result(engine.ProbeUpgrade)
	wsRef := ref(wsUp, "code")
	wssRef := ref(wssUp, "code")
	if wsRun == "other" {
		wsRef = otherRef("other", wsUp, "code")
	}
	if wssRun == "other" {
		wssRef = otherRef("other", wssUp, "code")
	}
	r := raised{id: IDPlainWSBlocked, sev: SeverityProblem, conf: Sure, fixer: FixerYou,
		cases: []string{"target_plain"}, refs: []EvidenceRef{wsRef, wssRef}}
	if !mainPlain {
		r.sev, r.cases = SeverityInfo, []string{"target_secure"}
	}
	fd.add(r)
}

// proxyCodes are the codes of a connection the proxy did not tunnel.
var proxyCodes = []string{
	engine.CodeProxyUnreachable, engine.CodeProxyAuthRequired,
	engine.CodeProxyRefusedConnect, engine.CodeProxyError,
}

func ruleUpgrade(f *facts, fd *found) {
	up, ok := f.get(engine.ProbeUpgrade)
	if !ok || up.Status == engine.Skip {
		return
	}
	if up.Code == engine.CodeSlow {
		fd.add(raised{id: IDHandshakeTimeout, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
			cases: []string{"slow"}, refs: refs(up, engine.KeyUpgradeMS, engine.KeyTTFBMS)})
		return
	}
	if up.OK() || f.pageExplains(fd) {
		return
	}
	// The proxy's own answers are ruleProxy's, and so is a tunnel the
	// proxy never opened: the upgrade request did not reach anything that
	// could drop its headers. What came through an open tunnel is not.
	if st := proxyStatusOf(up); (st != 0 && (st < 200 || st >= 300)) || up.Evidence.Value(engine.KeyFailedAt) == "proxy" || httpStatus(up.Code) == 407 || slices.Contains(proxyCodes, up.Code) {
		return
	}
	st := httpStatus(up.Code)
	sd, signs := answerSide(up)
	plain := !f.secure
	withPlain := func(cs ...string) []string {
		if plain {
			cs = append(cs, "plain")
		}
		return cs
	}

	// The same request without the proxy tells them apart for sure.
	var direct *engine.Result
	directWorks := false
	if f.viaProxy && f.in.Direct != nil {
		if du, ok := f.in.Direct.Result(engine.ProbeUpgrade); ok {
			direct = &du
			directWorks = f.in.Direct.Works()
		}
	}
	if directWorks {
		id, cases := IDProxyStripsUpg, withPlain("direct_works")
		if (st == 403 || st == 451) && sd == sideClient {
			id, cases = IDProxyBlocksCONN, []string{"block_page"}
		}
		fd.add(raised{id: id, sev: SeverityProblem, conf: Sure, fixer: FixerNetworkAdmin, cases: cases,
			refs: append(append(refs(up, engine.KeyStatus, engine.KeyServer, engine.KeyVia), signs...), otherRef("direct", *direct, "code"))})
		return
	}
	directSame := direct != nil && direct.Code == up.Code

	server := func(conf Confidence, cases ...string) {
		r := raised{id: IDServerNoWebSocket, sev: SeverityProblem, conf: conf, fixer: FixerServiceAdmin,
			cases: cases, refs: append(refs(up, engine.KeyStatus, engine.KeyServer, engine.KeyUpgrade, engine.KeyConnection, engine.KeyAcceptOK, engine.KeyLocation, engine.KeyBodyTitle), signs...)}
		if directSame {
			r.conf, r.cases = Sure, append(r.cases, "direct_same")
			r.refs = append(r.refs, otherRef("direct", *direct, "code"))
		}
		fd.add(r)
	}
	proxy := func(conf Confidence, cases ...string) {
		if directSame {
			return // the same without the proxy: not the proxy
		}
		if !f.viaProxy && !slices.Contains(cases, "hidden") {
			cases = append(cases, "hidden")
		}
		fd.add(raised{id: IDProxyStripsUpg, sev: SeverityProblem, conf: conf, fixer: FixerNetworkAdmin,
			cases: withPlain(cases...), refs: append(refs(up, engine.KeyStatus, engine.KeyServer, engine.KeyVia, engine.KeyUpgrade, engine.KeyConnection), signs...)})
	}
	endToEnd := f.endToEnd()

	switch {
	case up.Code == engine.CodeHandshakeTimeout:
		r := raised{id: IDHandshakeTimeout, sev: SeverityProblem, conf: Sure, fixer: FixerNetworkAdmin,
			refs: refs(up, engine.KeyFailedAt, engine.KeyTTFBMS)}
		switch {
		case directSame || endToEnd:
			r.fixer = FixerServiceAdmin
		case f.viaProxy:
			r.cases = []string{"via_proxy"}
		default:
			r.cases = []string{"no_proxy"}
		}
		fd.add(r)

	case st != 0:
		sameAsGet := false
		if g, ok := f.get(engine.ProbeHTTP); ok && g.OK() && httpStatus(g.Code) == st &&
			g.Evidence.Value(engine.KeyServer) == up.Evidence.Value(engine.KeyServer) &&
			g.Evidence.Value(engine.KeyTitle) == up.Evidence.Value(engine.KeyBodyTitle) {
			sameAsGet = true
		}
		var sc []string // what the answer says of the server
		switch {
		case isIIS(up):
			sc = append(sc, "iis")
		}
		switch {
		case st >= 300 && st < 400:
			sc = append(sc, "redirect")
		case st == 404:
			sc = append(sc, "not_found")
		case st >= 500:
			sc = append(sc, "server_error")
		}
		if sd == sideService {
			sc = append(sc, "reverse_proxy")
		}
		if sameAsGet {
			sc = append(sc, "same_as_get")
		}
		var pc []string
		if sameAsGet {
			pc = append(pc, "same_as_get")
		}
		switch {
		case st == 401 || (st == 403 && sd != sideClient):
			r := raised{id: IDServerRefused, sev: SeverityProblem, conf: Likely, fixer: FixerServiceAdmin,
				refs: refs(up, engine.KeyStatus, engine.KeyServer, engine.KeyWWWAuthenticate, engine.KeySentHeaders)}
			if st == 401 || up.Evidence.Value(engine.KeyWWWAuthenticate) != "" {
				r.cases, r.fixer = []string{"login"}, FixerYou
			} else {
				r.cases = []string{"forbidden"}
			}
			if directSame || endToEnd {
				r.conf = Sure
			}
			fd.add(r)
			if st == 403 && f.viaProxy && !directSame {
				fd.add(raised{id: IDProxyBlocksCONN, sev: SeverityProblem, conf: Possible, fixer: FixerNetworkAdmin, refs: refs(up, engine.KeyStatus)})
			}
		case sd == sideClient && (st == 403 || st == 451):
			fd.add(raised{id: IDProxyBlocksCONN, sev: SeverityProblem, conf: Sure, fixer: FixerNetworkAdmin,
				cases: []string{"block_page"}, refs: append(refs(up, engine.KeyStatus), signs...)})
		case sd == sideClient:
			proxy(Sure, pc...)
		case directSame:
			server(Sure, sc...)
		case endToEnd:
			server(Sure, append(sc, "end_to_end")...)
		case f.viaProxy || f.secureWorksInstead():
			proxy(Likely, pc...)
			server(Possible, sc...)
		default:
			server(Likely, sc...)
			proxy(Possible, pc...)
		}

	case up.Code == engine.CodeBadAccept || up.Code == engine.CodeBadUpgradeHeaders || up.Code == engine.CodeBadExtension:
		if sd == sideClient {
			proxy(Likely)
			server(Possible, "bad_accept")
			return
		}
		server(Likely, "bad_accept")
		if f.viaProxy {
			proxy(Possible)
		}

	case up.Code == engine.CodeEOF || up.Code == engine.CodeReset:
		g, ok := f.get(engine.ProbeHTTP)
		if !ok || !g.OK() {
			// Nothing answers at all on this connection.
			fd.add(raised{id: IDTCPBlocked, sev: SeverityProblem, conf: Possible, fixer: FixerNetworkAdmin,
				cases: []string{"reset"}, refs: refs(up, engine.KeyFailedAt)})
			return
		}
		// A plain GET is answered but the upgrade request is cut: something
		// reads the request and dislikes it.
		switch {
		case directSame || endToEnd:
			server(Sure, "closed")
		case f.viaProxy || plain:
			proxy(Likely, "closed")
			server(Possible, "closed")
		default:
			server(Likely, "closed")
			proxy(Possible, "closed")
		}

	case up.Evidence.Value(engine.KeyFailedAt) == "connect" || up.Evidence.Value(engine.KeyFailedAt) == "tls":
		fd.add(raised{id: IDTCPBlocked, sev: SeverityProblem, conf: Possible, fixer: FixerNetworkAdmin,
			refs: refs(up, engine.KeyFailedAt)})
	}
}

func ruleEcho(f *facts, fd *found) {
	echo, ok := f.get(engine.ProbeEcho)
	if !ok || echo.Status == engine.Skip {
		return
	}
	echoed, _ := strconv.Atoi(echo.Evidence.Value(engine.KeyMessagesEchoed))
	base := func(sev Severity, conf Confidence, cases ...string) raised {
		if !f.secure {
			cases = append(cases, "plain")
		} else if f.endToEnd() {
			cases = append(cases, "end_to_end")
		}
		fixer := FixerNetworkAdmin
		if f.endToEnd() {
			fixer = FixerServiceAdmin
		}
		return raised{id: IDMessagesBlocked, sev: sev, conf: conf, fixer: fixer, cases: cases,
			refs: refs(echo, engine.KeyMessagesSent, engine.KeyMessagesEchoed, engine.KeyMissing, engine.KeyMangled, engine.KeyCloseCode, engine.KeyCloseReason)}
	}
	switch echo.Code {
	case engine.CodeMangled:
		fd.add(base(SeverityProblem, Sure, "mangled"))
	case engine.CodeNoEcho:
		fd.add(base(SeverityWarning, Possible, "no_echo"))
	case engine.CodePartialEcho:
		fd.add(base(SeverityWarning, Likely, "partial"))
	case engine.CodeNoPong:
		fd.add(base(SeverityInfo, Possible, "no_pong"))
	case engine.CodeEOF, engine.CodeReset:
		cc := echo.Evidence.Value(engine.KeyCloseCode)
		frame := echo.Evidence.Value(engine.KeyCloseFrame) == "yes" || (cc != "" && cc != "1006")
		dropped := raised{id: IDConnectionDropped, sev: SeverityProblem, conf: Likely, fixer: FixerNetworkAdmin,
			refs: refs(echo, engine.KeyMessagesEchoed, engine.KeyCloseCode, engine.KeyWriteError)}
		if echo.Code == engine.CodeReset {
			dropped.cases = []string{"reset"}
		} else {
			dropped.cases = []string{"no_frame"}
		}
		switch {
		case echoed == 0 && frame:
			fd.add(base(SeverityProblem, Likely, "closed", "close_frame"))
		case echoed == 0:
			fd.add(base(SeverityProblem, Likely, "closed"))
			dropped.conf = Possible
			fd.add(dropped)
		default:
			fd.add(dropped)
		}
	case engine.CodeOK, engine.CodeCancelled, "deadline", engine.CodeNoConn:
	default:
		if echo.Status == engine.Fail {
			fd.add(base(SeverityProblem, Possible))
		}
	}
}

func ruleIdle(f *facts, fd *found) {
	idle, ok := f.get(engine.ProbeIdle)
	if !ok || idle.Status == engine.Skip {
		return
	}
	if idle.Code == "dropped" {
		// A connection kept busy with pings ended anyway: not an idle limit.
		fd.add(raised{id: IDConnectionDropped, sev: SeverityProblem, conf: Likely, fixer: FixerNetworkAdmin,
			cases: []string{"no_frame"}, refs: refs(idle, engine.KeyIdleEndedBy, "ping_end_s", "ping_error")})
	}
	limit, ok := secondsOf(idle.Evidence.Value(engine.KeyIdleLimit))
	if !ok || limit >= f.in.requiredIdle().Seconds() {
		return
	}
	r := raised{id: IDProxyIdleTimeout, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
		refs: refs(idle, engine.KeyIdleLimit, engine.KeyIdleEndedBy, engine.KeyPingsKeptAlive, engine.KeySurvived)}
	switch e := idle.Evidence.Value(engine.KeyIdleEndedBy); e {
	case "close_frame", "fin", "reset", "silent":
		r.cases = append(r.cases, e)
	}
	switch idle.Evidence.Value(engine.KeyPingsKeptAlive) {
	case "yes":
		r.cases = append(r.cases, "pings_help")
	case "no":
		r.cases = append(r.cases, "pings_no_help")
	}
	if f.viaProxy {
		r.cases = append(r.cases, "via_proxy")
	}
	fd.add(r)
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
	up, _ := f.get(engine.ProbeUpgrade)
	r := raised{id: IDWebSocketOK, sev: SeverityOK, conf: Sure, refs: refs(up, engine.KeyStatus)}
	if f.in.SelfTest {
		// Nothing crossed the network: say only what was proved.
		r.cases = []string{"self_test"}
	}
	if echo, ok := f.get(engine.ProbeEcho); ok {
		switch echo.Code {
		case engine.CodeOK, engine.CodeNoPong:
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
