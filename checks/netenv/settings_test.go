package netenv

import (
	"context"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// envFixture reads NAME=value lines into a getenv.
func envFixture(t *testing.T, name string) func(string) string {
	m := map[string]string{}
	for _, line := range strings.Split(fixture(t, name), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			m[k] = v
		}
	}
	return func(k string) string { return m[k] }
}

// regValue is one value of a .reg export.
type regValue struct {
	str   *string
	dword *uint32
	bin   []byte
}

// parseReg reads a regedit export (version 5 text): "name"="string",
// "name"=dword:hex, "name"=hex:bytes with \ continuations. Keys are
// "[key]\name".
func parseReg(t testing.TB, text string) map[string]regValue {
	t.Helper()
	out := map[string]regValue{}
	key := ""
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, `\`) + strings.TrimSpace(lines[i])
		}
		switch {
		case strings.HasPrefix(line, "["):
			key = strings.Trim(line, "[]")
		case strings.HasPrefix(line, `"`):
			name, val, _ := strings.Cut(line[1:], `"=`)
			var v regValue
			switch {
			case strings.HasPrefix(val, `"`):
				s, err := strconv.Unquote(val)
				if err != nil {
					s = strings.Trim(val, `"`)
				}
				v.str = &s
			case strings.HasPrefix(val, "dword:"):
				n, err := strconv.ParseUint(strings.TrimPrefix(val, "dword:"), 16, 32)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				d := uint32(n)
				v.dword = &d
			case strings.HasPrefix(val, "hex:"):
				b, err := hex.DecodeString(strings.ReplaceAll(strings.TrimPrefix(val, "hex:"), ",", ""))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				v.bin = b
			}
			out[key+`\`+name] = v
		}
	}
	return out
}

const (
	regIE   = `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings`
	regHTTP = `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections`
)

func wininetFixture(t testing.TB, name string) WinINETValues {
	r := parseReg(t, fixture(t, name))
	return WinINETValues{
		ProxyEnable:               r[regIE+`\ProxyEnable`].dword,
		ProxyServer:               r[regIE+`\ProxyServer`].str,
		ProxyOverride:             r[regIE+`\ProxyOverride`].str,
		AutoConfigURL:             r[regIE+`\AutoConfigURL`].str,
		DefaultConnectionSettings: r[regIE+`\Connections\DefaultConnectionSettings`].bin,
	}
}

func proxyStr(p *Proxy) string {
	if p == nil {
		return ""
	}
	return p.String() + " <" + p.From + ">"
}

// decide is the route a setting gives host:port, as one string:
// "proxy <from>", "direct (bypass rule)" or "direct".
func decide(c Config, secure bool, hostport string) string {
	host, port, _ := strings.Cut(hostport, ":")
	if strings.HasPrefix(hostport, "[") {
		i := strings.Index(hostport, "]")
		host, port = hostport[1:i], hostport[i+2:]
	}
	n, _ := strconv.Atoi(port)
	d := c.Decide(secure, host, n)
	if d.Proxy != nil {
		return proxyStr(d.Proxy)
	}
	if d.Bypass != "" {
		return "direct (" + d.Bypass + ")"
	}
	return "direct"
}

type decideCase struct {
	secure   bool
	hostport string
	want     string
}

func checkDecisions(t *testing.T, c Config, cases []decideCase) {
	t.Helper()
	for _, tc := range cases {
		scheme := "ws"
		if tc.secure {
			scheme = "wss"
		}
		if got := decide(c, tc.secure, tc.hostport); got != tc.want {
			t.Errorf("%s://%s: got %q, want %q", scheme, tc.hostport, got, tc.want)
		}
	}
}

func TestFromEnv(t *testing.T) {
	c := FromEnv(envFixture(t, "env_corp.env"))
	if !c.Enabled || c.Source != SourceEnv {
		t.Fatalf("not enabled: %+v", c)
	}
	if got, want := proxyStr(c.HTTP), "http://proxy.corp.example:3128 <http_proxy>"; got != want {
		t.Errorf("HTTP = %q, want %q (lower case wins, as in httpproxy)", got, want)
	}
	if got, want := proxyStr(c.HTTPS), "http://bob:xxxxx@secure.corp.example:3129 <HTTPS_PROXY>"; got != want {
		t.Errorf("HTTPS = %q, want %q", got, want)
	}
	if got, want := proxyStr(c.All), "socks5://socks.corp.example:1080 <ALL_PROXY>"; got != want {
		t.Errorf("All = %q, want %q", got, want)
	}
	if c.BypassFrom != "no_proxy" || len(c.Bypass) != 7 {
		t.Errorf("bypass %q from %q", c.Bypass, c.BypassFrom)
	}
	https := "http://bob:xxxxx@secure.corp.example:3129 <HTTPS_PROXY>"
	http := "http://proxy.corp.example:3128 <http_proxy>"
	checkDecisions(t, c, []decideCase{
		{true, "chat.example.com:443", https},
		{false, "chat.example.com:80", http},
		{true, "localhost:443", "direct (localhost)"},
		{true, "127.0.0.1:8443", "direct (localhost)"},
		{true, "[::1]:443", "direct (localhost)"},
		{true, "internal.example:443", https}, // httpproxy: ".x" is subdomains only
		{true, "a.b.internal.example:443", "direct (.internal.example)"},
		{true, "x.lab.example:443", "direct (*.lab.example)"},
		{true, "lab.example:443", https},
		{true, "corp-direct.example:443", "direct (corp-direct.example)"},
		{true, "sub.corp-direct.example:443", "direct (corp-direct.example)"},
		{true, "10.1.2.3:443", "direct (10.0.0.0/8)"},
		{true, "11.1.2.3:443", https},
		{true, "192.168.7.7:443", "direct (192.168.7.7)"},
		{true, "onlyport.example:8443", "direct (onlyport.example:8443)"},
		{true, "onlyport.example:443", https},
	})

	all := FromEnv(envFixture(t, "env_allproxy.env"))
	if got, want := proxyStr(all.All), "socks5h://socks.corp.example:1080 <all_proxy>"; got != want {
		t.Errorf("all_proxy = %q, want %q", got, want)
	}
	checkDecisions(t, all, []decideCase{{true, "chat.example.com:443", "direct (*)"}})
	onlyAll := FromEnv(func(k string) string {
		if k == "ALL_PROXY" {
			return "socks5://s:1080"
		}
		return ""
	})
	checkDecisions(t, onlyAll, []decideCase{
		{true, "chat.example.com:443", "socks5://s:1080 <ALL_PROXY>"},
		{false, "chat.example.com:80", "socks5://s:1080 <ALL_PROXY>"},
	})

	none := FromEnv(func(string) string { return "" })
	if none.Enabled || none.HasProxy() {
		t.Errorf("empty environment enabled: %+v", none)
	}
	bad := FromEnv(func(k string) string {
		if k == "https_proxy" {
			return "ftp://x:1"
		}
		return ""
	})
	if bad.Enabled || len(bad.Notes) != 1 || !strings.Contains(bad.Notes[0], "https_proxy") {
		t.Errorf("bad proxy: %+v", bad)
	}
	// A bare host:port is http, as httpproxy reads it.
	bare := FromEnv(func(k string) string {
		if k == "HTTPS_PROXY" {
			return "proxy:8080"
		}
		return ""
	})
	if got := proxyStr(bare.HTTPS); got != "http://proxy:8080 <HTTPS_PROXY>" {
		t.Errorf("bare = %q", got)
	}
}

func TestWinINETPerProtocol(t *testing.T) {
	c := ParseWinINET(wininetFixture(t, "wininet_perprotocol.reg"))
	if !c.Enabled || c.Mode != "manual" || c.AutoDetect || c.PACURL != "" {
		t.Fatalf("%+v", c)
	}
	for _, p := range []struct {
		name      string
		got, want string
	}{
		{"http", proxyStr(c.HTTP), "http://proxy.corp.example:8080 <ProxyServer http=>"},
		{"https", proxyStr(c.HTTPS), "http://secure.corp.example:8443 <ProxyServer https=>"},
		{"socks", proxyStr(c.SOCKS), "socks4://socks.corp.example:1080 <ProxyServer socks=>"},
	} {
		if p.got != p.want {
			t.Errorf("%s = %q, want %q", p.name, p.got, p.want)
		}
	}
	checkDecisions(t, c, []decideCase{
		{true, "chat.example.com:443", "http://secure.corp.example:8443 <ProxyServer https=>"},
		{false, "chat.example.com:80", "http://proxy.corp.example:8080 <ProxyServer http=>"},
		{true, "intranet:443", "direct (<local>)"},
		{true, "app.corp.example:443", "direct (*.corp.example)"},
		{true, "10.20.30.40:443", "direct (10.*)"},
		{true, "192.168.1.15:443", "direct (192.168.1.15)"},
		{true, "192.168.1.16:443", "http://secure.corp.example:8443 <ProxyServer https=>"},
		{true, "127.0.0.1:443", "direct (localhost)"},
	})
	// Without an https= entry, wss goes to the socks= one.
	s := "http=a:1;socks=c:3"
	one := ParseWinINET(WinINETValues{ProxyEnable: ptr(uint32(1)), ProxyServer: &s})
	checkDecisions(t, one, []decideCase{{true, "x.example:443", "socks4://c:3 <ProxyServer socks=>"}})
}

func ptr[T any](v T) *T { return &v }

func TestWinINETSingleAndPAC(t *testing.T) {
	c := ParseWinINET(wininetFixture(t, "wininet_single.reg"))
	checkDecisions(t, c, []decideCase{
		{true, "chat.example.com:443", "http://proxy.corp.example:3128 <ProxyServer>"},
		{false, "chat.example.com:80", "http://proxy.corp.example:3128 <ProxyServer>"},
		{true, "printer:443", "direct (<local>)"},
	})

	p := ParseWinINET(wininetFixture(t, "wininet_pac_autodetect.reg"))
	if !p.Enabled || !p.AutoDetect || p.PACURL != "http://pac.corp.example/proxy.pac" || p.Mode != "auto-detect, then PAC" {
		t.Fatalf("%+v", p)
	}
	if p.HTTP != nil || len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "ProxyEnable is off") {
		t.Errorf("a disabled ProxyServer must be noted and not used: %+v", p)
	}
	d := p.Decide(true, "chat.example.com", 443)
	if !d.AutoDetect || d.PACURL == "" || d.Proxy != nil {
		t.Errorf("decision %+v", d)
	}
	// Only the blob says auto-detect: it is read from there.
	blobOnly := wininetFixture(t, "wininet_pac_autodetect.reg")
	blobOnly.AutoConfigURL, blobOnly.ProxyEnable, blobOnly.ProxyServer = nil, nil, nil
	b := ParseWinINET(blobOnly)
	if !b.AutoDetect || b.PACURL != "http://pac.corp.example/proxy.pac" {
		t.Errorf("from the blob alone: %+v", b)
	}
}

func TestWinHTTP(t *testing.T) {
	r := parseReg(t, fixture(t, "winhttp_proxy.reg"))
	c := ParseWinHTTP(r[regHTTP+`\WinHttpSettings`].bin)
	if !c.Enabled || c.Mode != "proxy" || c.Source != SourceWinHTTP {
		t.Fatalf("%+v", c)
	}
	checkDecisions(t, c, []decideCase{
		{true, "chat.example.com:443", "http://proxy.corp.example:3128 <WinHttpSettings>"},
		{true, "svc.corp.example:443", "direct (*.corp.example)"},
		{true, "nas:443", "direct (<local>)"},
	})
	d := ParseWinHTTP(parseReg(t, fixture(t, "winhttp_direct.reg"))[regHTTP+`\WinHttpSettings`].bin)
	if d.Enabled || d.Mode != "direct" {
		t.Errorf("direct: %+v", d)
	}
	// WinHTTP is for services: it never applies to the check.
	s := Settings{Configs: []Config{FromEnv(func(string) string { return "" }), c}}
	if _, ok := s.Effective(); ok {
		t.Error("WinHTTP applied")
	}
	for _, b := range [][]byte{{1, 2}, {0x18, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0xff, 0, 0, 0, 'a'}} {
		if c := ParseWinHTTP(b); c.Enabled || len(c.Notes) == 0 {
			t.Errorf("corrupt blob %x: %+v", b, c)
		}
	}
}

func TestScutil(t *testing.T) {
	c := ParseScutil(fixture(t, "scutil_manual.txt"))
	if !c.Enabled || c.SOCKS != nil || !c.BypassSimple || c.AutoDetect || c.PACURL != "" {
		t.Fatalf("%+v", c)
	}
	if want := []string{"*.local", "169.254/16", "corp.example"}; !reflect.DeepEqual(c.Bypass, want) {
		t.Errorf("exceptions %q, want %q (the scoped ones are not the machine's)", c.Bypass, want)
	}
	checkDecisions(t, c, []decideCase{
		{true, "chat.example.com:443", "http://secure.corp.example:8443 <HTTPSProxy>"},
		{false, "chat.example.com:80", "http://proxy.corp.example:8080 <HTTPProxy>"},
		{true, "printer.local:443", "direct (*.local)"},
		{true, "169.254.10.1:443", "direct (localhost)"},
		{true, "app.corp.example:443", "direct (corp.example)"},
		{true, "corp.example:443", "direct (corp.example)"},
		{true, "nas:443", "direct (<local>)"},
	})
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "SOCKSEnable is off") {
		t.Errorf("notes %q", c.Notes)
	}
	p := ParseScutil(fixture(t, "scutil_pac.txt"))
	if !p.Enabled || p.PACURL != "http://pac.corp.example/proxy.pac" || !p.AutoDetect || p.HTTP != nil {
		t.Errorf("pac: %+v", p)
	}
	if n := ParseScutil(fixture(t, "scutil_none.txt")); n.Enabled {
		t.Errorf("none: %+v", n)
	}
}

func TestGSettings(t *testing.T) {
	c := ParseGSettings(fixture(t, "gsettings_manual.txt"))
	if !c.Enabled || c.Mode != "manual" {
		t.Fatalf("%+v", c)
	}
	if want := []string{"localhost", "127.0.0.0/8", "::1", "*.corp.example", "10.0.0.0/8"}; !reflect.DeepEqual(c.Bypass, want) {
		t.Errorf("ignore-hosts %q", c.Bypass)
	}
	if got, want := proxyStr(c.HTTP), "http://alice:xxxxx@proxy.corp.example:3128 <org.gnome.system.proxy.http>"; got != want {
		t.Errorf("http %q, want %q", got, want)
	}
	if c.HTTP.URL.User.String() != "alice:s3cret" {
		t.Error("credentials lost")
	}
	checkDecisions(t, c, []decideCase{
		{true, "chat.example.com:443", "http://secure.corp.example:3129 <org.gnome.system.proxy.https>"},
		{true, "app.corp.example:443", "direct (*.corp.example)"},
		{true, "10.9.8.7:443", "direct (10.0.0.0/8)"},
		{true, "corp.example:443", "http://secure.corp.example:3129 <org.gnome.system.proxy.https>"},
	})
	a := ParseGSettings(fixture(t, "gsettings_auto.txt"))
	if !a.Enabled || a.PACURL != "http://pac.corp.example/proxy.pac" || a.AutoDetect || a.Bypass != nil || a.HTTP != nil {
		t.Errorf("auto: %+v", a)
	}
	wpad := ParseGSettings(strings.Replace(fixture(t, "gsettings_auto.txt"), "'http://pac.corp.example/proxy.pac'", "''", 1))
	if !wpad.AutoDetect || wpad.PACURL != "" {
		t.Errorf("auto without URL is WPAD: %+v", wpad)
	}
	if n := ParseGSettings(fixture(t, "gsettings_none.txt")); n.Enabled || n.HTTP != nil {
		t.Errorf("none: %+v", n)
	}
	if got := gvStrings(`['it\'s', "b"]`); !reflect.DeepEqual(got, []string{"it's", "b"}) {
		t.Errorf("gvStrings = %q", got)
	}
}

func TestKioslaverc(t *testing.T) {
	noenv := func(string) string { return "" }
	c := ParseKioslaverc(fixture(t, "kioslaverc_manual"), "kioslaverc", noenv)
	if !c.Enabled || c.Mode != "1 (manual)" {
		t.Fatalf("%+v", c)
	}
	for _, p := range []struct{ got, want string }{
		{proxyStr(c.HTTP), "http://proxy.corp.example:3128 <httpProxy>"},
		{proxyStr(c.HTTPS), "http://secure.corp.example:3129 <httpsProxy>"},
		{proxyStr(c.SOCKS), "socks5://socks.corp.example:1080 <socksProxy>"},
	} {
		if p.got != p.want {
			t.Errorf("got %q, want %q", p.got, p.want)
		}
	}
	checkDecisions(t, c, []decideCase{
		{true, "chat.example.com:443", "http://secure.corp.example:3129 <httpsProxy>"},
		{false, "chat.example.com:80", "http://proxy.corp.example:3128 <httpProxy>"},
		{true, "git.corp.example:443", "direct (.corp.example)"},
		{true, "intranet:443", "direct (intranet)"},
	})
	rev := ParseKioslaverc(strings.Replace(fixture(t, "kioslaverc_manual"), "ReversedException=false", "ReversedException=true", 1), "k", noenv)
	checkDecisions(t, rev, []decideCase{
		{true, "chat.example.com:443", "direct (not in the reversed exception list)"},
		{true, "git.corp.example:443", "http://secure.corp.example:3129 <httpsProxy>"},
	})
	p := ParseKioslaverc(fixture(t, "kioslaverc_pac"), "k", noenv)
	if !p.Enabled || p.PACURL != "http://pac.corp.example/proxy.pac" || p.HTTP != nil {
		t.Errorf("pac: %+v", p)
	}
	w := ParseKioslaverc(fixture(t, "kioslaverc_wpad"), "k", noenv)
	if !w.Enabled || !w.AutoDetect {
		t.Errorf("wpad: %+v", w)
	}
	e := ParseKioslaverc(fixture(t, "kioslaverc_env"), "k", envFixture(t, "env_corp.env"))
	if got, want := proxyStr(e.HTTPS), "http://bob:xxxxx@secure.corp.example:3129 <httpsProxy -> $HTTPS_PROXY>"; got != want {
		t.Errorf("env type: %q, want %q", got, want)
	}
	if n := ParseKioslaverc("[Proxy Settings]\nProxyType=0\nhttpProxy=http://p 1\n", "k", noenv); n.Enabled {
		t.Errorf("type 0: %+v", n)
	}
}

func TestBypassRules(t *testing.T) {
	c := Config{Enabled: true, Source: SourceGNOME, HTTPS: &Proxy{URL: mustURL(t, "http://p:1"), From: "x"},
		Bypass: []string{"*.a.example", "b.example", ".c.example", "192.168/16", "fe80::/10", "2001:db8::/32", "d.example:8443", "[2001:db8::5]:443", "E.EXAMPLE"}}
	p := "http://p:1 <x>"
	checkDecisions(t, c, []decideCase{
		{true, "x.a.example:443", "direct (*.a.example)"},
		{true, "a.example:443", p},
		{true, "b.example:443", "direct (b.example)"},
		{true, "x.b.example:443", p},
		{true, "c.example:443", "direct (.c.example)"},
		{true, "x.c.example:443", "direct (.c.example)"},
		{true, "192.168.4.4:443", "direct (192.168/16)"},
		{true, "[2001:db8::1]:443", "direct (2001:db8::/32)"},
		{true, "d.example:8443", "direct (d.example:8443)"},
		{true, "d.example:443", p},
		{true, "e.example:443", "direct (E.EXAMPLE)"},
		{true, "[fe80::1]:443", "direct (localhost)"},
	})
}

func TestShExpMatch(t *testing.T) {
	for _, tc := range []struct {
		s, p string
		want bool
	}{
		{"www.example.com", "*.example.com", true},
		{"example.com", "*.example.com", false},
		{"http://a/b/c.html", "*/b/*", true},
		{"abc", "a?c", true},
		{"abc", "a?", false},
		{"", "*", true},
		{"aaa", "a*a*a", true},
		{"ab", "a*b*c", false},
	} {
		if got := shExpMatch(tc.s, tc.p); got != tc.want {
			t.Errorf("shExpMatch(%q, %q) = %v", tc.s, tc.p, got)
		}
	}
}

// TestReadSettingsLinux runs the Linux reader with the commands and files
// replaced: the desktop's own setting comes first, a missing gsettings is
// no error, a failing one is.
func TestReadSettingsLinux(t *testing.T) {
	if _, err := os.Stat("/proc"); err != nil {
		t.Skip("Linux only")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "kioslaverc"), []byte(fixture(t, "kioslaverc_manual")), 0o600)
	env := map[string]string{"XDG_CONFIG_HOME": dir, "XDG_CURRENT_DESKTOP": "ubuntu:GNOME", "https_proxy": "http://envproxy:1"}
	gs := fixture(t, "gsettings_manual.txt")
	var gsErr error
	rd := &OSReader{
		Getenv: func(k string) string { return env[k] },
		Command: func(ctx context.Context, name string, args ...string) ([]byte, error) {
			if name != "gsettings" || strings.Join(args, " ") != "list-recursively org.gnome.system.proxy" {
				t.Errorf("ran %s %q", name, args)
			}
			return []byte(gs), gsErr
		},
	}
	s := ReadSettings(context.Background(), rd)
	var order []Source
	for _, c := range s.Configs {
		order = append(order, c.Source)
	}
	if want := []Source{SourceGNOME, SourceEnv, SourceKDE}; !reflect.DeepEqual(order, want) || len(s.Errors) != 0 {
		t.Fatalf("order %v errors %v", order, s.Errors)
	}
	if c, _ := s.Effective(); c.Source != SourceGNOME {
		t.Errorf("effective %s", c.Source)
	}
	env["XDG_CURRENT_DESKTOP"] = "KDE"
	if c, _ := ReadSettings(context.Background(), rd).Effective(); c.Source != SourceKDE {
		t.Errorf("on KDE effective %s", c.Source)
	}
	// GNOME set to none: the environment applies.
	env["XDG_CURRENT_DESKTOP"] = "GNOME"
	gs = fixture(t, "gsettings_none.txt")
	if c, _ := ReadSettings(context.Background(), rd).Effective(); c.Source != SourceEnv {
		t.Errorf("GNOME none: effective %s", c.Source)
	}
	gs, gsErr = "", &exec.Error{Name: "gsettings", Err: exec.ErrNotFound}
	if s := ReadSettings(context.Background(), rd); len(s.Errors) != 0 {
		t.Errorf("missing gsettings is an error: %v", s.Errors)
	}
	gsErr = errors.New("exit status 1")
	if s := ReadSettings(context.Background(), rd); len(s.Errors) != 1 {
		t.Errorf("failing gsettings not reported: %v", s.Errors)
	}
}

func TestRunCommand(t *testing.T) {
	if _, err := RunCommand(context.Background(), "wsdoctor-no-such-command"); !notInstalled(err) {
		t.Errorf("missing command: %v", err)
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	out, err := RunCommand(context.Background(), "sh", "-c", "echo hi")
	if err != nil || string(out) != "hi\n" {
		t.Errorf("%q %v", out, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RunCommand(ctx, "sh", "-c", "sleep 5"); err == nil {
		t.Error("cancelled command succeeded")
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
