package netenv

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testPACEnv resolves from a table and reads a fixed clock: Wednesday
// 2025-03-12 14:30:15 in UTC+1 (13:30:15 GMT).
func testPACEnv() *PACEnv {
	zone := time.FixedZone("CET", 3600)
	dns := map[string][]netip.Addr{
		"intranet.corp.example": {netip.MustParseAddr("10.1.2.3")},
		"dual.example":          {netip.MustParseAddr("2001:db8::7"), netip.MustParseAddr("192.0.2.7")},
		"v6only.example":        {netip.MustParseAddr("2001:db8::8")},
	}
	return &PACEnv{
		Lookup: func(ctx context.Context, host string) ([]netip.Addr, error) {
			if a, ok := dns[host]; ok {
				return a, nil
			}
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		},
		Now: func() time.Time { return time.Date(2025, 3, 12, 14, 30, 15, 0, zone) },
		MyAddrs: func() []netip.Addr {
			return []netip.Addr{netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("127.0.0.1")}
		},
	}
}

// evalExpr runs one JavaScript expression in a PAC script and returns it
// as FindProxyForURL's answer.
func evalExpr(t *testing.T, env *PACEnv, expr string) string {
	t.Helper()
	p, err := CompilePAC("test.pac", []byte("function FindProxyForURL(url, host) { return String("+expr+"); }"), env)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.FindProxyForURL(context.Background(), "https://chat.example.com/", "chat.example.com")
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return got
}

func TestPACHelpers(t *testing.T) {
	env := testPACEnv()
	for _, tc := range []struct{ expr, want string }{
		{`isPlainHostName("www")`, "true"},
		{`isPlainHostName("www.example.com")`, "false"},
		{`dnsDomainIs("www.example.com", ".example.com")`, "true"},
		{`dnsDomainIs("www", ".example.com")`, "false"},
		{`localHostOrDomainIs("www.example.com", "www.example.com")`, "true"},
		{`localHostOrDomainIs("www", "www.example.com")`, "true"},
		{`localHostOrDomainIs("www.other.com", "www.example.com")`, "false"},
		{`isResolvable("intranet.corp.example")`, "true"},
		{`isResolvable("nope.example")`, "false"},
		{`isResolvable("v6only.example")`, "false"},
		{`isResolvableEx("v6only.example")`, "true"},
		{`isInNet("intranet.corp.example", "10.0.0.0", "255.0.0.0")`, "true"},
		{`isInNet("10.1.2.3", "10.1.0.0", "255.255.0.0")`, "true"},
		{`isInNet("10.2.2.3", "10.1.0.0", "255.255.0.0")`, "false"},
		{`isInNet("nope.example", "0.0.0.0", "0.0.0.0")`, "false"},
		{`isInNetEx("dual.example", "2001:db8::/32")`, "true"},
		{`isInNetEx("dual.example", "198.51.100.0/24")`, "false"},
		{`dnsResolve("dual.example")`, "192.0.2.7"},
		{`dnsResolve("nope.example")`, "null"},
		{`dnsResolveEx("dual.example")`, "2001:db8::7;192.0.2.7"},
		{`myIpAddress()`, "192.0.2.10"},
		{`myIpAddressEx()`, "2001:db8::1;192.0.2.10"},
		{`sortIpAddressList("10.0.0.2;2001:db8::1;10.0.0.1")`, "2001:db8::1;10.0.0.1;10.0.0.2"},
		{`dnsDomainLevels("www")`, "0"},
		{`dnsDomainLevels("www.example.com")`, "2"},
		{`shExpMatch("http://home.netscape.com/people/ari/index.html", "*/ari/*")`, "true"},
		{`shExpMatch("http://home.netscape.com/people/montulli/index.html", "*/ari/*")`, "false"},
		// Wednesday 14:30:15 local, 13:30:15 GMT, 12 March 2025.
		{`weekdayRange("MON", "FRI")`, "true"},
		{`weekdayRange("WED")`, "true"},
		{`weekdayRange("THU", "SUN")`, "false"},
		{`weekdayRange("FRI", "WED")`, "true"},
		{`weekdayRange("SAT", "GMT")`, "false"},
		{`weekdayRange("XYZ")`, "false"},
		{`dateRange(12)`, "true"},
		{`dateRange("MAR")`, "true"},
		{`dateRange(2025)`, "true"},
		{`dateRange(2024)`, "false"},
		{`dateRange(1, 15)`, "true"},
		{`dateRange(13, 31)`, "false"},
		{`dateRange("JAN", "MAR")`, "true"},
		{`dateRange("APR", "DEC")`, "false"},
		{`dateRange("NOV", "MAR")`, "true"},
		{`dateRange(2020, 2030)`, "true"},
		{`dateRange(1, "MAR", 12, "MAR")`, "true"},
		{`dateRange(13, "MAR", 1, "APR")`, "false"},
		{`dateRange(24, "DEC", 15, "MAR")`, "true"},
		{`dateRange("FEB", 2025, "APR", 2025)`, "true"},
		{`dateRange("APR", 2024, "FEB", 2025)`, "false"},
		{`dateRange(1, "JAN", 2025, 31, "DEC", 2025)`, "true"},
		{`dateRange(13, "MAR", 2025, 31, "DEC", 2025)`, "false"},
		{`dateRange(12, "GMT")`, "true"},
		{`dateRange("nonsense")`, "false"},
		{`timeRange(14)`, "true"},
		{`timeRange(13, "GMT")`, "true"},
		{`timeRange(9, 17)`, "true"},
		{`timeRange(15, 17)`, "false"},
		{`timeRange(22, 15)`, "true"},
		{`timeRange(14, 0, 14, 30)`, "true"},
		{`timeRange(14, 31, 15, 0)`, "false"},
		{`timeRange(14, 30, 10, 14, 30, 20)`, "true"},
		{`timeRange(14, 30, 16, 14, 30, 20)`, "false"},
		{`timeRange(1, 2, 3)`, "false"},
		{`getClientVersion()`, "1.0"},
	} {
		if got := evalExpr(t, env, tc.expr); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
		}
	}
}

