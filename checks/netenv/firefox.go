package netenv

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// SourceFirefox: Firefox's own proxy settings (its prefs.js), which it
// follows instead of the system's unless set to "use system proxy
// settings".
const SourceFirefox Source = "firefox"

// The values of Firefox's network.proxy.type.
const (
	firefoxDirect = 0
	firefoxManual = 1
	firefoxPAC    = 2
	firefoxWPAD   = 4
	firefoxSystem = 5 // the default
)

// FirefoxProxy is the proxy setting of a Firefox profile.
type FirefoxProxy struct {
	// Profile is the profile's folder.
	Profile string `json:"profile"`
	// Type is network.proxy.type: 0 none, 1 manual, 2 PAC, 4 auto-detect,
	// 5 the system's settings (the default).
	Type int `json:"type"`
	// Config is the setting as the system's are (Source firefox); it is
	// not Enabled for type 5.
	Config Config `json:"config"`
}

// OwnSettings reports whether Firefox ignores the system's settings.
func (f FirefoxProxy) OwnSettings() bool { return f.Type != firefoxSystem }

// Describe says the setting in a few words: "no proxy", "manual:
// https=http://p:3128", "PAC http://...", "auto-detect (WPAD)", "the
// system's settings".
func (f FirefoxProxy) Describe() string {
	c := f.Config
	switch f.Type {
	case firefoxDirect:
		return "no proxy"
	case firefoxManual:
		var parts []string
		for _, p := range []struct {
			name string
			p    *Proxy
		}{{"http", c.HTTP}, {"https", c.HTTPS}, {"socks", c.SOCKS}} {
			if p.p != nil {
				parts = append(parts, p.name+"="+p.p.String())
			}
		}
		if len(c.Bypass) > 0 {
			parts = append(parts, "bypass="+strings.Join(c.Bypass, ","))
		}
		if len(parts) == 0 {
			return "manual, no proxy named"
		}
		return "manual: " + strings.Join(parts, " ")
	case firefoxPAC:
		return "PAC " + c.PACURL
	case firefoxWPAD:
		return "auto-detect (WPAD)"
	}
	return "the system's settings"
}

// ParseFirefoxPrefs reads the proxy preferences of a prefs.js
// (user_pref("network.proxy.type", 1); ...): type, http, http_port, ssl,
// ssl_port, socks, socks_port, socks_version, share_proxy_settings,
// autoconfig_url and no_proxies_on.
func ParseFirefoxPrefs(text, origin string) FirefoxProxy {
	prefs := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, "user_pref(")
		if !ok {
			continue
		}
		rest, ok = strings.CutSuffix(rest, ");")
		if !ok {
			continue
		}
		k, v, ok := strings.Cut(rest, ",")
		if !ok {
			continue
		}
		name, err := strconv.Unquote(strings.TrimSpace(k))
		if err != nil || !strings.HasPrefix(name, "network.proxy.") {
			continue
		}
		v = strings.TrimSpace(v)
		if s, err := strconv.Unquote(v); err == nil {
			v = s
		}
		prefs[strings.TrimPrefix(name, "network.proxy.")] = v
	}
	f := FirefoxProxy{Profile: filepath.Dir(origin), Type: firefoxSystem}
	if t, err := strconv.Atoi(prefs["type"]); err == nil {
		f.Type = t
	}
	c := Config{Source: SourceFirefox, Origin: origin, Mode: strconv.Itoa(f.Type), matchSuffix: true}
	proxy := func(hostKey, portKey, scheme string) *Proxy {
		h := prefs[hostKey]
		if h == "" {
			return nil
		}
		port := prefs[portKey]
		if port == "" || port == "0" {
			return nil
		}
		u, err := parseProxyURL(scheme+"://"+net.JoinHostPort(h, port), scheme)
		if err != nil {
			c.note("network.proxy.%s: %v", hostKey, err)
			return nil
		}
		return &Proxy{URL: u, From: "network.proxy." + hostKey}
	}
	switch f.Type {
	case firefoxManual:
		c.Enabled = true
		c.HTTP = proxy("http", "http_port", "http")
		// share_proxy_settings ("use this proxy for HTTPS too") is
		// written true when the box is ticked.
		if prefs["share_proxy_settings"] == "true" {
			c.HTTPS = c.HTTP
		} else {
			c.HTTPS = proxy("ssl", "ssl_port", "http")
		}
		socks := "socks5"
		if prefs["socks_version"] == "4" {
			socks = "socks4"
		}
		c.SOCKS = proxy("socks", "socks_port", socks)
		for _, b := range strings.FieldsFunc(prefs["no_proxies_on"], func(r rune) bool { return r == ',' || r == ' ' }) {
			c.Bypass = append(c.Bypass, b)
		}
		c.BypassFrom = "network.proxy.no_proxies_on"
	case firefoxPAC:
		c.Enabled, c.PACURL = true, prefs["autoconfig_url"]
	case firefoxWPAD:
		c.Enabled, c.AutoDetect = true, true
	case firefoxDirect:
		c.Enabled = true
	}
	f.Config = c
	return f
}

