package engine_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"strings"
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
func relayedEcho(b testing.TB, secure bool) benchTarget {
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
	benchCheckOf(b, relayedEcho(b, secure), engine.Options{})
}

// benchCheckOf is a whole check of t with opts (and t's CA file).
func benchCheckOf(b *testing.B, t benchTarget, opts engine.Options) {
	target, err := engine.ParseTarget(t.url)
	if err != nil {
		b.Fatal(err)
	}
	opts.CAFile = t.caFile
	rn := &engine.Runner{}
	b.ResetTimer()
	for b.Loop() {
		out, err := rn.Run(context.Background(), target, opts)
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

// BenchmarkCheckWSSNoH2 is BenchmarkCheckWSS without the h2 probe: the
// yardstick of its cost on a healthy check (at most 1.05 times).
func BenchmarkCheckWSSNoH2(b *testing.B) {
	benchCheckOf(b, relayedEcho(b, true), engine.Options{NoH2: true})
}

// relayedH2 is Go's HTTP/2 server inviting WebSockets over it
// (checktest.StartH2Server) behind the delaying relay.
func relayedH2(b *testing.B) benchTarget {
	ca := checktest.NewCA(b)
	u := checktest.StartH2Server(b, checktest.H2Echo, ca.Valid(b))
	relay := checktest.NewRelay(b, strings.TrimSuffix(strings.TrimPrefix(u, "wss://"), "/ws"), benchDelay)
	return benchTarget{url: "wss://" + relay.Addr + "/ws", caFile: ca.WriteFile(b)}
}

// BenchmarkCheckH2 is a check of a server whose WebSockets over HTTP/2
// work, so the h2 probe goes all the way (extended CONNECT and an echo);
// BenchmarkCheckH2Off the same without the h2 probe.
func BenchmarkCheckH2(b *testing.B)    { benchCheckOf(b, relayedH2(b), engine.Options{}) }
func BenchmarkCheckH2Off(b *testing.B) { benchCheckOf(b, relayedH2(b), engine.Options{NoH2: true}) }

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

// BenchmarkLadderCost is what the echo's integrity ladder (125 B to 1 MiB,
// text and binary, whole and fragmented) adds to a whole check of a healthy
// path 50 ms each way: the same check with --no-ladder and without, one
// after the other. Issue 22 bounds it at 5 s.
func BenchmarkLadderCost(b *testing.B) {
	t := relayedEcho(b, false)
	target, err := engine.ParseTarget(t.url)
	if err != nil {
		b.Fatal(err)
	}
	rn := &engine.Runner{}
	run := func(noLadder bool) time.Duration {
		start := time.Now()
		out, err := rn.Run(context.Background(), target, engine.Options{NoLadder: noLadder})
		if err != nil {
			b.Fatal(err)
		}
		if echo, _ := out.Result(engine.ProbeEcho); echo.Status != engine.Pass {
			b.Fatalf("echo %s %s: %s", echo.Status, echo.Code, echo.Reason)
		}
		return time.Since(start)
	}
	var with, without time.Duration
	for b.Loop() {
		without += run(true)
		with += run(false)
	}
	n := time.Duration(b.N)
	cost := (with - without) / n
	b.ReportMetric(float64((with / n).Milliseconds()), "with-ms")
	b.ReportMetric(float64((without / n).Milliseconds()), "without-ms")
	b.ReportMetric(float64(cost.Milliseconds()), "ladder-ms")
	if cost > 5*time.Second {
		b.Errorf("the ladder added %v to a check 50 ms each way, more than 5 s", cost)
	}
}