const corpPAC = `
function FindProxyForURL(url, host) {
	if (isPlainHostName(host) || dnsDomainIs(host, ".corp.example"))
		return "DIRECT";
	if (isInNet(dnsResolve(host), "10.0.0.0", "255.0.0.0"))
		return "DIRECT";
	if (url.substring(0, 6) == "https:")
		return "PROXY secure.corp.example:3129; SOCKS5 socks.corp.example:1080; DIRECT";
	return "PROXY proxy.corp.example:3128";
}
`

func TestEvalPAC(t *testing.T) {
	p, err := CompilePAC("corp.pac", []byte(corpPAC), testPACEnv())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		secure bool
		host   string
		want   []string
	}{
		{true, "chat.example.com", []string{"PROXY http://secure.corp.example:3129", "SOCKS5 socks5://socks.corp.example:1080", "DIRECT"}},
		{false, "chat.example.com", []string{"PROXY http://proxy.corp.example:3128"}},
		{true, "intranet.corp.example", []string{"DIRECT"}},
		{true, "wiki", []string{"DIRECT"}},
	} {
		_, entries, _, err := p.EvalPAC(context.Background(), tc.secure, tc.host, 443, "/ws")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			s := e.Kind
			if e.Proxy != nil {
				s += " " + e.Proxy.String()
			}
			got = append(got, s)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.host, got, tc.want)
		}
	}
	if got := PACURLFor(true, "h", 8443, "/x?y"); got != "https://h:8443/" {
		t.Errorf("wss URL %q", got)
	}
	if got := PACURLFor(false, "::1", 80, "/x?y"); got != "http://[::1]/x?y" {
		t.Errorf("ws URL %q", got)
	}
}

