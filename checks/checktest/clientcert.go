package checktest

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// ClientLeaf issues a TLS client certificate (extended key usage
// clientAuth) for cn, signed by the CA.
func (ca *CA) ClientLeaf(tb testing.TB, cn string) tls.Certificate {
	tb.Helper()
	key := newKey(tb)
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(tb),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		tb.Fatalf("create client certificate: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatalf("parse client certificate: %v", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// WriteKeyPair writes c's certificate and key as PEM files in
// tb.TempDir, for --cert and --key (and nginx's ssl_certificate), and
// returns their paths.
func WriteKeyPair(tb testing.TB, c tls.Certificate) (certFile, keyFile string) {
	tb.Helper()
	dir := tb.TempDir()
	var certPEM []byte
	for _, der := range c.Certificate {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		tb.Fatalf("marshal key: %v", err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		tb.Fatal(err)
	}
	return certFile, keyFile
}

// Pool is a certificate pool holding the CA, for a server's ClientCAs.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// NginxClientCert starts nginx on 127.0.0.1 as a TLS reverse proxy for
// WebSockets to backend, with the server certificate given, that asks for
// a client certificate from clientCA. verify is nginx's ssl_verify_client:
// "on" refuses a request without a valid certificate with its own 400
// ("No required SSL certificate was sent"); "optional" lets it through
// the handshake, and a location answers 403 unless the certificate was
// verified, as a gateway that checks it per path does. It returns the
// address ("127.0.0.1:port").
func NginxClientCert(t testing.TB, backend string, server tls.Certificate, clientCA *CA, verify string) string {
	t.Helper()
	certFile, keyFile := WriteKeyPair(t, server)
	caFile := clientCA.WriteFile(t)
	check := ""
	if verify == "optional" {
		check = "if ($ssl_client_verify != SUCCESS) { return 403; }"
	}
	return startNginx(t, func(dir string, port int) string {
		return fmt.Sprintf(`        listen 127.0.0.1:%d ssl;
        ssl_certificate %s;
        ssl_certificate_key %s;
        ssl_client_certificate %s;
        ssl_verify_client %s;
        location / {
            %s
            proxy_pass http://%s;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
        }
`, port, certFile, keyFile, caFile, verify, check, backend)
	})
}
