package engine_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// benchDelay is the relay's one-way delay: a 100 ms round trip, a typical
// distant server, makes round trips dominate the figures as they do in use.
const benchDelay = 50 * time.Millisecond

type benchTarget struct {
	url    string
	caFile string
	pool   *x509.CertPool
}

// relayedEcho starts the reference server behind a delaying relay.
func relayedEcho(b *testing.B, secure bool) benchTarget {
	b.Helper()
	var cfg *tls.Config
	var t benchTarget
	if secure {
		ca := checktest.NewCA(b)
		cfg = &tls.Config{Certificates: []tls.Certificate{ca.Valid(b)}}
		t.caFile = ca.WriteFile(b)
		t.pool = x509.NewCertPool()
		t.pool.AddCert(ca.Cert)
	}
	srv, err := refserver.StartTLS("127.0.0.1:0", cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	relay := checktest.NewRelay(b, srv.Addr, benchDelay)
	t.url = "ws://" + relay.Addr + "/ws"
	if secure {
		t.url = "wss://" + relay.Addr + "/ws"
	}
	return t
}

// benchHandshake is the yardstick: one bare gorilla handshake, as an
// application makes it.
func benchHandshake(b *testing.B, secure bool) {
	t := relayedEcho(b, secure)
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	if secure {
		d.TLSClientConfig = &tls.Config{RootCAs: t.pool}
	}
	b.ResetTimer()
	for b.Loop() {
		c, _, err := d.Dial(t.url, nil)
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

// benchCheck is a whole check (all probes) of the same endpoint.
func benchCheck(b *testing.B, secure bool) {
	t := relayedEcho(b, secure)
	target, err := engine.ParseTarget(t.url)
	if err != nil {
		b.Fatal(err)
	}
	rn := &engine.Runner{}
	b.ResetTimer()
	for b.Loop() {
		out, err := rn.Run(context.Background(), target, engine.Options{CAFile: t.caFile})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range out.Results {
			if r.Status == engine.Fail {
				b.Fatalf("%s failed: %s %s", r.Probe, r.Reason, r.Error)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

func BenchmarkHandshakeWS(b *testing.B)  { benchHandshake(b, false) }
func BenchmarkCheckWS(b *testing.B)      { benchCheck(b, false) }
func BenchmarkHandshakeWSS(b *testing.B) { benchHandshake(b, true) }
func BenchmarkCheckWSS(b *testing.B)     { benchCheck(b, true) }

// BenchmarkCheckSilent is a check of a server that accepts connections and
// never answers: it must cost one probe timeout (at most 1.1 times it), not
// two, nor the sum of the probes' timeouts.
func BenchmarkCheckSilent(b *testing.B) {
	const timeout = 500 * time.Millisecond
	target, err := engine.ParseTarget(checktest.Silent(b))
	if err != nil {
		b.Fatal(err)
	}
	rn := &engine.Runner{}
	for b.Loop() {
		if _, err := rn.Run(context.Background(), target, engine.Options{ProbeTimeout: timeout}); err != nil {
			b.Fatal(err)
		}
	}
	perOp := float64(b.Elapsed().Milliseconds()) / float64(b.N)
	b.ReportMetric(perOp, "ms/op")
	b.ReportMetric(float64(timeout.Milliseconds()), "timeout-ms")
	b.ReportMetric(perOp/float64(timeout.Milliseconds()), "x-timeout")
	if perOp > 1.1*float64(timeout.Milliseconds()) {
		b.Errorf("a silent server took %.0f ms a check, more than 1.1 times the %v probe timeout", perOp, timeout)
	}
}
