// Package netenv finds out what the machine's network is set to: the proxy
// settings the user's own applications follow (environment, Windows WinINET
// and WinHTTP, macOS, GNOME, KDE), PAC and WPAD, and VPNs; and it dials
// through proxies itself so that what a proxy answers is kept as evidence.
//
// Every OS reader sits behind one small function chosen by build tags
// (proxy_linux.go, proxy_darwin.go, proxy_windows.go); what they read is
// parsed by pure functions that are tested on any OS from fixtures.
// Nothing here knows about probes or findings: package checks turns what
// netenv finds into evidence.
package netenv

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Source names where a proxy setting was found.
type Source string

// The places proxy settings are read from.
const (
	// SourceEnv: the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY,
	// NO_PROXY, in either case).
	SourceEnv Source = "env"
	// SourceWinINET: the Windows per-user Internet Options (browsers and
	// most applications).
	SourceWinINET Source = "wininet"
	// SourceWinHTTP: the Windows machine-wide WinHTTP proxy (services,
	// `netsh winhttp`).
	SourceWinHTTP Source = "winhttp"
	// SourceMacOS: the macOS network settings, as `scutil --proxy` shows
	// them.
	SourceMacOS Source = "macos"
	// SourceGNOME: GNOME's org.gnome.system.proxy settings.
	SourceGNOME Source = "gnome"
	// SourceKDE: KDE's kioslaverc [Proxy Settings].
	SourceKDE Source = "kde"
	// SourceOption: the user gave the proxy to wsdoctor itself (--proxy).
	SourceOption Source = "option"
	// SourcePAC: a PAC file named by one of the above decided.
	SourcePAC Source = "pac"
	// SourceWPAD: a PAC file found by WPAD auto-discovery decided.
	SourceWPAD Source = "wpad"
)

// Proxy is one proxy address of a setting, with the exact name it was read
// from ("https_proxy", "ProxyServer https=", "HTTPSProxy", ...).
type Proxy struct {
	// URL is the proxy as a URL: scheme http, https, socks4 or socks5; it
	// may carry credentials (never show it without Redacted).
	URL *url.URL
	// From is the variable, key or field it was read from.
	From string
}

// String is the proxy URL with any password replaced.
func (p *Proxy) String() string {
	if p == nil || p.URL == nil {
		return ""
	}
	return p.URL.Redacted()
}

// MarshalJSON writes the redacted URL and where it came from.
func (p *Proxy) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		URL  string `json:"url"`
		From string `json:"from"`
	}{p.String(), p.From})
}

// Config is the proxy setting found in one place. A setting that is present
// but switched off is still reported, with Enabled false: a support person
// wants to see it.
type Config struct {
	// Source is the kind of place, Origin the exact one (a variable set, a
	// registry key, a command, a file).
	Source Source `json:"source"`
	Origin string `json:"origin"`
	// Enabled says whether applications use this setting.
	Enabled bool `json:"enabled"`
	// Mode is the setting's own word for what it does, where it has one
	// (GNOME "manual", KDE "1 (manual)", WinHTTP "proxy").
	Mode string `json:"mode,omitempty"`
	// HTTP, HTTPS and SOCKS are the proxies for http (ws://), https
	// (wss://) and, for either when its own is missing, SOCKS. All is
	// ALL_PROXY, used when neither of the first two is set.
	HTTP  *Proxy `json:"http,omitempty"`
	HTTPS *Proxy `json:"https,omitempty"`
	SOCKS *Proxy `json:"socks,omitempty"`
	All   *Proxy `json:"all,omitempty"`
	// Bypass is the list of exceptions, as written; BypassFrom where.
	Bypass     []string `json:"bypass,omitempty"`
	BypassFrom string   `json:"bypass_from,omitempty"`
	// BypassSimple bypasses names without a dot (WinINET <local>, macOS
	// ExcludeSimpleHostnames).
	BypassSimple bool `json:"bypass_simple,omitempty"`
	// BypassReversed: the exceptions are the only hosts that use the proxy
	// (KDE ReversedException).
	BypassReversed bool `json:"bypass_reversed,omitempty"`
	// PACURL is the proxy auto-config script's address.
	PACURL string `json:"pac_url,omitempty"`
	// AutoDetect asks for WPAD auto-discovery.
	AutoDetect bool `json:"auto_detect,omitempty"`
	// Notes are oddities a person should know about (unparsable entries,
	// a setting that applications read differently).
	Notes []string `json:"notes,omitempty"`

	// matchSuffix makes a plain domain in Bypass also match its
	// subdomains (macOS, KDE); elsewhere it matches the name alone.
	matchSuffix bool
	// noProxy is the raw NO_PROXY, for the environment's own semantics.
	noProxy string
}

// HasProxy reports whether the setting names any proxy, PAC or discovery.
func (c Config) HasProxy() bool {
	return c.HTTP != nil || c.HTTPS != nil || c.SOCKS != nil || c.All != nil || c.PACURL != "" || c.AutoDetect
}

func (c *Config) note(format string, args ...any) {
	c.Notes = append(c.Notes, fmt.Sprintf(format, args...))
}

