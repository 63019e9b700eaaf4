package engine

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// Codes the tls probe gives besides those of Classify.
const (
	// CodeNotApplicable: the target is ws://, which has no TLS.
	CodeNotApplicable = "not_applicable"
	// CodeTLSVersion: the server speaks only a TLS version below 1.2,
	// which applications refuse.
	CodeTLSVersion = "tls_version"
	// CodeCertExpired: a certificate of the chain is past its not_after.
	CodeCertExpired = "cert_expired"
	// CodeCertNotYetValid: a certificate of the chain is before its
	// not_before (often a wrong clock on this machine).
	CodeCertNotYetValid = "cert_not_yet_valid"
	// CodeCertHostname: the leaf certificate is not for the target's host.
	CodeCertHostname = "cert_hostname"
	// CodeCertSelfSigned: the server presents one certificate that signs
	// itself, trusted by nobody.
	CodeCertSelfSigned = "cert_self_signed"
	// CodeCertUnknownAuthority: the chain leads to a root this machine
	// does not trust.
	CodeCertUnknownAuthority = "cert_unknown_authority"
	// CodeNotPublicRoot: the chain is trusted by this machine's roots but
	// by no public root: TLS interception, or a company CA.
	CodeNotPublicRoot = "not_public_root"
)

// The values of the tls probe's "trusted_by" evidence.
const (
	TrustedPublic = "public"
	TrustedOSOnly = "os_only"
	TrustedCAFile = "ca_file"
	TrustedNone   = "none"
)

// minAppTLSVersion is the oldest version applications and browsers still
// accept; a server that negotiates less fails for them.
const minAppTLSVersion = tls.VersionTLS12

// TLSProbe connects to the target and makes a TLS handshake that accepts
// anything (TLS 1.0 and up, any certificate), offering ALPN "http/1.1" as a
// WebSocket client does, so that it can see what an old server or a bad
// certificate is, then checks the certificates itself: against the OS roots
// plus the --ca file, against the public (Mozilla) roots alone, and for the
// host name. Skipped with code "not_applicable" for ws:// targets.
//
// Codes, in the order they win when several apply: "tls_version" (fail);
// "cert_expired", "cert_not_yet_valid", "cert_self_signed",
// "cert_unknown_authority", "cert_invalid" (other chain errors) and
// "cert_hostname" (fail, or warn when the user chose --insecure);
// "not_public_root" (warn: trusted by the OS roots only); "ok" (pass, also
// when only the --ca file makes the chain trusted). Connection and handshake
// failures carry the code of Classify ("refused", "reset", "timeout",
// "tls_error", ...), or "tls_version" when the server refused our versions.
//
// Evidence:
//   - "version" ("TLS 1.3"), "cipher", "alpn" (the protocol the server
//     chose, or "none"), "server_name" (the SNI sent; "none" for an IP).
//   - "chain_length", and for each presented certificate i (0 is the leaf):
//     "cert<i>_subject", "cert<i>_issuer", "cert<i>_not_before",
//     "cert<i>_not_after" (RFC 3339, UTC); "cert0_sans" for the leaf
//     ("DNS:example.com, IP:192.0.2.1").
//   - "leaf_issuer", "leaf_issuer_org" (the issuer's O=, which names
//     interception products), "root" (the subject of the top certificate
//     the server presented).
//   - "verified_os": "yes" or the verification error against the OS roots
//     plus the --ca file; "verified_public": "yes" or "no" against the
//     public roots; "verified_root": the root of the chain that verified.
//   - "trusted_by": "public", "os_only", "ca_file" or "none".
//   - "hostname_match": "yes" or "no".
//   - "insecure": "yes" when the user chose --insecure.
//   - "client_cert_requested" (yes or no), "client_cert_cas" (the
//     authorities the server accepts client certificates from),
//     "client_cert_given", "client_cert_offered", "client_cert_not_accepted"
//     and "tls_alert" (the alert that ended the connection: see certAsk and
//     tlsAlert). A server that refuses the connection for its client
//     certificate (an alert for it after asking, or certificate_required)
//     is code "client_cert_required"; in TLS 1.3 that alert comes after
//     the handshake, and is waited for certRefusalWait.
//   - "plain_http_status", "plain_http_location", "plain_http_title" (or
//     "plain_http_error"): when the certificate is not for the host, what
//     a plain GET of http://host/ answered (see plainHTTPLook): a network
//     sign-in page sends it on to itself.
func TLSProbe() Probe {
	return Probe{Name: ProbeTLS, Needs: []string{ProbeDNS}, After: []string{ProbeTCP}, Run: probeTLS}
}

