package engine_test

import (
	"crypto/tls"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

func tlsProbes() []engine.Probe {
	return []engine.Probe{engine.DNSProbe(), engine.TCPProbe(), engine.TLSProbe()}
}

func TestTLSProbe(t *testing.T) {
	ca := checktest.NewCA(t)
	caFile := ca.WriteFile(t)
	utc := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }

	type server struct {
		cert     tls.Certificate
		min, max uint16
	}
	tests := []struct {
		name     string
		server   server
		host     string // target host; "" means 127.0.0.1
		opts     engine.Options
		status   engine.Status
		code     string
		evidence map[string]string
		noError  bool
	}{
		{
			name:   "healthy with own CA as --ca",
			server: server{cert: ca.Valid(t)},
			opts:   engine.Options{CAFile: caFile},
			status: engine.Pass, code: "ok", noError: true,
			evidence: map[string]string{
				"version": "TLS 1.3", "alpn": "http/1.1", "server_name": "none", "cipher": "TLS_*",
				"chain_length": "1", "cert0_subject": "CN=wsdoctor test server",
				"cert0_issuer": "CN=wsdoctor Test CA,O=wsdoctor tests", "cert0_sans": "DNS:localhost, IP:127.0.0.1, IP:::1",
				"leaf_issuer": "CN=wsdoctor Test CA,O=wsdoctor tests", "leaf_issuer_org": "wsdoctor tests",
				"root": "CN=wsdoctor test server", "verified_root": "CN=wsdoctor Test CA,O=wsdoctor tests",
				"verified_os": "yes", "verified_public": "no", "trusted_by": "ca_file", "hostname_match": "yes",
			},
		},
		{
			name:   "healthy by host name sends SNI",
			server: server{cert: ca.Valid(t)},
			host:   "localhost",
			opts:   engine.Options{CAFile: caFile},
			status: engine.Pass, code: "ok", noError: true,
			evidence: map[string]string{"server_name": "localhost", "trusted_by": "ca_file", "hostname_match": "yes"},
		},
		{
			name:   "TLS 1.2 is still fine",
			server: server{cert: ca.Valid(t), max: tls.VersionTLS12},
			opts:   engine.Options{CAFile: caFile},
			status: engine.Pass, code: "ok",
			evidence: map[string]string{"version": "TLS 1.2", "cipher": "TLS_ECDHE_ECDSA_*"},
		},
		{
			name:   "own CA not given",
			server: server{cert: ca.Valid(t)},
			status: engine.Fail, code: "cert_unknown_authority",
			evidence: map[string]string{
				"verified_os": "x509: *", "verified_public": "no", "trusted_by": "none", "hostname_match": "yes",
				"leaf_issuer_org": "wsdoctor tests",
			},
		},
		{
			name:   "expired",
			server: server{cert: ca.Expired(t)},
			opts:   engine.Options{CAFile: caFile},
			status: engine.Fail, code: "cert_expired",
			evidence: map[string]string{"verified_os": "x509: *", "trusted_by": "none", "cert0_not_after": utc(time.Now().Add(-24 * time.Hour))[:10] + "*"},
		},
		{
			name:   "not yet valid",
			server: server{cert: ca.NotYetValid(t)},
			opts:   engine.Options{CAFile: caFile},
			status: engine.Fail, code: "cert_not_yet_valid",
			evidence: map[string]string{"trusted_by": "none", "cert0_not_before": utc(time.Now().Add(24 * time.Hour))[:10] + "*"},
		},
		{
			name:   "wrong host",
			server: server{cert: ca.WrongHost(t)},
			opts:   engine.Options{CAFile: caFile},
			status: engine.Fail, code: "cert_hostname",
			evidence: map[string]string{"verified_os": "yes", "trusted_by": "ca_file", "hostname_match": "no", "cert0_sans": "DNS:wrong.example"},
		},
		{
			name:   "self-signed",
			server: server{cert: checktest.SelfSigned(t)},
			opts:   engine.Options{CAFile: caFile},
			status: engine.Fail, code: "cert_self_signed",
			evidence: map[string]string{"trusted_by": "none", "root": "CN=wsdoctor self-signed", "hostname_match": "yes"},
		},
		{
			name:   "TLS 1.0 only",
			server: server{cert: ca.Valid(t), min: tls.VersionTLS10, max: tls.VersionTLS10},
			opts:   engine.Options{CAFile: caFile},
			status: engine.Fail, code: "tls_version",
			evidence: map[string]string{"version": "TLS 1.0", "trusted_by": "ca_file", "cipher": "TLS_ECDHE_ECDSA_WITH_AES_*"},
		},
		{
			name:   "TLS 1.0 only stays a failure with --insecure",
			server: server{cert: ca.Valid(t), min: tls.VersionTLS10, max: tls.VersionTLS10},
			opts:   engine.Options{Insecure: true},
			status: engine.Fail, code: "tls_version",
			evidence: map[string]string{"version": "TLS 1.0", "insecure": "yes"},
		},
		{
			name:   "--insecure turns self-signed into a warning",
			server: server{cert: checktest.SelfSigned(t)},
			opts:   engine.Options{Insecure: true},
			status: engine.Warn, code: "cert_self_signed",
			evidence: map[string]string{"insecure": "yes", "trusted_by": "none", "verified_os": "x509: *"},
		},
		{
			name:   "--insecure turns expired into a warning",
			server: server{cert: ca.Expired(t)},
			opts:   engine.Options{CAFile: caFile, Insecure: true},
			status: engine.Warn, code: "cert_expired",
			evidence: map[string]string{"insecure": "yes"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := checktest.StartCertServer(t, tt.server.cert, tt.server.min, tt.server.max)
			host, lookup := "127.0.0.1", engine.LookupFunc(nil)
			if tt.host != "" {
				host, lookup = tt.host, staticLookup(v4Loop, nil)
			}
			out := runChecks(t, tlsProbes(), "wss://"+host+":"+strconv.Itoa(srv.Port)+"/socket", tt.opts, lookup)
			wantStatus(t, result(t, out, "tcp"), engine.Pass, "ok")
			r := result(t, out, "tls")
			wantStatus(t, r, tt.status, tt.code)
			wantEvidence(t, r, tt.evidence)
			if tt.noError && r.Error != "" {
				t.Errorf("error %q on a pass", r.Error)
			}
			if strings.HasPrefix(r.Code, "cert_") && r.Error == "" {
				t.Errorf("no raw error kept for %s", r.Code)
			}
			if _, ok := r.Evidence.Get("insecure"); ok != tt.opts.Insecure {
				t.Errorf("insecure evidence present = %v, want %v", ok, tt.opts.Insecure)
			}
			for _, p := range []engine.Phase{engine.PhaseConnect, engine.PhaseTLS} {
				if _, ok := r.Timing(p); !ok {
					t.Errorf("no %s timing in %v", p, r.Timings)
				}
			}
		})
	}
}