// ParseProfilesINI finds the default profile's folder in Firefox's
// profiles.ini, relative to dir (the folder of profiles.ini): the
// [Install...] section's Default (the profile this installation opens),
// else the [Profile...] marked Default=1, else the only one.
func ParseProfilesINI(text, dir string) string {
	resolve := func(path string, relative bool) string {
		if relative {
			return filepath.Join(dir, filepath.FromSlash(path))
		}
		return path
	}
	var profiles []iniSection
	for _, s := range parseINI(text) {
		if strings.HasPrefix(s.name, "Install") && s.get("Default") != "" {
			// An install's Default is relative unless it is absolute.
			p := s.get("Default")
			return resolve(p, !filepath.IsAbs(p) && !strings.HasPrefix(p, "/"))
		}
		if strings.HasPrefix(s.name, "Profile") && s.get("Path") != "" {
			profiles = append(profiles, s)
		}
	}
	for _, s := range profiles {
		if s.get("Default") == "1" {
			return resolve(s.get("Path"), s.get("IsRelative") != "0")
		}
	}
	if len(profiles) == 1 {
		return resolve(profiles[0].get("Path"), profiles[0].get("IsRelative") != "0")
	}
	return ""
}

// firefoxDirs are where profiles.ini may be on this system, for home and
// (on Windows) APPDATA: the usual install first, then Snap and Flatpak.
func firefoxDirs(goos, home, appData string) []string {
	switch goos {
	case "windows":
		if appData == "" {
			appData = filepath.Join(home, "AppData", "Roaming")
		}
		return []string{filepath.Join(appData, "Mozilla", "Firefox")}
	case "darwin":
		return []string{filepath.Join(home, "Library", "Application Support", "Firefox")}
	}
	return []string{
		filepath.Join(home, ".mozilla", "firefox"),
		filepath.Join(home, "snap", "firefox", "common", ".mozilla", "firefox"),
		filepath.Join(home, ".var", "app", "org.mozilla.firefox", ".mozilla", "firefox"),
	}
}

// ReadFirefoxProxy reads the default Firefox profile's proxy setting;
// ok is false when Firefox has no profile here.
func ReadFirefoxProxy() (FirefoxProxy, bool) {
	home, err := os.UserHomeDir()
	if err != nil {
		return FirefoxProxy{}, false
	}
	return readFirefoxProxy(runtime.GOOS, home, os.Getenv("APPDATA"), os.ReadFile)
}

func readFirefoxProxy(goos, home, appData string, readFile func(string) ([]byte, error)) (FirefoxProxy, bool) {
	for _, dir := range firefoxDirs(goos, home, appData) {
		ini, err := readFile(filepath.Join(dir, "profiles.ini"))
		if err != nil {
			continue
		}
		prof := ParseProfilesINI(string(ini), dir)
		if prof == "" {
			continue
		}
		path := filepath.Join(prof, "prefs.js")
		prefs, err := readFile(path)
		if err != nil {
			// A profile never closed yet has no prefs.js: defaults.
			return FirefoxProxy{Profile: prof, Type: firefoxSystem, Config: Config{Source: SourceFirefox, Origin: path}}, true
		}
		return ParseFirefoxPrefs(string(prefs), path), true
	}
	return FirefoxProxy{}, false
}

// DiffersFrom says how Firefox's route to the target differs from route,
// the one the check took; "" when Firefox follows the system or takes the
// same way.
func (f FirefoxProxy) DiffersFrom(route Route, secure bool, host string, port int) string {
	if !f.OwnSettings() {
		return ""
	}
	d := f.Config.Decide(secure, host, port)
	switch {
	case f.Type == firefoxPAC:
		if route.Source == SourcePAC && route.Origin == d.PACURL {
			return ""
		}
		return "Firefox uses the PAC file " + d.PACURL
	case f.Type == firefoxWPAD:
		if route.Source == SourceWPAD {
			return ""
		}
		return "Firefox looks for a proxy by itself (auto-detect, WPAD)"
	case d.Proxy == nil:
		if route.Direct() {
			return ""
		}
		return "Firefox connects directly, without a proxy"
	}
	if p := route.Proxy(); p != nil && p.Host == d.Proxy.URL.Host {
		return ""
	}
	return "Firefox uses the proxy " + d.Proxy.String()
}
