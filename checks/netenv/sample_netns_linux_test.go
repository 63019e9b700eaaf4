package netenv

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// nsSampleReader reads the routes and interfaces of namespace n (from a
// thread that entered it: /proc/net is the process's namespace, so the
// thread's own /proc/thread-self/net), with no Wi-Fi, and a GNOME setting
// that names pacURL.
func nsSampleReader(t *testing.T, n *checktest.Netns, pacURL string) *SampleReader {
	return &SampleReader{
		VPN: func(context.Context) VPN {
			var v VPN
			if err := n.Do(func() error { v = readVPNLinux("/proc/thread-self/net"); return nil }); err != nil {
				t.Errorf("read routes in %s: %v", n.Name, err)
				return VPN{Error: err.Error()}
			}
			return v
		},
		WiFi: func(context.Context) (string, bool) { return "", true },
		Settings: func(context.Context) Settings {
			return Settings{Configs: []Config{{Source: SourceGNOME, Enabled: true, PACURL: pacURL}}}
		},
	}
}

// TestSampleSeesTheNetworkChange: in a namespace joined to a "router"
// namespace by two links, ReadSample and Changes see the link taken down
// for 5 s and back (the default route gone and back), the default route
// moved to the other link (gateway and interface), and a PAC file served
// on loopback whose answer changes.
func TestSampleSeesTheNetworkChange(t *testing.T) {
	t.Parallel()
	pc, router := checktest.NewNetns(t), checktest.NewNetns(t)
	pc.Veth(t, router, "wlan-a", "10.77.0.1/24", "gw-a", "10.77.0.2/24")
	pc.Veth(t, router, "eth-b", "10.78.0.1/24", "gw-b", "10.78.0.2/24")
	pc.SetDefaultRoute(t, "10.77.0.2", "wlan-a")

	var pac atomic.Value
	pac.Store(`function FindProxyForURL(u, h) { return "DIRECT"; }`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(pac.Load().(string))) }))
	defer srv.Close()
	rd := nsSampleReader(t, pc, srv.URL+"/proxy.pac")
	ctx := context.Background()
	sample := func() Sample { return ReadSample(ctx, "10.9.9.9", 443, true, rd) }

	last := sample()
	if last.Route != known("10.77.0.2") || last.Interface != known("wlan-a") || last.PAC != known("DIRECT") {
		t.Fatalf("first sample: %+v", last)
	}
	var seen []Change
	step := func() {
		s := sample()
		seen = append(seen, s.Changes(last)...)
		last = s.Fill(last)
	}

	// (a) The link goes down for 5 s, sampled every second, and comes
	// back with its default route.
	pc.LinkDown(t, "wlan-a")
	down := time.Now()
	for time.Since(down) < 5*time.Second {
		step()
		time.Sleep(time.Second)
	}
	pc.LinkUp(t, "wlan-a")
	pc.SetDefaultRoute(t, "10.77.0.2", "wlan-a")
	step()
	want := []Change{
		{ChangeRoute, "10.77.0.2", ""}, {ChangeInterface, "wlan-a", ""},
		{ChangeRoute, "", "10.77.0.2"}, {ChangeInterface, "", "wlan-a"},
	}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("link down and up: %+v, want %+v", seen, want)
	}

	// (b) The default route moves to the other link.
	seen = nil
	pc.SetDefaultRoute(t, "10.78.0.2", "eth-b")
	step()
	want = []Change{{ChangeRoute, "10.77.0.2", "10.78.0.2"}, {ChangeInterface, "wlan-a", "eth-b"}}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("route change: %+v, want %+v", seen, want)
	}

	// (c) The PAC file's answer changes mid-run.
	seen = nil
	pac.Store(`function FindProxyForURL(u, h) { return isInNet(h, "10.9.0.0", "255.255.0.0") ? "PROXY 10.78.0.2:3128" : "DIRECT"; }`)
	step()
	step() // a second sample of the same state adds nothing
	want = []Change{{ChangePAC, "DIRECT", "PROXY 10.78.0.2:3128"}}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("PAC change: %+v, want %+v", seen, want)
	}
}
