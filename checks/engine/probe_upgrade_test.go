package engine_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// stubProbe stands in for a probe these tests do not cover (tcp, tls), so
// the probes under test can name it in After.
func stubProbe(name string) engine.Probe {
	return engine.Probe{Name: name, Needs: []string{engine.ProbeDNS}, Run: func(ctx context.Context, r *engine.ProbeRun) engine.Result {
		res := r.Result()
		res.Status, res.Reason = engine.Skip, "not under test"
		return res
	}}
}

// probesUnderTest are the probes of a WebSocket check, with tcp and tls
// stubbed out.
func probesUnderTest() []engine.Probe {
	return []engine.Probe{engine.DNSProbe(), stubProbe("tcp"), stubProbe("tls"), engine.HTTPProbe(), engine.UpgradeProbe(), engine.EchoProbe()}
}

// runCheck runs the probes under test against url through the real runner.
func runCheck(t *testing.T, rn *engine.Runner, url string, opts engine.Options) engine.Outcome {
	t.Helper()
	target, err := engine.ParseTarget(url)
	if err != nil {
		t.Fatalf("ParseTarget(%q): %v", url, err)
	}
	if rn == nil {
		rn = &engine.Runner{}
	}
	if rn.Probes == nil {
		rn.Probes = probesUnderTest()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := rn.Run(ctx, target, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out
}

// want checks a result's status and code and evidence values; a want value
// of "*" only requires the key to be present, "-" requires it absent.
func want(t *testing.T, res engine.Result, status engine.Status, code string, ev map[string]string) {
	t.Helper()
	if res.Status != status || res.Code != code {
		t.Errorf("%s: status %s code %q, want %s %q (reason %q, error %q, evidence %v)",
			res.Probe, res.Status, res.Code, status, code, res.Reason, res.Error, res.Evidence)
	}
	for k, v := range ev {
		got, ok := res.Evidence.Get(k)
		switch {
		case v == "*" && !ok:
			t.Errorf("%s: evidence %s missing (evidence %v)", res.Probe, k, res.Evidence)
		case v == "-" && ok:
			t.Errorf("%s: evidence %s = %q, want none", res.Probe, k, got)
		case v != "*" && v != "-" && got != v:
			t.Errorf("%s: evidence %s = %q, want %q", res.Probe, k, got, v)
		}
	}
}

func hasTiming(t *testing.T, res engine.Result, p engine.Phase) {
	t.Helper()
	if _, ok := res.Timing(p); !ok {
		t.Errorf("%s: no %s timing in %v", res.Probe, p, res.Timings)
	}
}

func startRef(t testing.TB, cfg *tls.Config) string {
	t.Helper()
	s, err := refserver.StartTLS("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.URL
}

// selfSignedTLS makes a certificate for 127.0.0.1 that is its own CA, and
// writes it as PEM to a file for Options.CAFile.
func selfSignedTLS(t *testing.T) (cfg *tls.Config, caFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "checks test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, caFile
}

func TestUpgrade(t *testing.T) {
	tlsCfg, caFile := selfSignedTLS(t)
	tests := []struct {
		name   string
		url    func(t testing.TB) string
		opts   engine.Options
		status engine.Status
		code   string
		ev     map[string]string
		phases []engine.Phase
		echo   engine.Status
	}{
		{
			name: "healthy ws", url: func(t testing.TB) string { return startRef(t, nil) },
			status: engine.Pass, code: "ok",
			ev: map[string]string{
				"status": "101", "accept_ok": "yes", "compression": "permessage-deflate", "upgrade": "websocket",
				"sec_websocket_accept": "*", "subprotocol": "", "upgrade_ms": "*", "ttfb_ms": "*", "failed_at": "-",
			},
			phases: []engine.Phase{engine.PhaseConnect, engine.PhaseUpgrade},
			echo:   engine.Pass,
		},
		{
			name: "healthy wss", url: func(t testing.TB) string { return startRef(t, tlsCfg) },
			opts:   engine.Options{CAFile: caFile},
			status: engine.Pass, code: "ok",
			ev:     map[string]string{"status": "101", "accept_ok": "yes"},
			phases: []engine.Phase{engine.PhaseConnect, engine.PhaseTLS, engine.PhaseUpgrade},
			echo:   engine.Pass,
		},
		{
			name: "wss with an unknown CA", url: func(t testing.TB) string { return startRef(t, tlsCfg) },
			status: engine.Fail, code: "cert_invalid",
			ev:   map[string]string{"failed_at": "tls", "status": "-"},
			echo: engine.Skip,
		},
		{
			name: "wss to a plain server", url: func(t testing.TB) string { return "wss" + strings.TrimPrefix(startRef(t, nil), "ws") },
			status: engine.Fail, code: "tls_error",
			ev:   map[string]string{"failed_at": "tls"},
			echo: engine.Skip,
		},
		{
			name: "block page", url: checktest.DeniedPage,
			status: engine.Fail, code: "status_200",
			ev: map[string]string{
				"status": "200", "body_title": checktest.DeniedTitle, "via": checktest.DeniedVia,
				"server": checktest.DeniedServer, "x_cache": checktest.DeniedXCache, "accept_ok": "missing", "body": "*",
			},
			echo: engine.Skip,
		},
		{
			name: "400 missing upgrade", url: checktest.MissingUpgrade,
			status: engine.Fail, code: "status_400",
			ev:   map[string]string{"status": "400", "body": checktest.MissingUpgradeBody, "body_title": "-"},
			echo: engine.Skip,
		},
		{
			name: "bad accept", url: checktest.BadAccept,
			status: engine.Fail, code: "bad_accept",
			ev:   map[string]string{"status": "101", "accept_ok": "no", "sec_websocket_accept": checktest.WrongAccept, "expected_accept": "*"},
			echo: engine.Skip,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := runCheck(t, nil, tc.url(t), tc.opts)
			up := result(t, out, "upgrade")
			want(t, up, tc.status, tc.code, tc.ev)
			for _, p := range tc.phases {
				hasTiming(t, up, p)
			}
			if exp := up.Evidence.Value("expected_accept"); exp == checktest.WrongAccept {
				t.Errorf("expected_accept is the wrong accept itself")
			}
			if echo := result(t, out, "echo"); echo.Status != tc.echo {
				t.Errorf("echo: status %s, want %s (%s %s)", echo.Status, tc.echo, echo.Code, echo.Reason)
			}
		})
	}
}

// TestUpgradeSendsHeadersAndSubprotocols checks that the user's extra
// headers and subprotocols reach the server, and that the handshake's own
// are the client's (a header that sets one is refused: TestRunRefusesBadHeaders).
func TestUpgradeSendsHeadersAndSubprotocols(t *testing.T) {
	srv := checktest.NewEcho(t, "chat.v2")
	opts := engine.Options{
		Headers: map[string][]string{
			"Origin":   []string{"https://app.example"},
			"Cookie":   []string{"session=s3cret"},
			"x-custom": []string{"42"},
		},
		Subprotocols: []string{"chat.v1", "chat.v2"},
	}
	out := runCheck(t, nil, srv.URL, opts)
	up := result(t, out, "upgrade")
	want(t, up, engine.Pass, "ok", map[string]string{
		"subprotocol": "chat.v2", "sec_websocket_protocol": "chat.v2",
		"sent_headers": "Cookie,Origin,X-Custom",
	})
	if strings.Contains(up.Evidence.Value("sent_headers"), "s3cret") {
		t.Errorf("sent_headers shows a value: %q", up.Evidence.Value("sent_headers"))
	}
	h := srv.Header()
	if h == nil {
		t.Fatal("the server saw no upgrade request")
	}
	for k, v := range map[string]string{
		"Origin": "https://app.example", "Cookie": "session=s3cret", "X-Custom": "42",
		"Sec-Websocket-Protocol": "chat.v1, chat.v2", "Sec-Websocket-Version": "13",
	} {
		if got := h.Get(k); got != v {
			t.Errorf("server saw %s %q, want %q", k, got, v)
		}
	}
	want(t, result(t, out, "echo"), engine.Pass, "ok", nil)
}

// TestUpgradeHandshakeTimeout tells a server sitting on the upgrade from a
// connection that never opens.
func TestUpgradeHandshakeTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	t.Run("no answer", func(t *testing.T) {
		start := time.Now()
		out := runCheck(t, nil, checktest.Silent(t), engine.Options{ProbeTimeout: timeout})
		up := result(t, out, "upgrade")
		want(t, up, engine.Fail, "handshake_timeout", map[string]string{"failed_at": "response", "status": "-"})
		hasTiming(t, up, engine.PhaseConnect)
		hasTiming(t, up, engine.PhaseUpgrade)
		if d, _ := up.Timing(engine.PhaseConnect); d >= timeout {
			t.Errorf("connect took %v, want it well under the timeout", d)
		}
		if el := time.Since(start); el > 10*timeout {
			t.Errorf("run took %v with a %v probe timeout", el, timeout)
		}
		// The upgrade gives up in one probe timeout, not two (the bench
		// and the lab hold the whole check to 1.1 times it; here the
		// margin is for a loaded machine).
		if up.Duration >= timeout*3/2 {
			t.Errorf("the upgrade took %v, not one %v probe timeout", up.Duration, timeout)
		}
		want(t, result(t, out, "echo"), engine.Skip, "needs_upgrade", nil)
	})
	t.Run("connect never completes", func(t *testing.T) {
		url := startRef(t, nil)
		rn := &engine.Runner{Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			<-ctx.Done() // a port that drops packets
			return nil, ctx.Err()
		}}
		out := runCheck(t, rn, url, engine.Options{ProbeTimeout: timeout})
		up := result(t, out, "upgrade")
		want(t, up, engine.Fail, "timeout", map[string]string{"failed_at": "connect"})
		if _, ok := up.Timing(engine.PhaseUpgrade); ok {
			t.Errorf("upgrade phase timed although no connection opened")
		}
	})
}

