package diagnose

// The facts the rules read: the results of every run by name, every
// (*facts) method that reads them, the evidence references findings carry,
// and the values of the catalogue's {placeholders}.

import (
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// facts is what the rules read: the results of every run by name, and
// what can be said of them at a glance.
type facts struct {
	in    Input
	o     engine.Outcome
	res   map[string]engine.Result
	works bool
	// viaProxy: the run went through a proxy.
	viaProxy bool
	secure   bool
	// watch is the pattern of a watch's drops (Input.Watch), or nil.
	watch *watchFacts
	// vars fill the catalogue's placeholders.
	vars map[string]string
}

func newFacts(in Input) *facts {
	in = fromEvidence(in)
	f := &facts{in: in, o: in.Outcome, res: map[string]engine.Result{}}
	for _, r := range in.Outcome.Results {
		f.res[r.Probe] = r
	}
	f.works = in.Outcome.Works()
	f.viaProxy = in.Env.ProxyURL != ""
	f.secure = in.Outcome.Target.Scheme == "wss"
	f.watch = readWatch(in.Watch)
	f.vars = f.placeholders()
	return f
}

// get returns the result of a probe of the main run, and whether it ran.
func (f *facts) get(probe string) (engine.Result, bool) {
	r, ok := f.res[probe]
	return r, ok
}

// failed reports whether probe ran and failed on its own (not skipped
// because of another).
func (f *facts) failed(probe string) bool {
	r, ok := f.res[probe]
	return ok && r.Status == engine.Fail
}

// ev is the value of an evidence key of a probe of the main run.
func (f *facts) ev(probe, key string) string {
	return f.res[probe].Evidence.Value(key)
}

// ref points at an evidence key of r, or at its code for key "code".
func ref(r engine.Result, key string) EvidenceRef {
	if key == "code" {
		return EvidenceRef{Probe: r.Probe, Key: "code", Value: r.Code}
	}
	return EvidenceRef{Probe: r.Probe, Key: key, Value: r.Evidence.Value(key)}
}

// refs points at the code of r and at those of keys that are present.
func refs(r engine.Result, keys ...string) []EvidenceRef {
	out := []EvidenceRef{ref(r, "code")}
	for _, k := range keys {
		if _, ok := r.Evidence.Get(k); ok {
			out = append(out, ref(r, k))
		}
	}
	return out
}

func envRef(key, value string) EvidenceRef {
	return EvidenceRef{Probe: "environment", Key: key, Value: value}
}

// httpStatus is the status of a "status_NNN" code, or 0.
func httpStatus(code string) int {
	s, ok := strings.CutPrefix(code, "status_")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// secondsOf reads a whole or decimal number of seconds.
func secondsOf(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "s")), 64)
	return v, err == nil && v >= 0
}

