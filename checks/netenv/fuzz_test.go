package netenv

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The parsers of what the machine says read text and bytes that another
// program wrote; none may panic or hang on any input. Seeds are the
// recorded fixtures of testdata.

// addFixtures seeds f with every testdata file whose name starts with
// prefix.
func addFixtures(f *testing.F, prefix string, add func(b []byte)) {
	names, _ := filepath.Glob(filepath.Join("testdata", prefix+"*"))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err == nil {
			add(b)
		}
	}
}

func FuzzParseScutil(f *testing.F) {
	addFixtures(f, "scutil", func(b []byte) { f.Add(string(b)) })
	f.Fuzz(func(t *testing.T, s string) { ParseScutil(s) })
}

func FuzzParseGSettings(f *testing.F) {
	addFixtures(f, "gsettings", func(b []byte) { f.Add(string(b)) })
	f.Fuzz(func(t *testing.T, s string) { ParseGSettings(s) })
}

func FuzzParseKioslaverc(f *testing.F) {
	addFixtures(f, "kioslaverc", func(b []byte) { f.Add(string(b), "http_proxy=http://p:3128") })
	f.Fuzz(func(t *testing.T, s, env string) {
		k, v, _ := strings.Cut(env, "=")
		ParseKioslaverc(s, "kioslaverc", func(name string) string {
			if name == k {
				return v
			}
			return ""
		})
	})
}

// FuzzWinBlobs: the binary connection settings of WinINET and WinHTTP.
func FuzzWinBlobs(f *testing.F) {
	for _, name := range []string{"wininet_pac_autodetect.reg", "wininet_perprotocol.reg", "wininet_single.reg", "winhttp_direct.reg", "winhttp_proxy.reg"} {
		for _, v := range parseReg(f, fixture(f, name)) {
			if v.bin != nil {
				f.Add(v.bin, "proxy:8080", "<local>")
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, server, override string) {
		ParseConnectionSettings(b)
		ParseWinHTTP(b)
		one := uint32(1)
		ParseWinINET(WinINETValues{ProxyEnable: &one, ProxyServer: &server, ProxyOverride: &override, DefaultConnectionSettings: b})
	})
}

func FuzzParseMode(f *testing.F) {
	for _, s := range []string{"system", "none", "DIRECT", "http://u:p@proxy:3128", "socks5h://[::1]:1080", "pac:/etc/x.pac", "pac:", "proxy:8080", "https://p", "ftp://x", ":", "[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMode(s)
		if err == nil && m.Kind == ModeURL && (m.URL == nil || m.URL.Host == "") {
			t.Errorf("ParseMode(%q) = a proxy without a host: %+v", s, m)
		}
	})
}

func FuzzParsePACResult(f *testing.F) {
	for _, s := range []string{"DIRECT", "PROXY a:1; SOCKS5 b:2; DIRECT", "HTTPS p:443", "PROXY [::1]:8080", "", ";;", "PROXY a", "SOCKS x:y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { ParsePACResult(s) })
}

// FuzzPAC compiles and runs any script: errors are fine, a panic, a hang
// past the time bound or unbounded memory are not.
func FuzzPAC(f *testing.F) {
	for _, s := range []string{
		`function FindProxyForURL(u, h) { return "DIRECT"; }`,
		`function FindProxyForURL(u, h) { if (shExpMatch(h, "*.example.com")) return "PROXY p:3128"; return isInNet(dnsResolve(h), "10.0.0.0", "255.0.0.0") ? "DIRECT" : "SOCKS5 s:1080"; }`,
		`function FindProxyForURL(u, h) { return weekdayRange("MON", "FRI") && timeRange(8, 18) ? "PROXY a:1" : "DIRECT"; }`,
		`function FindProxyForURLEx(u, h) { return myIpAddressEx() + sortIpAddressList("10.0.0.1;::1"); }`,
		`var s = "x"; for (;;) { s += s; }`,
		`function FindProxyForURL(u, h) { return "x".repeat(1e9); }`,
	} {
		f.Add(s, "chat.example.com")
	}
	env := testPACEnv()
	env.Timeout = 200 * time.Millisecond
	f.Fuzz(func(t *testing.T, script, host string) {
		p, err := CompilePAC("fuzz.pac", []byte(script), env)
		if err != nil {
			return
		}
		start := time.Now()
		p.EvalPAC(context.Background(), true, host, 443, "/")
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("ran %s past its %s bound", took, env.Timeout)
		}
	})
}

// FuzzWiFiParsers: what netsh, nmcli, iwgetid and networksetup print. The
// name found is bounded and free of control characters.
func FuzzWiFiParsers(f *testing.F) {
	for _, p := range []string{"netsh_wlan", "nmcli_wifi", "airport", "networksetup"} {
		addFixtures(f, p, func(b []byte) { f.Add(string(b)) })
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(name, got string) {
			if len(got) > maxSSID || strings.ContainsAny(got, "\x00\x1b\r\n") {
				t.Fatalf("%s: %q", name, got)
			}
		}
		check("netsh", ParseNetshWLAN(s))
		check("nmcli", ParseNmcliWiFi(s))
		check("iwgetid", ParseIwgetid(s))
		a, _ := ParseAirportNetwork(s)
		check("airport", a)
		ParseHardwarePorts(s)
	})
}