// publicRoots is the Mozilla root set, parsed once, on first use: it does
// not depend on the machine, so it shows whether a chain is publicly
// trusted or only trusted here.
var publicRoots = sync.OnceValue(func() *x509.CertPool {
	p := x509.NewCertPool()
	for root := range bundle.Roots() {
		c, err := x509.ParseCertificate(root.Certificate)
		if err != nil {
			continue
		}
		if root.Constraint != nil {
			p.AddCertWithConstraint(c, root.Constraint)
		} else {
			p.AddCert(c)
		}
	}
	return p
})

// probeCipherSuites are all the suites Go implements that are not broken,
// including the RSA key exchange ones newer Go no longer offers by default,
// so that the handshake with an old server succeeds and can be described.
var probeCipherSuites = sync.OnceValue(func() []uint16 {
	var ids []uint16
	for _, s := range tls.CipherSuites() {
		ids = append(ids, s.ID)
	}
	return ids
})

func probeTLS(ctx context.Context, r *ProbeRun) Result {
	res := r.Result()
	if !r.Target.Secure() {
		res.Status, res.Code = Skip, CodeNotApplicable
		res.Reason = "ws:// target: no TLS"
		return res
	}
	res = handshakeAndVerify(ctx, r, res)
	if r.TLS.Insecure {
		res.Evidence.Set(KeyInsecure, "yes")
	}
	return res
}

