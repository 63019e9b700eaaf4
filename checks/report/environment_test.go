package report

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// TestProxyOf: the route the run took, as the "This computer" section says
// it.
func TestProxyOf(t *testing.T) {
	tests := []struct {
		name  string
		route netenv.Route
		want  Proxy
		line  string
	}{
		{"no setting", netenv.Route{}, Proxy{}, "none (direct connection)"},
		{"environment", netenv.Route{Proxies: []*url.URL{mustURL("http://bob:pw123456@proxy.corp.example:3128")}, Source: netenv.SourceEnv, Origin: "HTTPS_PROXY"},
			Proxy{Configured: true, URL: "http://bob:xxxxx@proxy.corp.example:3128", Source: "env", Origin: "HTTPS_PROXY"},
			"http://bob:xxxxx@proxy.corp.example:3128 (from env HTTPS_PROXY)"},
		{"windows settings", netenv.Route{Proxies: []*url.URL{mustURL("http://proxy.corp.example:8080")}, Source: netenv.SourceWinINET, Origin: `HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings ProxyServer`},
			Proxy{Configured: true, URL: "http://proxy.corp.example:8080", Source: "wininet", Origin: `HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings ProxyServer`},
			`http://proxy.corp.example:8080 (from wininet HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings ProxyServer)`},
		{"pac", netenv.Route{Proxies: []*url.URL{mustURL("http://p.corp.example:3128"), nil}, Source: netenv.SourcePAC, Origin: "http://wpad.corp.example/proxy.pac", Setting: netenv.SourceGNOME},
			Proxy{Configured: true, URL: "http://p.corp.example:3128", Source: "pac", PACURL: "http://wpad.corp.example/proxy.pac"},
			"http://p.corp.example:3128 (from pac), PAC http://wpad.corp.example/proxy.pac"},
		{"pac says direct", netenv.Route{Source: netenv.SourceWPAD, Origin: "http://wpad.corp.example/wpad.dat", Bypass: "PAC answered DIRECT"},
			Proxy{Source: "wpad", PACURL: "http://wpad.corp.example/wpad.dat"},
			"none (direct connection; from wpad, PAC http://wpad.corp.example/wpad.dat)"},
		{"pac failed, manual proxy", netenv.Route{Proxies: []*url.URL{mustURL("socks5://127.0.0.1:1080")}, Source: netenv.SourceGNOME, Origin: "org.gnome.system.proxy.socks", Err: errors.New("PAC: no answer")},
			Proxy{Configured: true, URL: "socks5://127.0.0.1:1080", Source: "gnome", Origin: "org.gnome.system.proxy.socks"},
			"socks5://127.0.0.1:1080 (from gnome org.gnome.system.proxy.socks)"},
		{"--proxy none", netenv.Route{Source: netenv.SourceOption, Origin: "--proxy none", Bypass: "--proxy none"},
			Proxy{Source: "option", Origin: "--proxy none"}, "none (direct connection; from option --proxy none)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ProxyOf(tc.route)
			if *got != tc.want {
				t.Errorf("ProxyOf = %+v\n  want %+v", *got, tc.want)
			}
			if l := en.proxyLine(got); l != tc.line {
				t.Errorf("line %q\n want %q", l, tc.line)
			}
		})
	}
	if l := en.proxyLine(nil); l != "not checked" {
		t.Errorf("not read: %q", l)
	}
}

// TestVPNOf: on when an interface is up, named after the one that carries
// the traffic; nil when nothing could be read.
func TestVPNOf(t *testing.T) {
	wg := netenv.VPNInterface{Name: "wg0", Product: "WireGuard", Why: "name wg0", DefaultRoute: []string{"ipv4"}}
	ts := netenv.VPNInterface{Name: "tailscale0", Product: "Tailscale", Why: "name tailscale0"}
	tests := []struct {
		name string
		v    netenv.VPN
		want *VPN
		line string
	}{
		{"none", netenv.VPN{DefaultRoutes: []netenv.DefaultRoute{{Family: "ipv4", Iface: "eth0"}}}, &VPN{}, "none active"},
		{"carries everything", netenv.VPN{Interfaces: []netenv.VPNInterface{ts, wg}, Active: true, Via: "wg0", Product: "WireGuard"},
			&VPN{Active: true, Name: "WireGuard", Interface: "wg0", DefaultRoute: true}, "WireGuard, wg0; carries all traffic"},
		{"split tunnel", netenv.VPN{Interfaces: []netenv.VPNInterface{ts}},
			&VPN{Active: true, Name: "Tailscale", Interface: "tailscale0"}, "Tailscale, tailscale0"},
		{"could not read", netenv.VPN{Error: "route: permission denied"}, nil, "not checked"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := VPNOf(tc.v)
			if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
				t.Errorf("VPNOf = %+v, want %+v", got, tc.want)
			}
			if l := en.vpnLine(got); l != tc.line {
				t.Errorf("line %q, want %q", l, tc.line)
			}
		})
	}
}

// TestBuildTakesTheRunsRoute: a report made from a run alone (the CLI's,
// the window's) says which proxy the run went through, credentials
// hidden.
func TestBuildTakesTheRunsRoute(t *testing.T) {
	in := healthyInput()
	in.Proxy = nil
	route := netenv.Route{Proxies: []*url.URL{mustURL("http://alice:hunter2pass@proxy.corp.example:3128")}, Source: netenv.SourceEnv, Origin: "https_proxy"}
	in.Outcome.Route = &route
	r := Build(in)
	p := r.Environment.Proxy
	if p == nil || !p.Configured || p.Source != "env" || p.Origin != "https_proxy" || !strings.Contains(p.URL, "proxy.corp.example:3128") {
		t.Fatalf("proxy %+v", p)
	}
	text := string(render(t, r, FormatText))
	for _, secret := range []string{"hunter2pass", "alice"} {
		if strings.Contains(text, secret) || strings.Contains(string(render(t, r, FormatJSON)), secret) {
			t.Errorf("the report shows %q", secret)
		}
	}
	if !strings.Contains(text, "Proxy: http://[redacted]@proxy.corp.example:3128 (from env https_proxy)") {
		t.Errorf("the text report does not name the proxy:\n%s", text)
	}
	// What the caller read wins.
	in.Proxy = &Proxy{Configured: false}
	if p := Build(in).Environment.Proxy; p.Configured {
		t.Errorf("the caller's proxy was replaced: %+v", p)
	}
	// A run that never worked out a route did not read the settings.
	in.Proxy, in.Outcome.Route = nil, nil
	if p := Build(in).Environment.Proxy; p != nil {
		t.Errorf("proxy %+v for a run without a route", p)
	}
}