// placeholders are the values the catalogue's {names} take in this run.
// Every value is cleaned (one line, bounded) and none carries a secret: the
// target without its path and user, the proxy without its credentials.
func (f *facts) placeholders() map[string]string {
	t := f.o.Target
	v := map[string]string{}
	set := func(k, val string) {
		if val = clean(val); val != "" {
			v[k] = val
		}
	}
	host := t.DisplayHost
	if host == "" {
		host = t.Host
	}
	set("host", host)
	if t.Port != 0 {
		set("port", strconv.Itoa(t.Port))
		if host != "" {
			set("host_port", bracket(host)+":"+strconv.Itoa(t.Port))
		}
	}
	if host != "" {
		set("address", t.Scheme+"://"+bracket(host)+portSuffix(t))
		other := "wss"
		if t.Scheme == "wss" {
			other = "ws"
		}
		set("other_address", other+"://"+bracket(host))
		set("secure_address", "wss://"+bracket(host))
	}
	set("ports", portsOf(f))
	set("addresses", addressesOf(f))
	set("proxy", proxyDisplay(f.in.Env.ProxyURL))
	set("proxy_source", f.in.Env.ProxySource)
	set("proxy_origin", f.in.Env.ProxyOrigin)
	set("vpn", f.in.Env.VPNName)
	set("idle_needed", strconv.Itoa(int(f.in.requiredIdle()/time.Second)))
	if s, ok := secondsOf(f.ev(engine.ProbeIdle, engine.KeyIdleLimit)); ok {
		set("idle_limit", strconv.Itoa(int(s+0.5)))
	}
	if s, ok := secondsOf(f.ev(engine.ProbeIdle, engine.KeySurvived)); ok {
		set("idle_survived", strconv.Itoa(int(s+0.5)))
	}
	set("idle_needed_source", f.in.RequiredIdleSource)
	if s, ok := secondsOf(f.ev(engine.ProbeIdle, engine.KeyLifetime)); ok {
		set("lifetime", strconv.Itoa(int(s+0.5)))
	}
	if s, ok := secondsOf(f.ev(engine.ProbeIdle, engine.KeyIdleLimit)); ok {
		// Data at least every half the limit keeps a connection open.
		set("data_every", strconv.Itoa(max(int(s/2), 1)))
	}
	up := f.res[engine.ProbeUpgrade]
	if n := httpStatus(up.Code); n != 0 {
		set("status", strconv.Itoa(n))
	}
	set("server", up.Evidence.Value(engine.KeyServer))
	if v["server"] == "" {
		set("server", f.ev(engine.ProbeHTTP, engine.KeyServer))
	}
	set("location", up.Evidence.Value(engine.KeyLocation))
	set("extension_parameter", up.Evidence.Value(engine.KeyExtensionParameter))
	set("extension_answer", up.Evidence.Value("sec_websocket_extensions"))
	if h, ok := f.res[engine.ProbeH2]; ok && h.Status != engine.Pass && h.Status != engine.Skip {
		set("h2_answer", h2Answer(h))
		if n := httpStatus(h.Code); n != 0 && v["status"] == "" {
			set("status", strconv.Itoa(n)) // the HTTP/2 way's, when the upgrade had none
		}
	}
	issuer := f.ev(engine.ProbeTLS, engine.KeyLeafIssuerOrg)
	if issuer == "" {
		issuer = f.ev(engine.ProbeTLS, engine.KeyLeafIssuer)
	}
	// Texts put the name at the end of a sentence: "Zscaler Inc." would
	// end it twice.
	set("issuer", strings.TrimRight(issuer, "."))
	if m, ok := IdentifyIssuer(Middleboxes(), f.ev(engine.ProbeTLS, engine.KeyLeafIssuerOrg), f.ev(engine.ProbeTLS, engine.KeyLeafIssuer)); ok {
		set("product", m.Name)
	}
	set("expected_issuers", strings.TrimRight(strings.ReplaceAll(f.ev(engine.ProbeTLS, engine.KeyExpectedIssuers), "; ", " or "), "."))
	set("tls_version", f.ev(engine.ProbeTLS, engine.KeyVersion))
	set("close_code", f.ev(engine.ProbeEcho, engine.KeyCloseCode))
	set("size_passed", byteSize(f.ev(engine.ProbeEcho, engine.KeyLadderPassed)))
	set("size_failed", byteSize(f.ev(engine.ProbeEcho, engine.KeyLadderFailed)))
	if a := f.proxyAuth(); a != "" {
		set("auth_schemes", authSchemes(a))
	}
	if at, ok := f.proxyGoneAt(); ok {
		// The wall clock, as the proxy's own logs write it.
		set("proxy_gone_at", at.Local().Format("15:04:05"))
	}
	// The app's framework and its streaming fallback, by their own
	// names (the same in every language), and what held the stream.
	set("framework", frameworkNames()[f.ev(engine.ProbeFallback, engine.KeyFallbackFramework)])
	set("stream_transport", streamTransportNames()[f.ev(engine.ProbeFallback, engine.KeyFallbackStreamTransport)])
	set("held_by", f.ev(engine.ProbeFallback, engine.KeyFallbackHeldBy))
	set("pac_error", f.pacError())
	set("firefox_proxy", f.ev(engine.ProbeProxy, KeyFirefoxProxy))
	set("firefox_differs", f.ev(engine.ProbeProxy, KeyFirefoxDiffers))
	for _, r := range f.proxyAnswers() {
		if v := r.Evidence.Value(engine.KeyProxyReason); v != "" {
			set("proxy_reason", v)
			break
		}
	}
	if si, ok := f.proxySignIn(); ok {
		set("auth_scheme", si.scheme)
		set("auth_domain", si.domain)
		if si.result == authFailed {
			set("auth_error", si.r.Evidence.Value(engine.KeyProxyError))
		}
	}
	f.pagePlaceholders(set)
	set("browser", browserName(f.in.Browser))
	if b := f.in.Browser; b != nil {
		set("antivirus", strings.Join(b.Antivirus, ", "))
	}
	f.watchPlaceholders(v, set)
	return v
}