// handshakeAndVerify is the tls probe for a wss target.
func handshakeAndVerify(ctx context.Context, r *ProbeRun, res Result) Result {
	conn, err := r.DialTarget(ctx)
	if err != nil {
		res.Status, res.Code, res.Error = Fail, Classify(err), err.Error()
		res.Reason = "could not connect to the target"
		return res
	}
	defer conn.Close()

	host := r.Target.Host
	cfg := r.TLS.Config(host, "http/1.1")
	// See everything; the verification is done below, by hand.
	cfg.InsecureSkipVerify = true
	cfg.MinVersion = tls.VersionTLS10
	cfg.CipherSuites = probeCipherSuites()
	sni := host
	if r.Target.IsIP() {
		sni = "none"
	}

	ask := watchCertRequest(cfg)
	tc := tls.Client(conn, cfg)
	// A port that says nothing to a TLS handshake may be a plain HTTP
	// one: asked in plain HTTP halfway through, within the same bound.
	sniff := r.plainSniff(ctx)
	defer sniff.stop()
	end := r.Begin(PhaseTLS)
	err = tc.HandshakeContext(ctx)
	end()
	if err == nil {
		err = awaitCertRefusal(ctx, tc, ask)
	}
	r.clientCertEvidence(&res.Evidence, ask, err)
	if err != nil {
		res.Status, res.Code, res.Error = Fail, handshakeCode(err), err.Error()
		res.Evidence.Set(KeyServerName, sni)
		res.Reason = "the TLS handshake failed"
		if refusesClientCert(ask, err) {
			res.Code = CodeClientCertRequired
			res.Reason = "the server wants a client certificate it accepts"
		} else if code := r.wrongSchemeTLS(err, res.Code, sniff); code != "" {
			res.Code, res.Reason = code, "the port answers plain HTTP, not TLS: the address should start with ws://"
			res.Evidence.Set(KeyPortSpeaks, "http")
		}
		return res
	}
	// conn.Close, deferred above, ends it without waiting to send
	// close_notify to a peer that may not read.
	st := tc.ConnectionState()
	res.Evidence.Set(KeyVersion, tls.VersionName(st.Version))
	res.Evidence.Set("cipher", tls.CipherSuiteName(st.CipherSuite))
	alpn := st.NegotiatedProtocol
	if alpn == "" {
		alpn = "none"
	}
	res.Evidence.Set("alpn", alpn)
	res.Evidence.Set(KeyServerName, sni)

	chain := st.PeerCertificates
	if len(chain) == 0 {
		// A client that skips verification accepts an empty chain.
		res.Status, res.Code = Fail, CodeCertInvalid
		res.Reason = "the server presented no certificate"
		return res
	}
	describeChain(&res.Evidence, chain)

	leaf := chain[0]
	if exp := r.Options.ExpectedIssuers; len(exp) > 0 {
		res.Evidence.Set(KeyExpectedIssuers, strings.Join(exp, "; "))
		res.Evidence.Set(KeyIssuerExpected, yesNo(IssuerExpected(exp, leaf.Issuer.CommonName, leaf.Issuer.Organization)))
	}
	now := r.Now()
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	verify := func(roots *x509.CertPool) ([][]*x509.Certificate, error) {
		return leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now})
	}
	osChains, osErr := verify(r.TLS.Roots())
	if osErr == nil {
		res.Evidence.Set(KeyVerifiedOS, "yes")
	} else {
		res.Evidence.Set(KeyVerifiedOS, osErr.Error())
	}
	pubChains, pubErr := verify(publicRoots())
	res.Evidence.Set("verified_public", yesNo(pubErr == nil))

	trusted := TrustedNone
	switch {
	case pubErr == nil:
		trusted = TrustedPublic
		res.Evidence.Set("verified_root", chainRoot(pubChains))
	case osErr == nil:
		trusted = TrustedOSOnly
		if r.TLS.ExtraRoots != nil {
			if _, err := verify(r.TLS.ExtraRoots); err == nil {
				trusted = TrustedCAFile
			}
		}
		res.Evidence.Set("verified_root", chainRoot(osChains))
	}
	res.Evidence.Set(KeyTrustedBy, trusted)
	hostErr := leaf.VerifyHostname(host)
	res.Evidence.Set(KeyHostnameMatch, yesNo(hostErr == nil))
	if hostErr != nil {
		r.plainHTTPLook(ctx, &res.Evidence) // a portal's certificate?
	}

	// A certificate problem fails, unless the user chose to go on anyway.
	certProblem := func(code, reason string, err error) Result {
		res.Status, res.Code, res.Reason = Fail, code, reason
		if r.TLS.Insecure {
			res.Status = Warn
		}
		if err != nil {
			res.Error = err.Error()
		}
		return res
	}

	switch {
	case st.Version < minAppTLSVersion:
		res.Status, res.Code = Fail, CodeTLSVersion
		res.Reason = fmt.Sprintf("the server negotiated %s, below TLS 1.2", tls.VersionName(st.Version))
		return res
	case osErr != nil:
		code, reason := chainProblem(osErr, chain, now)
		return certProblem(code, reason, osErr)
	case hostErr != nil:
		return certProblem(CodeCertHostname, fmt.Sprintf("the certificate is not valid for %s", host), hostErr)
	case trusted == TrustedOSOnly:
		res.Status, res.Code = Warn, CodeNotPublicRoot
		res.Reason = "the chain is trusted by this machine's roots only, not by any public root"
		res.Error = pubErr.Error()
		return res
	}
	res.Status, res.Code = Pass, CodeOK
	res.Reason = fmt.Sprintf("%s, certificate trusted (%s)", tls.VersionName(st.Version), trusted)
	return res
}

