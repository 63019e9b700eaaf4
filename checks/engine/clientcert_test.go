package engine_test

import (
	"crypto/tls"
	"crypto/x509/pkix"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// TestClientCertRequired runs the tls and upgrade probes against a Go TLS
// server that requires a client certificate from its own CA
// (RequireAndVerifyClientCert), in TLS 1.3 (the refusal comes as an alert
// after the handshake) and TLS 1.2 (it ends the handshake): without a
// certificate, with one from another CA, and with the right one. The
// upgrade, refused the same way, is not counted twice (after_tls) but keeps
// what it saw.
func TestClientCertRequired(t *testing.T) {
	serverCA := checktest.NewCA(t)
	clientCA := checktest.NewNamedCA(t, pkix.Name{CommonName: "Acme Client CA", Organization: []string{"Acme"}})
	otherCA := checktest.NewNamedCA(t, pkix.Name{CommonName: "Somebody Else CA"})
	rightCert, rightKey := checktest.WriteKeyPair(t, clientCA.ClientLeaf(t, "jane"))
	wrongCert, wrongKey := checktest.WriteKeyPair(t, otherCA.ClientLeaf(t, "jane"))
	caFile := serverCA.WriteFile(t)

	for _, v := range []struct {
		name string
		max  uint16
	}{{"TLS 1.3", tls.VersionTLS13}, {"TLS 1.2", tls.VersionTLS12}} {
		url := startRef(t, &tls.Config{
			Certificates: []tls.Certificate{serverCA.Valid(t)},
			ClientAuth:   tls.RequireAndVerifyClientCert,
			ClientCAs:    clientCA.Pool(),
			MaxVersion:   v.max,
		})
		for _, tc := range []struct {
			name      string
			cert, key string
			tlsCode   string
			upStatus  engine.Status
			ev        map[string]string
		}{
			{"no certificate", "", "", engine.CodeClientCertRequired, engine.Skip,
				map[string]string{"client_cert_requested": "yes", "client_cert_cas": "Acme Client CA", "client_cert_offered": "no", "client_cert_given": "no", "tls_alert": "*"}},
			{"a certificate from another CA", wrongCert, wrongKey, engine.CodeClientCertRequired, engine.Skip,
				map[string]string{"client_cert_requested": "yes", "client_cert_offered": "no", "client_cert_not_accepted": "yes", "client_cert_given": "yes"}},
			{"the right certificate", rightCert, rightKey, engine.CodeOK, engine.Pass,
				map[string]string{"client_cert_requested": "yes", "client_cert_offered": "yes", "tls_alert": "-"}},
		} {
			t.Run(v.name+"/"+tc.name, func(t *testing.T) {
				out := runCheck(t, &engine.Runner{Probes: []engine.Probe{engine.DNSProbe(), engine.TCPProbe(), engine.TLSProbe(), engine.UpgradeProbe()}}, url, engine.Options{CAFile: caFile, ClientCert: tc.cert, ClientKey: tc.key})
				tr := result(t, out, "tls")
				if tr.Code != tc.tlsCode {
					t.Errorf("tls: code %q, want %q (%s; %v)", tr.Code, tc.tlsCode, tr.Error, tr.Evidence)
				}
				for _, r := range []engine.Result{tr, result(t, out, "upgrade")} {
					for k, want := range tc.ev {
						got, ok := r.Evidence.Get(k)
						switch {
						case want == "-" && ok:
							t.Errorf("%s: %s = %q, want none", r.Probe, k, got)
						case want == "*" && !ok, want != "*" && want != "-" && got != want:
							t.Errorf("%s: %s = %q, want %q (%s)", r.Probe, k, got, want, r.Error)
						}
					}
				}
				if up := result(t, out, "upgrade"); up.Status != tc.upStatus {
					t.Errorf("upgrade: %s %s (%s), want %s", up.Status, up.Code, up.Error, tc.upStatus)
				}
			})
		}
	}
}