func bracket(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

func portSuffix(t engine.Target) string {
	if (t.Scheme == "ws" && t.Port == 80) || (t.Scheme == "wss" && t.Port == 443) || t.Port == 0 {
		return ""
	}
	return ":" + strconv.Itoa(t.Port)
}

// proxyDisplay is a proxy URL as it can be shown: scheme, host and port,
// never credentials or a path.
func proxyDisplay(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		// Not a URL: keep what looks like host:port, drop anything
		// before an "@".
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			raw = raw[i+1:]
		}
		return raw
	}
	if u.Scheme == "" {
		return u.Host
	}
	return u.Scheme + "://" + u.Host
}

// authSchemes names the schemes of Proxy-Authenticate values ("Basic,
// NTLM, Negotiate"), without their parameters.
func authSchemes(v string) string {
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.Split(v, ",") {
		fields := strings.Fields(part)
		if len(fields) == 0 || strings.Contains(fields[0], "=") {
			continue // a parameter of the previous scheme
		}
		s := fields[0]
		if !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

// maxPlaceholder bounds a value put into a sentence, in runes.
const maxPlaceholder = 80

// clean makes a value safe to put in a sentence: printable, one line,
// bounded, with no braces that could read as a placeholder.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '{' || r == '}':
			return -1
		case r < 0x20 || r == 0x7f:
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxPlaceholder {
		s = string(r[:maxPlaceholder-1]) + "…"
	}
	return s
}

// hasSubdomains reports whether host is a name that can have subdomains,
// so that allowing "it and its subdomains" means something: not an IP
// address, not localhost. An unknown (empty) host is spoken of as a name.
func hasSubdomains(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if _, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return false
	}
	return h != "localhost"
}

// internalHost reports whether host names something inside a private
// network, where a company's own certificate authority is expected.
func internalHost(host string) bool {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast()
	}
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if !strings.Contains(h, ".") {
		return true
	}
	for _, suf := range []string{".local", ".lan", ".internal", ".intranet", ".corp", ".home", ".home.arpa", ".localdomain", ".test", ".localhost"} {
		if strings.HasSuffix(h, suf) {
			return true
		}
	}
	return false
}

// fromEvidence fills in what the caller did not give from the run's own
// evidence: the proxy the probes went through (DialTarget notes "proxy",
// "proxy_source" and "proxy_origin" on every probe that used it), and the
// upgrade made around the proxy (probe "upgrade_direct") as the direct run.
func fromEvidence(in Input) Input {
	o := in.Outcome
	// The proxy the probes went through; it wins over the one the caller
	// read from the settings when the first of a list could not be reached
	// and the next one was used (proxy_failover).
	for _, name := range []string{engine.ProbeProxy, engine.ProbeUpgrade, engine.ProbeHTTP, engine.ProbeTLS} {
		r, _ := o.Result(name)
		if p := r.Evidence.Value(engine.KeyProxy); p != "" {
			if in.Env.ProxyURL == "" || r.Evidence.Value(engine.KeyProxyFailover) != "" {
				in.Env.ProxyURL = p
				in.Env.ProxySource = r.Evidence.Value(engine.KeyProxySource)
				in.Env.ProxyOrigin = r.Evidence.Value(engine.KeyProxyOrigin)
			}
			break
		}
	}
	if in.Direct == nil {
		if d, ok := o.Result(engine.ProbeUpgradeDirect); ok && d.Status != engine.Skip {
			d.Probe = engine.ProbeUpgrade
			direct := &engine.Outcome{Target: o.Target, Options: o.Options, Started: o.Started, Finished: o.Finished, Results: []engine.Result{d}}
			// The certificate the direct handshake saw stands in for a
			// direct tls probe: who issued it is all the rules compare.
			if issuer := d.Evidence.Value(engine.KeyLeafIssuer); issuer != "" {
				tls := engine.Result{Probe: engine.ProbeTLS, Status: engine.Pass, Code: engine.CodeOK}
				tls.Evidence.Set(engine.KeyLeafIssuer, issuer)
				tls.Evidence.Set(engine.KeyLeafIssuerOrg, d.Evidence.Value(engine.KeyLeafIssuerOrg))
				direct.Results = append(direct.Results, tls)
			}
			in.Direct = direct
		}
	}
	return in
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

// onThisComputer reports whether the service runs on this computer (a
// loopback address or localhost) and is reached without a proxy: no
// network lies between, so what the connection carries comes from the
// service itself.
func (f *facts) onThisComputer() bool {
	if f.viaProxy {
		return false
	}
	h := strings.TrimSuffix(strings.ToLower(strings.Trim(f.o.Target.Host, "[]")), ".")
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip.IsLoopback()
	}
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// secureWorksInstead reports whether the run is ws:// and the same host
// works over wss://: the service does WebSockets, so a ws:// refusal more
// likely comes from a filter that reads unencrypted traffic.
func (f *facts) secureWorksInstead() bool {
	o := f.in.Other
	return !f.secure && o != nil && o.Target.Scheme == "wss" && o.Target.Host == f.o.Target.Host && o.Works()
}

// proxyTunnelOK reports whether a proxy in the path was reached.
func (f *facts) proxyTunnelOK() bool {
	p, ok := f.get(engine.ProbeProxy)
	return ok && p.OK()
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
		if hasStatus || r.Evidence.Value(engine.KeyFailedAt) == "proxy" || r.Code == engine.CodeProxyUnreachable || r.Code == engine.CodeProxyError || httpStatus(r.Code) == 407 {
			out = append(out, r)
		}
	}
	return out
}

