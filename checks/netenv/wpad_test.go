package netenv

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// noDHCP is a machine with no DHCP client to ask.
func noDHCP(context.Context) (string, error) { return "", errNoDHCPSource }

func TestParseNmcliWPAD(t *testing.T) {
	if got := ParseNmcliWPAD(fixture(t, "nmcli_dhcp4.txt")); got != "http://proxyconf.corp.example/wpad.dat" {
		t.Errorf("wpad %q", got)
	}
	if got := ParseNmcliWPAD("DHCP4.OPTION[7]:requested_wpad = 1\nDHCP4.OPTION[1]:routers = 10.0.0.1\n"); got != "" {
		t.Errorf("no wpad option: %q", got)
	}
}

// TestDiscoverWPADDHCP: the address DHCP handed out is tried first; when
// it fails, DNS is tried, and the result says which way found the file.
func TestDiscoverWPADDHCP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/dhcp.pac" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(corpPAC))
	}))
	defer srv.Close()
	res := DiscoverWPAD(context.Background(), WPADOptions{Domains: []string{}, DHCP: func(context.Context) (string, error) { return srv.URL + "/dhcp.pac", nil }})
	if res.Method != FoundByDHCP || res.URL != srv.URL+"/dhcp.pac" || string(res.Script) != corpPAC || res.DHCPURL == "" {
		t.Errorf("dhcp: %+v", res)
	}
	bad := DiscoverWPAD(context.Background(), WPADOptions{Domains: []string{}, DHCP: func(context.Context) (string, error) { return srv.URL + "/missing.pac", nil }})
	if bad.URL != "" || bad.Method != "" || len(bad.Tried) != 1 || !strings.HasPrefix(bad.Tried[0].Host, "DHCP ") || bad.Note != WPADBothNote {
		t.Errorf("dhcp address that fails: %+v", bad)
	}
	none := DiscoverWPAD(context.Background(), WPADOptions{Domains: []string{}, DHCP: noDHCP})
	if len(none.Tried) != 0 || none.Note != WPADDHCPNote {
		t.Errorf("no DHCP client: %+v", none)
	}
}

func TestParseWinHTTPProxies(t *testing.T) {
	for in, want := range map[string]string{
		"":                                  "DIRECT",
		"proxy1.corp:8080;proxy2.corp:3128": "http://proxy1.corp:8080; http://proxy2.corp:3128",
		"proxy1.corp:8080; DIRECT":          "http://proxy1.corp:8080; DIRECT",
		"http=p.corp:80 socks=s.corp:1080":  "http://p.corp:80; socks4://s.corp:1080",
		"https://secure.corp:443":           "https://secure.corp:443",
	} {
		if got := (Route{Proxies: ParseWinHTTPProxies(in)}).Describe(); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
}

// TestSystemPACRoute: on Windows the system's PAC engine (WinHTTP)
// answers for the Internet Options' PAC and auto-detect settings, every
// proxy kept in order; when it fails the check's own engine answers from
// the same file; other settings never ask it.
func TestSystemPACRoute(t *testing.T) {
	env := testPACEnv()
	var asked []string
	winhttp := func(ctx context.Context, target, pacURL string) (string, error) {
		asked = append(asked, target+" "+pacURL)
		return "p1.corp.example:8080;p2.corp.example:3128", nil
	}
	failing := func(context.Context, string, string) (string, error) { return "", errors.New("12167") }
	wpad := func(context.Context) WPADResult {
		return WPADResult{URL: "http://wpad.corp.example/wpad.dat", Script: []byte(corpPAC), Method: FoundByDNS}
	}
	nothing := func(context.Context) WPADResult { return WPADResult{} }
	auto := &Settings{Configs: []Config{{Source: SourceWinINET, Enabled: true, AutoDetect: true}}}
	for _, tc := range []struct {
		name      string
		rv        Resolver
		want      string
		source    Source
		foundBy   string
		wantAsked []string
	}{
		{"auto-detect by DNS, WinHTTP answers", Resolver{Settings: auto, PAC: env, WPAD: wpad, SystemPAC: winhttp},
			"http://p1.corp.example:8080; http://p2.corp.example:3128", SourceWPAD, "DNS wpad.corp.example",
			[]string{"https://chat.example.com/ http://wpad.corp.example/wpad.dat"}},
		{"WinHTTP fails, the check's engine answers", Resolver{Settings: auto, PAC: env, WPAD: wpad, SystemPAC: failing},
			"http://secure.corp.example:3129; socks5://socks.corp.example:1080; DIRECT", SourceWPAD, "DNS wpad.corp.example", nil},
		{"only WinHTTP's auto-detect finds one", Resolver{Settings: auto, PAC: env, WPAD: nothing, SystemPAC: winhttp},
			"http://p1.corp.example:8080; http://p2.corp.example:3128", SourceWPAD, "Windows auto-detect (DHCP or DNS)",
			[]string{"https://chat.example.com/ "}},
		{"nothing found anywhere", Resolver{Settings: auto, PAC: env, WPAD: nothing, SystemPAC: failing},
			"DIRECT", "wininet", "none found", nil},
		{"configured URL", Resolver{Settings: &Settings{Configs: []Config{{Source: SourceWinINET, Enabled: true, PACURL: "http://pac.corp.example/p.pac"}}}, PAC: env, SystemPAC: winhttp},
			"http://p1.corp.example:8080; http://p2.corp.example:3128", SourcePAC, "configured URL",
			[]string{"https://chat.example.com/ http://pac.corp.example/p.pac"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asked = nil
			r := tc.rv.Route(context.Background(), Mode{}, true, "chat.example.com", 443, "/")
			if r.Describe() != tc.want || r.Source != tc.source || r.FoundBy() != tc.foundBy {
				t.Errorf("route %s from %s found by %q, want %s from %s by %q (%+v)", r.Describe(), r.Source, r.FoundBy(), tc.want, tc.source, tc.foundBy, r)
			}
			if !reflect.DeepEqual(asked, tc.wantAsked) {
				t.Errorf("WinHTTP asked %q, want %q", asked, tc.wantAsked)
			}
		})
	}
}
