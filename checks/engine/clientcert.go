package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/asn1"
	"slices"
	"strings"
	"sync"
	"time"
)

// certAsk records whether a server asked for a TLS client certificate
// (its CertificateRequest: Go calls GetClientCertificate only then), the
// authorities it said it accepts, and whether a certificate was offered.
type certAsk struct {
	mu      sync.Mutex
	asked   bool
	cas     []string
	offered bool
	// notAccepted: the user gave a certificate, but none of the
	// authorities the server named issued it, so it was not sent.
	notAccepted bool
}

// watchCertRequest makes cfg record the server's CertificateRequest in a
// certAsk. The certificate chosen is the one Go would choose from
// cfg.Certificates: the first whose issuer the server accepts, else none.
func watchCertRequest(cfg *tls.Config) *certAsk {
	a := &certAsk{}
	certs := cfg.Certificates
	cfg.Certificates = nil
	cfg.GetClientCertificate = func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.asked = true
		a.cas = a.cas[:0]
		for _, der := range cri.AcceptableCAs {
			a.cas = append(a.cas, caName(der))
		}
		for i := range certs {
			if cri.SupportsCertificate(&certs[i]) == nil {
				a.offered = true
				return &certs[i], nil
			}
		}
		a.notAccepted = len(certs) > 0
		return new(tls.Certificate), nil
	}
	return a
}

// maxCANames bounds the authorities kept as evidence: a server may list
// dozens, and the first few name the one that matters.
const maxCANames = 8

// note keeps what the server asked as evidence: "client_cert_requested"
// (yes or no, once the server spoke), "client_cert_cas" (the authorities
// it accepts, "; " between them), "client_cert_offered" (yes or no) and
// "client_cert_not_accepted" (yes: the certificate given was not issued by
// one of those authorities, so it was not sent). given says whether the
// user gave a certificate.
func (a *certAsk) note(e *Evidence, given bool) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	e.Set("client_cert_given", yesNo(given))
	if !a.asked {
		e.Set(KeyClientCertRequested, "no")
		return
	}
	e.Set(KeyClientCertRequested, "yes")
	if len(a.cas) > 0 {
		cas := a.cas
		if len(cas) > maxCANames {
			cas = append(cas[:maxCANames:maxCANames], "…")
		}
		e.Set(KeyClientCertCAS, clip(strings.Join(cas, "; "), maxHeaderValue))
	}
	e.Set(KeyClientCertOffered, yesNo(a.offered))
	if a.notAccepted {
		e.Set("client_cert_not_accepted", "yes")
	}
}

// caName is a DER distinguished name as a person reads it: its CN=, else
// the whole name.
func caName(der []byte) string {
	var seq pkix.RDNSequence
	if rest, err := asn1.Unmarshal(der, &seq); err != nil || len(rest) > 0 {
		return "(unreadable name)"
	}
	var n pkix.Name
	n.FillFromRDNSequence(&seq)
	if n.CommonName != "" {
		return n.CommonName
	}
	return n.String()
}

// tlsAlerts are the TLS alerts crypto/tls names in its errors, by the
// words it uses, with the names the evidence gives them (RFC 8446 6.2).
var tlsAlerts = []struct{ text, name string }{
	{"certificate required", "certificate_required"},
	{"bad certificate", "bad_certificate"},
	{"unknown certificate authority", "unknown_ca"},
	{"unknown certificate", "certificate_unknown"},
	{"access denied", "access_denied"},
	{"handshake failure", "handshake_failure"},
	{"protocol version not supported", "protocol_version"},
	{"internal error", "internal_error"},
	{"unrecognized name", "unrecognized_name"},
}

// tlsAlert is the name of the TLS alert the peer sent, when err is one
// ("remote error: tls: certificate required"), or "".
func tlsAlert(err error) string {
	if err == nil {
		return ""
	}
	_, after, ok := strings.Cut(err.Error(), "remote error: tls: ")
	if !ok {
		return ""
	}
	for _, a := range tlsAlerts {
		if strings.HasPrefix(after, a.text) {
			return a.name
		}
	}
	return "other"
}

// clientCertEvidence keeps what the server asked of a client certificate
// (see certAsk.note) and the TLS alert that ended the connection, if one
// did ("tls_alert": certificate_required, bad_certificate, unknown_ca...).
func (r *ProbeRun) clientCertEvidence(e *Evidence, ask *certAsk, err error) {
	ask.note(e, len(r.TLS.ClientCerts) > 0)
	if a := tlsAlert(err); a != "" {
		e.Set(KeyTLSAlert, a)
	}
}

// CodeClientCertRequired: the tls probe's code for a server that asked
// for a client certificate and refused the connection without one it
// accepts.
const CodeClientCertRequired = "client_cert_required"

// certRefusalWait bounds how long the tls probe waits, after a TLS 1.3
// handshake in which the server asked for a client certificate, for the
// alert that refuses it: in TLS 1.3 the server checks the certificate
// after the client has finished, and says no at once.
const certRefusalWait = 250 * time.Millisecond

// awaitCertRefusal waits, when the server asked for a client certificate
// in a TLS 1.3 handshake, for a refusal (an alert) for a short while, and
// returns it. A server that sends nothing has accepted the connection.
func awaitCertRefusal(ctx context.Context, tc *tls.Conn, ask *certAsk) error {
	ask.mu.Lock()
	asked := ask.asked
	ask.mu.Unlock()
	if !asked || tc.ConnectionState().Version < tls.VersionTLS13 {
		return nil
	}
	d := time.Now().Add(certRefusalWait)
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		d = cd
	}
	tc.SetReadDeadline(d)
	defer tc.SetReadDeadline(time.Time{})
	var b [1]byte
	_, err := tc.Read(b[:])
	if tlsAlert(err) != "" {
		return err
	}
	return nil
}

// certAlerts are the alerts servers send to refuse a client certificate,
// or the lack of one.
var certAlerts = []string{"certificate_required", "bad_certificate", "unknown_ca", "certificate_unknown", "access_denied", "handshake_failure"}

// refusesClientCert reports whether err is the server refusing the
// connection for its client certificate: an alert for it after the server
// asked for one (certificate_required says so by itself).
func refusesClientCert(ask *certAsk, err error) bool {
	a := tlsAlert(err)
	if a == "certificate_required" {
		return true
	}
	if ask == nil {
		return false
	}
	ask.mu.Lock()
	asked := ask.asked
	ask.mu.Unlock()
	return asked && slices.Contains(certAlerts, a)
}