// TestTLSProbeNoHandshake covers targets where the handshake itself does
// not happen.
func TestTLSProbeNoHandshake(t *testing.T) {
	tests := []struct {
		name   string
		target func(t *testing.T) string
		opts   engine.Options
		tcp    engine.Status
		status engine.Status
		code   string
		reason string // substring
	}{
		{
			name:   "ws target has no TLS",
			target: func(t *testing.T) string { return "ws://" + listen(t, "127.0.0.1:0").Addr().String() + "/" },
			tcp:    engine.Pass, status: engine.Skip, code: "not_applicable",
		},
		{
			name:   "refused port is explained by tcp",
			target: func(t *testing.T) string { return "wss://127.0.0.1:" + strconv.Itoa(closedPort(t)) + "/" },
			tcp:    engine.Fail, status: engine.Skip, code: "after_tcp", reason: "tcp failed",
		},
		{
			name: "server that never answers the hello",
			target: func(t *testing.T) string {
				// Connections wait in the accept queue; nobody speaks.
				return "wss://" + listen(t, "127.0.0.1:0").Addr().String() + "/"
			},
			opts: engine.Options{ProbeTimeout: 300 * time.Millisecond},
			tcp:  engine.Pass, status: engine.Fail, code: "timeout",
		},
		{
			name:   "server that resets",
			target: func(t *testing.T) string { return "wss://" + resettingServer(t) + "/" },
			tcp:    engine.Pass, status: engine.Fail, code: "reset",
		},
		{
			name:   "server that refuses every version offered",
			target: func(t *testing.T) string { return "wss://" + versionAlertServer(t) + "/" },
			tcp:    engine.Pass, status: engine.Fail, code: "tls_version",
		},
		{
			name:   "server that does not speak TLS",
			target: func(t *testing.T) string { return "wss://" + plainHTTPServer(t) + "/" },
			tcp:    engine.Pass, status: engine.Fail, code: "plain_port",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := runChecks(t, tlsProbes(), tt.target(t), tt.opts, nil)
			if got := result(t, out, "tcp").Status; got != tt.tcp {
				t.Errorf("tcp status %s, want %s", got, tt.tcp)
			}
			r := result(t, out, "tls")
			wantStatus(t, r, tt.status, tt.code)
			if !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("reason %q, want it to contain %q", r.Reason, tt.reason)
			}
			if tt.status == engine.Fail && r.Error == "" {
				t.Error("no raw error kept")
			}
			if tt.code == "after_tcp" && r.Evidence.Value("own_code") != "refused" {
				t.Errorf("own_code %q, want refused: the probe's own observation is kept", r.Evidence.Value("own_code"))
			}
		})
	}
}

// serveEach accepts connections on a loopback listener and hands each to
// handle, until the test ends.
func serveEach(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { handle(c) })
		}
	})
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().String()
}

// resettingServer aborts every connection with a RST once the client has
// spoken.
func resettingServer(t *testing.T) string {
	return serveEach(t, func(c net.Conn) {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var b [1]byte
		c.Read(b[:])
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	})
}

