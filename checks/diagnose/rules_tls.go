package diagnose

// The rules of the encrypted connection: a TLS version the other end does
// not speak (tls-version-unsupported), a certificate that does not verify
// (tls-cert-invalid), a connection re-signed by an inspecting device
// (tls-intercepted), a handshake cut by a filter that reads the name it
// carries, and a service or gateway that wants a client certificate
// (client-cert-required).

import (
	"slices"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

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
	// The product by its maker (assets/middleboxes.json): its own remedy.
	vendor, named := IdentifyIssuer(Middleboxes(), tls.Evidence.Value(engine.KeyLeafIssuerOrg), tls.Evidence.Value(engine.KeyLeafIssuer))
	if named && product == "" {
		product = vendor.ID
	}
	withVendor := func(r raised) raised {
		if named {
			r.cases = append(r.cases, vendor.VendorCase())
		}
		return r
	}
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
			fd.add(withVendor(withExpectation(raised{id: IDTLSIntercepted, sev: f.problemSev(), conf: Sure, fixer: FixerNetworkAdmin,
				cases: []string{"product", "not_trusted"}, refs: tlsRefs})))
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
			r = withVendor(r)
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
