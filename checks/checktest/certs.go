package checktest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// LoopbackHosts are the names a loopback test certificate is valid for.
var LoopbackHosts = []string{"127.0.0.1", "::1", "localhost"}

// CA is a test certificate authority with an ECDSA P-256 key.
type CA struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	// PEM is the CA certificate, PEM-encoded.
	PEM []byte
}

// NewCA makes a CA valid from a year ago to a year ahead, so that the
// expired and not-yet-valid leaves it signs are wrong only by their own
// dates.
func NewCA(tb testing.TB) *CA {
	tb.Helper()
	return NewNamedCA(tb, pkix.Name{CommonName: "wsdoctor Test CA", Organization: []string{"wsdoctor tests"}})
}

// NewNamedCA is NewCA with the subject given, for a second authority that
// must be told apart from the first (a company's inspection CA).
func NewNamedCA(tb testing.TB, subject pkix.Name) *CA {
	tb.Helper()
	key := newKey(tb)
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(tb),
		Subject:               subject,
		NotBefore:             now.Add(-365 * 24 * time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatalf("create CA certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatalf("parse CA certificate: %v", err)
	}
	return &CA{Cert: cert, Key: key, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// WriteFile writes the CA certificate as PEM to a file in tb.TempDir and
// returns its path, for Options.CAFile (--ca).
func (ca *CA) WriteFile(tb testing.TB) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "ca.pem")
	if err := os.WriteFile(p, ca.PEM, 0o600); err != nil {
		tb.Fatalf("write CA file: %v", err)
	}
	return p
}

// LeafSpec describes a leaf certificate.
type LeafSpec struct {
	// Hosts are DNS names and IP addresses; nil means LoopbackHosts.
	Hosts []string
	// NotBefore and NotAfter default to an hour ago and a day ahead.
	NotBefore, NotAfter time.Time
}

// Leaf issues a server certificate signed by the CA.
func (ca *CA) Leaf(tb testing.TB, spec LeafSpec) tls.Certificate {
	tb.Helper()
	return issue(tb, spec, ca.Cert, ca.Key, "wsdoctor test server")
}

// Valid is a leaf for the loopback hosts, valid now.
func (ca *CA) Valid(tb testing.TB) tls.Certificate {
	tb.Helper()
	return ca.Leaf(tb, LeafSpec{})
}

// Expired is a leaf for the loopback hosts that expired yesterday.
func (ca *CA) Expired(tb testing.TB) tls.Certificate {
	tb.Helper()
	now := time.Now()
	return ca.Leaf(tb, LeafSpec{NotBefore: now.Add(-30 * 24 * time.Hour), NotAfter: now.Add(-24 * time.Hour)})
}

// NotYetValid is a leaf for the loopback hosts that becomes valid tomorrow.
func (ca *CA) NotYetValid(tb testing.TB) tls.Certificate {
	tb.Helper()
	now := time.Now()
	return ca.Leaf(tb, LeafSpec{NotBefore: now.Add(24 * time.Hour), NotAfter: now.Add(30 * 24 * time.Hour)})
}

// WrongHost is a valid leaf for a name that is not a loopback host.
func (ca *CA) WrongHost(tb testing.TB) tls.Certificate {
	tb.Helper()
	return ca.Leaf(tb, LeafSpec{Hosts: []string{"wrong.example"}})
}

// SelfSigned is a leaf for the loopback hosts that signs itself.
func SelfSigned(tb testing.TB) tls.Certificate {
	tb.Helper()
	return issue(tb, LeafSpec{}, nil, nil, "wsdoctor self-signed")
}

// issue makes a leaf signed by parent, or by itself when parent is nil.
func issue(tb testing.TB, spec LeafSpec, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, cn string) tls.Certificate {
	tb.Helper()
	key := newKey(tb)
	now := time.Now()
	if spec.NotBefore.IsZero() {
		spec.NotBefore = now.Add(-time.Hour)
	}
	if spec.NotAfter.IsZero() {
		spec.NotAfter = now.Add(24 * time.Hour)
	}
	hosts := spec.Hosts
	if hosts == nil {
		hosts = LoopbackHosts
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(tb),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             spec.NotBefore,
		NotAfter:              spec.NotAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		tb.Fatalf("create certificate: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatalf("parse certificate: %v", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

func newKey(tb testing.TB) *ecdsa.PrivateKey {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatalf("generate key: %v", err)
	}
	return key
}

func serial(tb testing.TB) *big.Int {
	tb.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		tb.Fatalf("serial number: %v", err)
	}
	return n
}

// CertServer is a TLS server on loopback that completes handshakes with one
// certificate and then waits for the client to hang up; it serves nothing.
type CertServer struct {
	// Addr is host:port on 127.0.0.1.
	Addr string
	// Port is the listening port.
	Port int

	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]struct{}
	done  bool
}

// StartCertServer starts a TLS server on 127.0.0.1:0 presenting cert and
// speaking TLS versions minVersion to maxVersion (tls.VersionTLS10 ...;
// zero means Go's default). It is closed when the test ends.
//
// Go servers since 1.22 offer TLS 1.0 and 1.1 only when MinVersion says so,
// which is set here. A TLS 1.0 handshake needs a CBC suite; with the ECDSA
// keys of this package Go's defaults include
// TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, so no suite list is needed.
func StartCertServer(tb testing.TB, cert tls.Certificate, minVersion, maxVersion uint16) *CertServer {
	tb.Helper()
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   minVersion,
		MaxVersion:   maxVersion,
		NextProtos:   []string{"http/1.1"},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	s := &CertServer{Addr: ln.Addr().String(), Port: ln.Addr().(*net.TCPAddr).Port, ln: ln, conns: map[net.Conn]struct{}{}}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				if !errors.Is(err, net.ErrClosed) {
					tb.Logf("cert server accept: %v", err)
				}
				return
			}
			if !s.track(c) {
				c.Close()
				return
			}
			s.wg.Go(func() {
				defer s.untrack(c)
				tc := tls.Server(c, cfg)
				if err := tc.Handshake(); err != nil {
					return
				}
				// Hold the connection until the client closes it.
				var b [512]byte
				for {
					if _, err := tc.Read(b[:]); err != nil {
						return
					}
				}
			})
		}
	})
	tb.Cleanup(s.Close)
	return s
}

func (s *CertServer) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *CertServer) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
}

// Close stops the server and every connection, and waits for its
// goroutines. It may be called more than once.
func (s *CertServer) Close() {
	s.mu.Lock()
	s.done = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

// KeyAndCertPEM is the CA's private key (PKCS #8) and certificate, PEM
// encoded one after the other, as mitmproxy reads its authority.
func (ca *CA) KeyAndCertPEM(tb testing.TB) []byte {
	tb.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(ca.Key)
	if err != nil {
		tb.Fatal(err)
	}
	return append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), ca.PEM...)
}
