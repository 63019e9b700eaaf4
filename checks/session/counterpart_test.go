package session_test

import (
	"context"
	"crypto/tls"
	"net"
	"net/netip"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

func TestSecureCounterpart(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"ws://chat.example.com/socket?room=1", "wss://chat.example.com/socket?room=1"},
		{"ws://chat.example.com:8080/socket", ""}, // another port: no clue which is the encrypted one
		{"wss://chat.example.com/socket", ""},     // never downgraded to plain ws://
	} {
		tg, err := engine.ParseTarget(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		sec, ok := session.SecureCounterpart(tg)
		if got := map[bool]string{true: sec.URL(), false: ""}[ok]; got != tt.want {
			t.Errorf("%s: counterpart %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPlainBlockedSecureWorks: a network that cuts plain WebSockets on
// port 80 while wss:// on 443 works gets plain-ws-blocked, with the
// remedy of using wss://. Ports 80 and 443 of the test host are loopback
// servers, reached through the run's dialer; its name resolves in-process.
func TestPlainBlockedSecureWorks(t *testing.T) {
	const host = "chat.wsdoctor.test"
	ca := checktest.NewCA(t)
	wss, err := refserver.StartTLS("127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{ca.Leaf(t, checktest.LeafSpec{Hosts: []string{host}})}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wss.Close() })
	// Port 80: something accepts the connection and cuts it, as a filter
	// on unencrypted traffic does.
	cut, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cut.Close() })
	go func() {
		for {
			c, err := cut.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	ports := map[string]string{"127.0.0.1:80": cut.Addr().String(), "127.0.0.1:443": wss.Addr}
	var d net.Dialer
	rn := &engine.Runner{
		Lookup: func(_ context.Context, network, name string) ([]netip.Addr, error) {
			if name != host || network != "ip4" {
				return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
			}
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
		},
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if to, ok := ports[addr]; ok {
				return d.DialContext(ctx, network, to)
			}
			return nil, &net.OpError{Op: "dial", Net: network, Err: errRefused}
		},
	}
	tg, _ := engine.ParseTarget("ws://" + host + "/ws")
	opts := engine.Options{Proxy: netenv.Direct, CAFile: ca.WriteFile(t), ProbeTimeout: 2 * time.Second, Deadline: 5 * time.Second}
	out, other, err := session.RunWithCounterpart(context.Background(), rn, tg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if out.Works() || other == nil || !other.Works() {
		t.Fatalf("plain works %v, secure run %+v", out.Works(), other)
	}
	d2 := diagnose.Diagnose(diagnose.Input{Outcome: out, Other: other})
	if len(d2.Findings) == 0 || d2.Findings[0].ID != diagnose.IDPlainWSBlocked {
		t.Fatalf("findings %v, want plain-ws-blocked first", ids(d2.Findings))
	}

	// When the plain address works, the secure run is stopped and left out.
	ports["127.0.0.1:80"] = wssPlain(t)
	out, other, err = session.RunWithCounterpart(context.Background(), rn, tg, opts)
	if err != nil || !out.Works() || other != nil {
		t.Fatalf("plain works %v, other %v, err %v", out.Works(), other, err)
	}
}

// wssPlain is a plain ws reference server's address.
func wssPlain(t *testing.T) string {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.Addr
}

type refusedErr struct{}

func (refusedErr) Error() string { return "connection refused" }

var errRefused error = refusedErr{}

func ids(fs []diagnose.Finding) []string {
	var s []string
	for _, f := range fs {
		s = append(s, f.ID)
	}
	return s
}
