package session

import (
	"context"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// TestDecidingProxyEntered: a working echo server on loopback checked
// through a proxy entered in the app where nothing listens: the upgrade
// made without the proxy works, so the deciding fact is that it works
// without the proxy you entered; with no proxy there is no comparison.
func TestDecidingProxyEntered(t *testing.T) {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := fakeMachine(func(context.Context) netenv.VPN { return netenv.VPN{} }, "Test OS 1.0")
	for _, tc := range []struct {
		proxy string
		want  Comparison
	}{
		{"http://" + closedPort(t), CompareProxyEntered},
		{"none", CompareNone},
	} {
		mode, err := netenv.ParseMode(tc.proxy)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		run, err := c.Check(ctx, Request{Address: srv.URL, Proxy: mode, ProbeTimeout: 3 * time.Second}, nil)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if got := run.Deciding(); got != tc.want {
			t.Errorf("proxy %s: deciding %q, want %q (verdict %s)", tc.proxy, got, tc.want, run.Verdict())
		}
		if got, want := run.ProxyEntered(), tc.proxy != "none"; got != want {
			t.Errorf("proxy %s: ProxyEntered %v", tc.proxy, got)
		}
	}
}
