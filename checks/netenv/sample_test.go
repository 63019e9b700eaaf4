package netenv

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"sync/atomic"
	"testing"
	"time"
)

func TestSampleChanges(t *testing.T) {
	base := Sample{
		Route: known("192.168.1.1"), Interface: known("wlan0"), WiFi: known("Home"),
		VPN: known(""), Proxy: known(""), PAC: known(""), DNS: known("192.0.2.1,192.0.2.2"),
	}
	for _, tc := range []struct {
		name string
		prev Sample
		cur  func(s Sample) Sample
		want []Change
	}{
		{"same", base, func(s Sample) Sample { return s }, nil},
		{"new Wi-Fi and route", base, func(s Sample) Sample {
			s.WiFi, s.Route = known("Office"), known("10.0.0.1")
			return s
		}, []Change{{ChangeRoute, "192.168.1.1", "10.0.0.1"}, {ChangeWiFi, "Home", "Office"}}},
		{"link gone", base, func(s Sample) Sample {
			s.Route, s.Interface = known(""), known("")
			return s
		}, []Change{{ChangeRoute, "192.168.1.1", ""}, {ChangeInterface, "wlan0", ""}}},
		{"VPN up", base, func(s Sample) Sample {
			s.VPN = known("wg0 (WireGuard)")
			return s
		}, []Change{{ChangeVPN, "", "wg0 (WireGuard)"}}},
		{"unknown is no change", base, func(s Sample) Sample {
			s.DNS, s.WiFi, s.PAC = Reading{}, Reading{}, Reading{}
			return s
		}, nil},
		{"unknown to known is no change", Sample{}, func(s Sample) Sample { return s }, nil},
		{"round robin: overlapping answers", base, func(s Sample) Sample {
			s.DNS = known("192.0.2.2,192.0.2.3")
			return s
		}, nil},
		{"new addresses", base, func(s Sample) Sample {
			s.DNS = known("198.51.100.7")
			return s
		}, []Change{{ChangeDNS, "192.0.2.1,192.0.2.2", "198.51.100.7"}}},
		{"proxy and PAC", base, func(s Sample) Sample {
			s.Proxy, s.PAC = known("gnome: pac=http://wpad/wpad.dat"), known("PROXY p:3128")
			return s
		}, []Change{{ChangeProxy, "", "gnome: pac=http://wpad/wpad.dat"}, {ChangePAC, "", "PROXY p:3128"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cur(base).Changes(tc.prev)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestSampleFillKeepsTheLastKnown: a DNS that does not answer for a while
// (an outage) and then answers with new addresses is one change, from the
// addresses before the outage.
func TestSampleFillKeepsTheLastKnown(t *testing.T) {
	a := Sample{DNS: known("192.0.2.1"), Route: known("10.0.0.1")}
	outage := Sample{Route: known("10.0.0.1")}
	after := Sample{DNS: known("198.51.100.1"), Route: known("10.0.0.1")}
	last := a
	if c := outage.Changes(last); len(c) != 0 {
		t.Fatalf("outage: %+v", c)
	}
	last = outage.Fill(last)
	if last.DNS != known("192.0.2.1") {
		t.Fatalf("fill lost the DNS: %+v", last.DNS)
	}
	want := []Change{{ChangeDNS, "192.0.2.1", "198.51.100.1"}}
	if c := after.Changes(last); !reflect.DeepEqual(c, want) {
		t.Errorf("after: %+v, want %+v", c, want)
	}
}

func TestRoutesReading(t *testing.T) {
	v := DetectVPN("linux", []Interface{{Name: "eth0", Up: true}, {Name: "wg0", Up: true, PointToPoint: true}},
		[]DefaultRoute{{Family: "ipv6", Iface: "eth0", Gateway: "fe80::1"}, {Family: "ipv4", Iface: "eth0", Gateway: "192.168.1.1", Metric: 100}})
	r, i, vpn := RoutesReading(v)
	if r != known("192.168.1.1") || i != known("eth0") || vpn != known("wg0 (WireGuard)") {
		t.Errorf("got %+v %+v %+v", r, i, vpn)
	}
	r, i, _ = RoutesReading(VPN{})
	if r != known("") || i != known("") {
		t.Errorf("no default route: %+v %+v", r, i)
	}
	r, i, vpn = RoutesReading(VPN{Error: "netlink: permission denied"})
	if r.Known || i.Known || vpn.Known {
		t.Errorf("unreadable routes read as known: %+v %+v %+v", r, i, vpn)
	}
}

// fakeSampleReader answers every part from the test.
func fakeSampleReader(s Settings) *SampleReader {
	return &SampleReader{
		VPN: func(context.Context) VPN {
			return VPN{DefaultRoutes: []DefaultRoute{{Family: "ipv4", Iface: "eth0", Gateway: "10.0.0.1"}}}
		},
		WiFi:     func(context.Context) (string, bool) { return "", true },
		Settings: func(context.Context) Settings { return s },
		Lookup: func(context.Context, string) ([]netip.Addr, error) {
			return []netip.Addr{netip.MustParseAddr("192.0.2.9"), netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.9")}, nil
		},
	}
}

// TestReadSamplePAC: a PAC file served on loopback whose answer changes
// between two samples; the script is compiled again only when its bytes
// change.
func TestReadSamplePAC(t *testing.T) {
	var answer atomic.Value
	answer.Store(`function FindProxyForURL(u, h) { return "PROXY a.example:3128;DIRECT"; }`)
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		w.Write([]byte(answer.Load().(string)))
	}))
	defer srv.Close()
	rd := fakeSampleReader(Settings{Configs: []Config{{Source: SourceGNOME, Enabled: true, PACURL: srv.URL + "/proxy.pac"}}})
	ctx := context.Background()

	s1 := ReadSample(ctx, "ws.example", 443, true, rd)
	if s1.PAC != known("PROXY a.example:3128; DIRECT") {
		t.Fatalf("PAC: %+v", s1.PAC)
	}
	if s1.Proxy != known("gnome: pac="+srv.URL+"/proxy.pac") || s1.DNS != known("192.0.2.1,192.0.2.9") || s1.Route != known("10.0.0.1") || s1.WiFi != known("") {
		t.Fatalf("sample: %+v", s1)
	}
	compiled := rd.pac
	s2 := ReadSample(ctx, "ws.example", 443, true, rd)
	if rd.pac != compiled {
		t.Error("the same script was compiled again")
	}
	if c := s2.Changes(s1); len(c) != 0 {
		t.Errorf("no change expected: %+v", c)
	}
	answer.Store(`function FindProxyForURL(u, h) { return "PROXY b.example:8080"; }`)
	s3 := ReadSample(ctx, "ws.example", 443, true, rd)
	want := []Change{{ChangePAC, "PROXY a.example:3128; DIRECT", "PROXY b.example:8080"}}
	if c := s3.Changes(s2); !reflect.DeepEqual(c, want) {
		t.Errorf("changes %+v, want %+v", c, want)
	}
	if fetches.Load() != 3 {
		t.Errorf("%d fetches for 3 samples", fetches.Load())
	}
	// A ws:// target's path is what the script sees.
	answer.Store(`function FindProxyForURL(u, h) { return u.indexOf("/live") > 0 ? "PROXY live.example:3128" : "DIRECT"; }`)
	rd.Path = "/live?x=1"
	if s := ReadSample(ctx, "ws.example", 80, false, rd); s.PAC != known("PROXY live.example:3128") {
		t.Errorf("ws:// with a path: %+v", s.PAC)
	}
	rd.Path = ""
	answer.Store(`function FindProxyForURL(u, h) { return "PROXY b.example:8080"; }`)
	// A PAC server that is down is no new answer.
	srv.Close()
	s4 := ReadSample(ctx, "ws.example", 443, true, rd)
	if s4.PAC.Known || len(s4.Changes(s3.Fill(s2))) != 0 {
		t.Errorf("PAC server down: %+v, changes %+v", s4.PAC, s4.Changes(s3))
	}
}

// TestReadSampleNoProxy: no proxy setting: the proxy and PAC are known
// and empty; a setting that could not be read is unknown.
func TestReadSampleNoProxy(t *testing.T) {
	s := ReadSample(context.Background(), "127.0.0.1", 80, false, fakeSampleReader(Settings{}))
	if s.Proxy != known("") || s.PAC != known("") || s.DNS != known("127.0.0.1") {
		t.Errorf("got %+v", s)
	}
	s = ReadSample(context.Background(), "ws.example", 80, false, fakeSampleReader(Settings{Errors: []string{"gsettings: timeout"}}))
	if s.Proxy.Known || s.PAC.Known {
		t.Errorf("unreadable settings: %+v %+v", s.Proxy, s.PAC)
	}
}

// TestReadSampleBounded: a Wi-Fi tool and a DNS that never answer hold a
// sample for their own bounds only, not SampleTimeout.
func TestReadSampleBounded(t *testing.T) {
	rd := fakeSampleReader(Settings{})
	rd.WiFi = func(ctx context.Context) (string, bool) { <-ctx.Done(); return "", false }
	rd.Lookup = func(ctx context.Context, _ string) ([]netip.Addr, error) {
		<-ctx.Done()
		return nil, errors.New("timeout")
	}
	start := time.Now()
	s := ReadSample(context.Background(), "ws.example", 443, true, rd)
	took := time.Since(start)
	if s.WiFi.Known || s.DNS.Known || !s.Route.Known {
		t.Errorf("got %+v", s)
	}
	limit := max(sampleCommandTimeout, sampleDNSTimeout) + 3*time.Second // a loaded machine
	if took < sampleDNSTimeout-100*time.Millisecond || took > limit {
		t.Errorf("took %v, want about %v", took, sampleDNSTimeout)
	}
}

// TestDescribeConfigHidesPasswords: the proxy setting goes on the
// timeline and into reports.
func TestDescribeConfigHidesPasswords(t *testing.T) {
	c := FromEnv(func(k string) string {
		return map[string]string{"https_proxy": "http://bob:s3cret@proxy:3128", "no_proxy": "localhost,.corp"}[k]
	})
	got := DescribeConfig(c)
	if want := "env: https=http://bob:xxxxx@proxy:3128 bypass=localhost,.corp"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// BenchmarkReadSample reads this machine as a watch does every 10 s, with
// the real readers (on Linux: /proc, net.Interfaces, gsettings when it is
// installed, the host's lookup of localhost).
func BenchmarkReadSample(b *testing.B) {
	rd := &SampleReader{}
	for b.Loop() {
		ReadSample(context.Background(), "localhost", 80, false, rd)
	}
}