// parseProxyURL reads a proxy written as a URL or host[:port]; scheme is
// assumed when there is none, and port defaults by scheme.
func parseProxyURL(s, defScheme string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty proxy address")
	}
	if !strings.Contains(s, "://") {
		s = defScheme + "://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("proxy address %q: %w", redactRaw(s), err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch u.Scheme {
	case "http", "https", "socks4", "socks4a", "socks5", "socks5h":
	case "socks":
		u.Scheme = "socks5"
	default:
		return nil, fmt.Errorf("proxy address %q: scheme %q is not http, https, socks4 or socks5", redactRaw(s), u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("proxy address %q: no host", redactRaw(s))
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(defaultProxyPort(u.Scheme)))
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = "", "", "", ""
	return u, nil
}

func defaultProxyPort(scheme string) int {
	switch scheme {
	case "https":
		return 443
	case "socks4", "socks4a", "socks5", "socks5h":
		return 1080
	}
	return 80
}

// redactRaw hides the password of a proxy address that did not parse.
func redactRaw(s string) string {
	i := strings.Index(s, "://")
	rest := s[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return s
	}
	user, _, ok := strings.Cut(rest[:at], ":")
	if !ok {
		return s
	}
	return s[:i+3] + user + ":xxxxx" + rest[at:]
}

// hostPortProxy builds a proxy URL from a host and a port kept apart, as
// macOS, GNOME and WinINET keep them; host may already be a URL.
func hostPortProxy(host string, port int, scheme string) (*url.URL, error) {
	host = strings.TrimSpace(host)
	if host == "" {
		return nil, fmt.Errorf("empty proxy host")
	}
	if strings.Contains(host, "://") {
		u, err := parseProxyURL(host, scheme)
		if err != nil {
			return nil, err
		}
		if port > 0 {
			u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
		}
		return u, nil
	}
	if port <= 0 {
		port = defaultProxyPort(scheme)
	}
	return parseProxyURL(net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(port)), scheme)
}

// bypassed reports the first exception of c that matches host (and port),
// in the style of non-environment settings: "<local>", "*", globs
// ("*.corp", "10.*"), ".suffix", CIDR ("10.0.0.0/8", macOS "169.254/16"),
// host:port, and plain names.
func (c Config) bypassed(host string, port int) (string, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	ip, ipErr := netip.ParseAddr(host)
	if c.BypassSimple && ipErr != nil && !strings.Contains(host, ".") {
		return "<local>", true
	}
	for _, raw := range c.Bypass {
		rule := strings.ToLower(strings.TrimSpace(raw))
		if rule == "" {
			continue
		}
		if rule == "<local>" {
			if ipErr != nil && !strings.Contains(host, ".") {
				return raw, true
			}
			continue
		}
		if rule == "*" {
			return raw, true
		}
		if strings.Contains(rule, "/") {
			if ipErr == nil {
				if p, ok := parseLooseCIDR(rule); ok && p.Contains(ip.Unmap()) {
					return raw, true
				}
			}
			continue
		}
		// host:port, but not a bare IPv6 address.
		if h, p, err := net.SplitHostPort(rule); err == nil && !strings.Contains(h, ":") || err == nil && strings.HasPrefix(rule, "[") {
			if p != strconv.Itoa(port) {
				continue
			}
			rule = h
		}
		rule = strings.Trim(rule, "[]")
		switch {
		case strings.ContainsAny(rule, "*?"):
			if shExpMatch(host, rule) {
				return raw, true
			}
		case strings.HasPrefix(rule, "."):
			if host == rule[1:] || strings.HasSuffix(host, rule) {
				return raw, true
			}
		default:
			if host == rule {
				return raw, true
			}
			if rip, err := netip.ParseAddr(rule); err == nil && ipErr == nil && rip.Unmap() == ip.Unmap() {
				return raw, true
			}
			if c.matchSuffix && ipErr != nil && strings.HasSuffix(host, "."+rule) {
				return raw, true
			}
		}
	}
	return "", false
}

// parseLooseCIDR reads a CIDR, also in the short form macOS writes
// ("169.254/16", "10/8").
func parseLooseCIDR(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	addr, bits, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(addr, ":") {
		return netip.Prefix{}, false
	}
	parts := strings.Split(addr, ".")
	for len(parts) < 4 {
		parts = append(parts, "0")
	}
	p, err := netip.ParsePrefix(strings.Join(parts, ".") + "/" + bits)
	if err != nil {
		return netip.Prefix{}, false
	}
	return p.Masked(), true
}

// implicitBypass is what browsers never send to a proxy whatever the
// settings say: localhost and loopback and link-local addresses.
func implicitBypass(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && (ip.IsLoopback() || ip.IsLinkLocalUnicast())
}

// shExpMatch matches s against a shell expression with * and ?, as the PAC
// helper of that name does (case-sensitive there; callers lower both).
func shExpMatch(s, pattern string) bool {
	// Iterative glob with backtracking on the last star.
	si, pi, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(pattern) && (pattern[pi] == '?' || pattern[pi] == s[si]):
			si++
			pi++
		case pi < len(pattern) && pattern[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}

// splitList splits a list written with any of the separators in seps.
func splitList(s, seps string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// isNotFound reports whether a lookup error says the name does not exist.
func isNotFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}