func TestPACErrors(t *testing.T) {
	env := testPACEnv()
	env.Timeout = 300 * time.Millisecond
	for _, tc := range []struct {
		name, script string
		stage        string
		contains     string
	}{
		{"syntax", "function FindProxyForURL(url, host) { return ", "compile", "does not parse"},
		{"throws", `function FindProxyForURL(url, host) { throw new Error("boom"); }`, "call", "boom"},
		{"throws at load", `throw "at load";`, "run", "at load"},
		{"no function", `var x = 1;`, "run", "no FindProxyForURL"},
		{"endless loop", `function FindProxyForURL(url, host) { while (true) {} }`, "call", "did not finish in time"},
		{"endless at load", `for (;;) {}`, "run", "did not finish in time"},
		{"number", `function FindProxyForURL(url, host) { return 42; }`, "result", "not a string"},
		{"undefined", `function FindProxyForURL(url, host) { }`, "result", "not a string"},
		{"garbage", `function FindProxyForURL(url, host) { return "FOO bar; PROXY"; }`, "result", "no DIRECT"},
		{"empty", `function FindProxyForURL(url, host) { return ""; }`, "result", "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			p, err := CompilePAC("bad.pac", []byte(tc.script), env)
			if err == nil {
				_, _, _, err = p.EvalPAC(context.Background(), true, "chat.example.com", 443, "/")
			}
			var pe *PACError
			if !errors.As(err, &pe) || pe.Stage != tc.stage || !strings.Contains(err.Error(), tc.contains) {
				t.Fatalf("got %v (%#v), want stage %s containing %q", err, pe, tc.stage, tc.contains)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
	// A DNS that never answers is bounded too.
	slow := testPACEnv()
	slow.Timeout = 200 * time.Millisecond
	slow.Lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	p, _ := CompilePAC("dns.pac", []byte(`function FindProxyForURL(u, h) { while (true) { dnsResolve(h); } }`), slow)
	start := time.Now()
	if _, err := p.FindProxyForURL(context.Background(), "https://x/", "x"); !errors.Is(err, ErrPACTimeout) {
		t.Errorf("slow DNS: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("slow DNS took %s", took)
	}
}

func TestParsePACResult(t *testing.T) {
	entries, notes, err := ParsePACResult(" proxy a.example:1 ;HTTPS b.example:2; SOCKS c:3;SOCKS5 [2001:db8::1]:4; BOGUS x:1; PROXY nohost; DIRECT ; ")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.String()+"="+func() string {
			if e.Proxy == nil {
				return ""
			}
			return e.Proxy.Scheme
		}())
	}
	want := []string{"PROXY a.example:1=http", "HTTPS b.example:2=https", "SOCKS c:3=socks4", "SOCKS5 [2001:db8::1]:4=socks5", "DIRECT="}
	if !reflect.DeepEqual(got, want) || len(notes) != 2 {
		t.Errorf("got %q notes %q", got, notes)
	}
	for _, bad := range []string{"", "  ;  ", "PROXY", "HELLO"} {
		if _, _, err := ParsePACResult(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestLoadPAC(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "proxy.pac")
	os.WriteFile(path, []byte(corpPAC), 0o600)
	for _, loc := range []string{path, "file://" + filepath.ToSlash(path)} {
		if b, err := LoadPAC(context.Background(), loc, nil); err != nil || string(b) != corpPAC {
			t.Errorf("%s: %v", loc, err)
		}
	}
	big := filepath.Join(dir, "big.pac")
	os.WriteFile(big, make([]byte, maxPACSize+1), 0o600)
	if _, err := LoadPAC(context.Background(), big, nil); err == nil || !strings.Contains(err.Error(), "larger") {
		t.Errorf("big: %v", err)
	}
	if _, err := LoadPAC(context.Background(), filepath.Join(dir, "none.pac"), nil); err == nil {
		t.Error("missing file loaded")
	}
	if _, err := LoadPAC(context.Background(), "ftp://x/p.pac", nil); err == nil {
		t.Error("ftp loaded")
	}

	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/proxy.pac":
			w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
			w.Write([]byte(corpPAC))
		case "/slow.pac":
			select {
			case <-block:
			case <-r.Context().Done():
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	defer close(block)
	if b, err := LoadPAC(context.Background(), srv.URL+"/proxy.pac", nil); err != nil || string(b) != corpPAC {
		t.Errorf("http: %v", err)
	}
	if _, err := LoadPAC(context.Background(), srv.URL+"/missing.pac", nil); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := LoadPAC(ctx, srv.URL+"/slow.pac", nil); err == nil {
		t.Error("slow PAC loaded")
	}
}

func TestWPAD(t *testing.T) {
	doms := SearchDomains("# comment\nnameserver 10.0.0.1\nsearch eu.corp.example corp.example\ndomain lab.corp.example\noptions ndots:2\n")
	if want := []string{"eu.corp.example", "corp.example", "lab.corp.example"}; !reflect.DeepEqual(doms, want) {
		t.Fatalf("domains %q", doms)
	}
	hosts := WPADHosts(doms)
	if want := []string{"wpad.eu.corp.example", "wpad.corp.example", "wpad.lab.corp.example"}; !reflect.DeepEqual(hosts, want) {
		t.Errorf("hosts %q", hosts)
	}
	if got := WPADHosts([]string{"a.b.c.d.e.f.g.h"}); len(got) != maxWPADCandidates {
		t.Errorf("unbounded: %q", got)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "wpad.corp.example" || r.URL.Path != "/wpad.dat" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(corpPAC))
	}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", srv.Listener.Addr().String())
	}}}
	defer client.CloseIdleConnections()
	lookup := func(ctx context.Context, host string) ([]netip.Addr, error) {
		if host == "wpad.corp.example" {
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	res := DiscoverWPAD(context.Background(), WPADOptions{Domains: doms, Lookup: lookup, Client: client, DHCP: noDHCP})
	if res.URL != "http://wpad.corp.example/wpad.dat" || string(res.Script) != corpPAC {
		t.Fatalf("%+v", res)
	}
	if want := []WPADTry{{"wpad.eu.corp.example", "nxdomain"}, {"wpad.corp.example", "found"}}; !reflect.DeepEqual(res.Tried, want) || res.Note != WPADDHCPNote {
		t.Errorf("tried %+v", res.Tried)
	}
	none := DiscoverWPAD(context.Background(), WPADOptions{Domains: []string{"home.example"}, Lookup: lookup, Client: client, DHCP: noDHCP})
	if none.URL != "" || len(none.Tried) != 1 {
		t.Errorf("none: %+v", none)
	}
}

func TestResolverRoute(t *testing.T) {
	dir := t.TempDir()
	pac := filepath.Join(dir, "corp.pac")
	os.WriteFile(pac, []byte(corpPAC), 0o600)
	throwing := filepath.Join(dir, "throw.pac")
	os.WriteFile(throwing, []byte(`function FindProxyForURL(u, h) { throw "x"; }`), 0o600)
	env := testPACEnv()
	settings := func(cs ...Config) *Settings { return &Settings{Configs: cs} }
	manual := ParseGSettings(fixture(t, "gsettings_manual.txt"))
	for _, tc := range []struct {
		name   string
		rv     Resolver
		mode   Mode
		host   string
		want   string
		source Source
		origin string
		err    bool
	}{
		{"none", Resolver{}, Direct, "chat.example.com", "DIRECT", SourceOption, "--proxy none", false},
		{"explicit", Resolver{}, mustMode(t, "socks5://u:p@127.0.0.1:1080"), "chat.example.com", "socks5://u:xxxxx@127.0.0.1:1080", SourceOption, "--proxy", false},
		{"no setting", Resolver{Settings: settings(FromEnv(func(string) string { return "" }))}, Mode{}, "chat.example.com", "DIRECT", "", "", false},
		{"manual", Resolver{Settings: settings(manual)}, Mode{}, "chat.example.com", "http://secure.corp.example:3129", SourceGNOME, "org.gnome.system.proxy.https", false},
		{"manual bypass", Resolver{Settings: settings(manual)}, Mode{}, "a.corp.example", "DIRECT", SourceGNOME, "gsettings org.gnome.system.proxy", false},
		{"pac", Resolver{Settings: settings(Config{Source: SourceKDE, Enabled: true, PACURL: pac}), PAC: env}, Mode{}, "chat.example.com",
			"http://secure.corp.example:3129; socks5://socks.corp.example:1080; DIRECT", SourcePAC, pac, false},
		{"pac direct", Resolver{Settings: settings(Config{Source: SourceKDE, Enabled: true, PACURL: pac}), PAC: env}, Mode{}, "wiki", "DIRECT", SourcePAC, pac, false},
		{"pac throws, manual used", Resolver{Settings: settings(Config{Source: SourceWinINET, Enabled: true, PACURL: throwing, HTTPS: manual.HTTPS}), PAC: env}, Mode{}, "chat.example.com",
			"http://secure.corp.example:3129", SourceWinINET, "org.gnome.system.proxy.https", true},
		{"pac missing, direct", Resolver{Settings: settings(Config{Source: SourceMacOS, Enabled: true, PACURL: filepath.Join(dir, "none.pac")}), PAC: env}, Mode{}, "chat.example.com", "DIRECT", SourceMacOS, "", true},
		{"wpad", Resolver{Settings: settings(Config{Source: SourceWinINET, Enabled: true, AutoDetect: true}), PAC: env,
			WPAD: func(context.Context) WPADResult {
				return WPADResult{URL: "http://wpad.x/wpad.dat", Script: []byte(corpPAC)}
			}},
			Mode{}, "chat.example.com", "http://secure.corp.example:3129; socks5://socks.corp.example:1080; DIRECT", SourceWPAD, "http://wpad.x/wpad.dat", false},
		{"wpad none, pac", Resolver{Settings: settings(Config{Source: SourceWinINET, Enabled: true, AutoDetect: true, PACURL: pac}), PAC: env,
			WPAD: func(context.Context) WPADResult { return WPADResult{} }},
			Mode{}, "chat.example.com", "http://secure.corp.example:3129; socks5://socks.corp.example:1080; DIRECT", SourcePAC, pac, false},
		{"pac localhost", Resolver{Settings: settings(Config{Source: SourceKDE, Enabled: true, PACURL: pac}), PAC: env}, Mode{}, "127.0.0.1", "DIRECT", SourceKDE, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rv.Route(context.Background(), tc.mode, true, tc.host, 443, "/")
			if r.Describe() != tc.want || r.Source != tc.source || (r.Err != nil) != tc.err {
				t.Errorf("got %s from %s (%s), err %v; want %s from %s", r.Describe(), r.Source, r.Origin, r.Err, tc.want, tc.source)
			}
			if tc.origin != "" && r.Origin != tc.origin {
				t.Errorf("origin %q, want %q", r.Origin, tc.origin)
			}
		})
	}
}

// mustMode is the proxy mode s, which must parse.
func mustMode(t *testing.T, s string) Mode {
	t.Helper()
	m, err := ParseMode(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