// handshakeCode classifies a failed handshake; a server that wants none of
// the versions offered is told apart from other TLS errors.
func handshakeCode(err error) string {
	var alert tls.AlertError
	if errors.As(err, &alert) && alert == 70 { // protocol_version
		return CodeTLSVersion
	}
	if strings.Contains(err.Error(), "unsupported protocol version") ||
		strings.Contains(err.Error(), "protocol version not supported") {
		return CodeTLSVersion
	}
	return Classify(err)
}

// chainProblem names what is wrong with a chain that did not verify.
func chainProblem(err error, chain []*x509.Certificate, now time.Time) (code, reason string) {
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
		for i, c := range chain {
			if now.After(c.NotAfter) {
				return CodeCertExpired, fmt.Sprintf("certificate %d expired at %s", i, utc(c.NotAfter))
			}
			if now.Before(c.NotBefore) {
				return CodeCertNotYetValid, fmt.Sprintf("certificate %d is not valid before %s", i, utc(c.NotBefore))
			}
		}
		return CodeCertExpired, "a certificate of the chain is outside its validity period"
	}
	var unknown x509.UnknownAuthorityError
	if errors.As(err, &unknown) {
		if len(chain) == 1 && selfSigned(chain[0]) {
			return CodeCertSelfSigned, "the server presents a self-signed certificate"
		}
		return CodeCertUnknownAuthority, "the chain leads to an authority this machine does not trust"
	}
	return CodeCertInvalid, "the certificate chain does not verify"
}

// IssuerExpected reports whether a certificate issued by an issuer with
// this common name and these organisations comes from one of the expected
// issuers. Names compare without regard to case or surrounding spaces.
// Every issuer is expected when expected is empty.
func IssuerExpected(expected []string, commonName string, organizations []string) bool {
	if len(expected) == 0 {
		return true
	}
	for _, want := range expected {
		want = strings.TrimSpace(want)
		if want == "" {
			continue
		}
		if strings.EqualFold(want, strings.TrimSpace(commonName)) {
			return true
		}
		for _, o := range organizations {
			if strings.EqualFold(want, strings.TrimSpace(o)) {
				return true
			}
		}
	}
	return false
}

// selfSigned reports whether c names itself as issuer and its own key
// signs it.
func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) &&
		c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// describeChain records each presented certificate.
func describeChain(ev *Evidence, chain []*x509.Certificate) {
	ev.Set("chain_length", strconv.Itoa(len(chain)))
	for i, c := range chain {
		p := "cert" + strconv.Itoa(i) + "_"
		ev.Set(p+"subject", c.Subject.String())
		ev.Set(p+"issuer", c.Issuer.String())
		ev.Set(p+"not_before", utc(c.NotBefore))
		ev.Set(p+"not_after", utc(c.NotAfter))
		if i == 0 {
			ev.Set(p+"sans", sans(c))
		}
	}
	leaf := chain[0]
	ev.Set(KeyLeafIssuer, leaf.Issuer.String())
	ev.Set(KeyLeafIssuerOrg, strings.Join(leaf.Issuer.Organization, ", "))
	ev.Set("root", chain[len(chain)-1].Subject.String())
}

func sans(c *x509.Certificate) string {
	var s []string
	for _, d := range c.DNSNames {
		s = append(s, "DNS:"+d)
	}
	for _, ip := range c.IPAddresses {
		s = append(s, "IP:"+ip.String())
	}
	for _, u := range c.URIs {
		s = append(s, "URI:"+u.String())
	}
	for _, e := range c.EmailAddresses {
		s = append(s, "email:"+e)
	}
	return strings.Join(s, ", ")
}

// chainRoot is the subject of the root of the first verified chain.
func chainRoot(chains [][]*x509.Certificate) string {
	if len(chains) == 0 || len(chains[0]) == 0 {
		return ""
	}
	c := chains[0]
	return c[len(c)-1].Subject.String()
}

func utc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
