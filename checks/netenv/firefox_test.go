package netenv

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

func TestParseProfilesINI(t *testing.T) {
	dir := filepath.Join("testdata", "firefox")
	if got := ParseProfilesINI(fixture(t, "firefox/profiles.ini"), dir); got != filepath.Join(dir, "abcd1234.default-release") {
		t.Errorf("install default: %q", got)
	}
	if got := ParseProfilesINI(fixture(t, "firefox/profiles_legacy.ini"), dir); got != filepath.Join(dir, "old.default") {
		t.Errorf("Default=1: %q", got)
	}
	if got := ParseProfilesINI("[Profile0]\nIsRelative=0\nPath=/abs/p\n", dir); got != "/abs/p" {
		t.Errorf("only profile, absolute: %q", got)
	}
	if got := ParseProfilesINI("[General]\n", dir); got != "" {
		t.Errorf("none: %q", got)
	}
}

func TestParseFirefoxPrefs(t *testing.T) {
	for _, tc := range []struct {
		text, want string
		own        bool
	}{
		{fixture(t, "firefox/abcd1234.default-release/prefs.js"), "manual: http=http://proxy.corp.example:3128 https=http://proxy.corp.example:3128 bypass=localhost,.intranet.corp.example", true},
		{fixture(t, "firefox/old.default/prefs.js"), "PAC http://pac.corp.example/proxy.pac", true},
		{`user_pref("network.proxy.type", 0);`, "no proxy", true},
		{`user_pref("network.proxy.type", 4);`, "auto-detect (WPAD)", true},
		{`user_pref("browser.startup.page", 3);`, "the system's settings", false},
		{"user_pref(\"network.proxy.type\", 1);\nuser_pref(\"network.proxy.socks\", \"s.corp\");\nuser_pref(\"network.proxy.socks_port\", 1080);", "manual: socks=socks5://s.corp:1080", true},
	} {
		f := ParseFirefoxPrefs(tc.text, "/p/prefs.js")
		if got := f.Describe(); got != tc.want || f.OwnSettings() != tc.own {
			t.Errorf("%q: %q (own %v), want %q", tc.text, got, f.OwnSettings(), tc.want)
		}
	}
}

func TestReadFirefoxProxy(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".mozilla", "firefox")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "firefox"))); err != nil {
		t.Fatal(err)
	}
	f, ok := readFirefoxProxy("linux", home, "", os.ReadFile)
	if !ok || f.Type != firefoxManual || f.Profile != filepath.Join(dir, "abcd1234.default-release") {
		t.Errorf("linux: %+v %v", f, ok)
	}
	if _, ok := readFirefoxProxy("windows", home, filepath.Join(home, "AppData"), os.ReadFile); ok {
		t.Error("windows: found a profile where there is none")
	}
	if got := firefoxDirs("windows", `C:\Users\ann`, `C:\Users\ann\AppData\Roaming`)[0]; got != filepath.Join(`C:\Users\ann\AppData\Roaming`, "Mozilla", "Firefox") {
		t.Errorf("windows dir %q", got)
	}
	if got := firefoxDirs("darwin", "/Users/ann", "")[0]; got != "/Users/ann/Library/Application Support/Firefox" {
		t.Errorf("macOS dir %q", got)
	}
}

func TestFirefoxDiffers(t *testing.T) {
	manual := ParseFirefoxPrefs(fixture(t, "firefox/abcd1234.default-release/prefs.js"), "/p/prefs.js")
	pac := ParseFirefoxPrefs(fixture(t, "firefox/old.default/prefs.js"), "/p/prefs.js")
	system := ParseFirefoxPrefs("", "/p/prefs.js")
	via := func(p string) Route { u, _ := url.Parse(p); return Route{Proxies: []*url.URL{u}, Source: SourceGNOME} }
	for _, tc := range []struct {
		name  string
		f     FirefoxProxy
		route Route
		host  string
		want  string
	}{
		{"system", system, Route{}, "chat.example.com", ""},
		{"same proxy", manual, via("http://proxy.corp.example:3128"), "chat.example.com", ""},
		{"system direct, Firefox proxy", manual, Route{}, "chat.example.com", "Firefox uses the proxy http://proxy.corp.example:3128"},
		{"Firefox bypass, system proxy", manual, via("http://proxy.corp.example:3128"), "wiki.intranet.corp.example", "Firefox connects directly, without a proxy"},
		{"Firefox PAC", pac, via("http://other:8080"), "chat.example.com", "Firefox uses the PAC file http://pac.corp.example/proxy.pac"},
		{"same PAC", pac, Route{Source: SourcePAC, Origin: "http://pac.corp.example/proxy.pac"}, "chat.example.com", ""},
	} {
		if got := tc.f.DiffersFrom(tc.route, true, tc.host, 443); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