// versionAlertServer answers the client hello with a fatal protocol_version
// alert, as a server that speaks only SSL 3.0 does.
func versionAlertServer(t *testing.T) string {
	return serveEach(t, func(c net.Conn) {
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var b [1]byte
		if _, err := c.Read(b[:]); err != nil {
			return
		}
		// Record: alert, TLS 1.0, length 2; level fatal (2), protocol_version (70).
		c.Write([]byte{21, 3, 1, 0, 2, 2, 70})
	})
}

// plainHTTPServer answers whatever comes with a plain HTTP response.
func plainHTTPServer(t *testing.T) string {
	return serveEach(t, func(c net.Conn) {
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var b [1]byte
		if _, err := c.Read(b[:]); err != nil {
			return
		}
		c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
	})
}

// osRootsChild marks the child process of TestTLSProbeNotPublicRoot.
const osRootsChild = "WSDOCTOR_TEST_OS_ROOTS_CHILD"

// TestTLSProbeNotPublicRoot puts a private CA in the OS roots, as a company
// or an intercepting proxy does. Go reads the Linux roots once per process
// from SSL_CERT_FILE, so the check runs in a child process that sets it
// before anything loads them.
func TestTLSProbeNotPublicRoot(t *testing.T) {
	if os.Getenv(osRootsChild) == "" {
		if runtime.GOOS != "linux" {
			t.Skip("SSL_CERT_FILE sets the OS roots on Linux only")
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestTLSProbeNotPublicRoot$", "-test.v")
		cmd.Env = append(os.Environ(), osRootsChild+"=1")
		outText, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("run child: %v", err)
		}
		if err != nil || !strings.Contains(string(outText), "--- PASS: TestTLSProbeNotPublicRoot") {
			t.Fatalf("child failed (%v):\n%s", err, outText)
		}
		return
	}
	ca := checktest.NewCA(t)
	t.Setenv("SSL_CERT_FILE", ca.WriteFile(t))
	t.Setenv("SSL_CERT_DIR", filepath.Join(t.TempDir(), "none"))
	srv := checktest.StartCertServer(t, ca.Valid(t), 0, 0)
	tests := []struct {
		name     string
		opts     engine.Options
		status   engine.Status
		code     string
		trusted  string
		insecure bool
	}{
		{name: "company CA in the OS roots", status: engine.Warn, code: "not_public_root", trusted: "os_only"},
		{name: "same CA also given as --ca", opts: engine.Options{CAFile: ca.WriteFile(t)}, status: engine.Pass, code: "ok", trusted: "ca_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := runChecks(t, tlsProbes(), "wss://"+srv.Addr+"/", tt.opts, nil)
			r := result(t, out, "tls")
			wantStatus(t, r, tt.status, tt.code)
			wantEvidence(t, r, map[string]string{
				"verified_os": "yes", "verified_public": "no", "trusted_by": tt.trusted,
				"verified_root": "CN=wsdoctor Test CA,O=wsdoctor tests",
			})
		})
	}
}

func TestTLSProbeExpectedIssuer(t *testing.T) {
	ca := checktest.NewCA(t)
	srv := checktest.StartCertServer(t, ca.Valid(t), 0, 0)
	for _, tt := range []struct {
		expected []string
		want     string
	}{
		{[]string{"Let's Encrypt", "WSDOCTOR TESTS"}, "yes"}, // the organisation, any case
		{[]string{" wsdoctor Test CA "}, "yes"},              // the common name
		{[]string{"Let's Encrypt", "DigiCert Inc"}, "no"},    // someone else's
		{nil, ""}, // no expectation: nothing said
	} {
		opts := engine.Options{CAFile: ca.WriteFile(t), ExpectedIssuers: tt.expected}
		r := result(t, runChecks(t, tlsProbes(), "wss://"+srv.Addr+"/", opts, nil), "tls")
		if got := r.Evidence.Value("issuer_expected"); got != tt.want {
			t.Errorf("expected %q: issuer_expected = %q, want %q (issuer %s)", tt.expected, got, tt.want, r.Evidence.Value("leaf_issuer"))
		}
		if got, want := r.Evidence.Value("expected_issuers"), strings.Join(tt.expected, "; "); got != want {
			t.Errorf("expected_issuers = %q, want %q", got, want)
		}
	}
}

func TestIssuerExpected(t *testing.T) {
	expected := []string{"Let's Encrypt", "Acme Issuing CA 2"}
	tests := []struct {
		cn   string
		orgs []string
		want bool
	}{
		{"R11", []string{"Let's Encrypt"}, true},
		{"acme issuing ca 2", nil, true},
		{"Zscaler Intermediate Root CA", []string{"Zscaler Inc."}, false},
		{"", nil, false},
	}
	for _, tc := range tests {
		if got := engine.IssuerExpected(expected, tc.cn, tc.orgs); got != tc.want {
			t.Errorf("IssuerExpected(%q, %q) = %v, want %v", tc.cn, tc.orgs, got, tc.want)
		}
	}
	if !engine.IssuerExpected(nil, "Anything", nil) {
		t.Error("without expected issuers every issuer should be expected")
	}
}