// TestUpgradeSlow: an upgrade answered after the slow threshold is a
// warning with its time, not a failure; the threshold is at most half the
// probe timeout, the upgrade's bound, so that a slow answer is still seen.
func TestUpgradeSlow(t *testing.T) {
	const delay = 450 * time.Millisecond
	tests := []struct {
		name   string
		opts   engine.Options
		status engine.Status
		code   string
		slow   string
	}{
		{"past a short threshold", engine.Options{SlowUpgradeAfter: 200 * time.Millisecond}, engine.Warn, "slow", "200.000"},
		{"past half the probe timeout", engine.Options{ProbeTimeout: 880 * time.Millisecond}, engine.Warn, "slow", "440.000"},
		{"under the threshold", engine.Options{SlowUpgradeAfter: 2 * time.Second}, engine.Pass, "ok", "-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := runCheck(t, nil, checktest.SlowUpgrade(t, delay), tc.opts)
			up := result(t, out, "upgrade")
			want(t, up, tc.status, tc.code, map[string]string{"slow_after_ms": tc.slow, "status": "101"})
			if d, ok := up.Timing(engine.PhaseUpgrade); !ok || d < delay {
				t.Errorf("upgrade took %v, want at least %v", d, delay)
			}
			if tc.status == engine.Warn && !strings.Contains(up.Reason, "answered after") {
				t.Errorf("reason %q does not give the time", up.Reason)
			}
		})
	}
}