// proxyGoneAt is when the proxy went away in the middle of the run: one
// probe's tunnel through it opened (CONNECT answered 2xx), and another
// probe of the same run could not reach it or was cut off before it
// answered. The probes run at the same time, so which came first says
// nothing; the time is when the first such failure ended.
func (f *facts) proxyGoneAt() (time.Time, bool) {
	var reached bool
	var gone time.Time
	for _, r := range f.proxyAnswers() {
		st := proxyStatusOf(r)
		switch {
		case st >= 200 && st < 300:
			reached = true
		case st == 0 && r.Status == engine.Fail && unreachableProxy(r):
			if end := r.Started.Add(r.Duration); gone.IsZero() || end.Before(gone) {
				gone = end
			}
		}
	}
	return gone, reached && !gone.IsZero()
}

// unreachableProxy reports whether r failed because the proxy could not
// be reached or cut the connection before it answered (not an answer of
// the proxy's, not a stop by the user).
func unreachableProxy(r engine.Result) bool {
	switch r.Code {
	case engine.CodeCancelled, "deadline":
		return false
	case engine.CodeProxyUnreachable, engine.CodeProxyError:
		return proxyStatusOf(r) == 0
	}
	return r.Probe == engine.ProbeProxy || r.Evidence.Value(engine.KeyFailedAt) == "proxy"
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

// tlsVerifiedForHost reports whether the tls probe saw a certificate for
// the target that this machine trusts: then whatever answered over it is
// the service (or what the service put in front), never a network's page.
func (f *facts) tlsVerifiedForHost() bool {
	tls, ok := f.get(engine.ProbeTLS)
	return ok && tls.Status != engine.Skip && tls.Evidence.Value(engine.KeyHostnameMatch) == "yes" && tls.Evidence.Value(engine.KeyVerifiedOS) == "yes"
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

// portalCert reports whether the certificate the tls probe saw is a
// network sign-in page's, for sure: the service's certificate was then
// never seen, and cannot be blamed.
func (f *facts) portalCert(fd *found) bool {
	p := fd.get(IDCaptivePortal)
	return p != nil && p.conf == Sure && slices.Contains(p.cases, "tls_name")
}

// otherRef points at evidence of an extra run; its probe is prefixed with
// the run's name ("other:tcp", "direct:upgrade").
func otherRef(run string, r engine.Result, key string) EvidenceRef {
	e := ref(r, key)
	e.Probe = run + ":" + e.Probe
	return e
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

// byteSize writes a number of bytes as the ladder's sizes read: "125 B",
// "64 KiB", "16 MiB".
func byteSize(s string) string {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return ""
	}
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + " KiB"
	}
	return strconv.Itoa(n) + " B"
}
