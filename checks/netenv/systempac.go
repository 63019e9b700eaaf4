package netenv

import (
	"context"
	"net/url"
	"strings"
)

// FoundBySystem: the system's own auto-detect (WinHTTP: DHCP, then DNS
// wpad) found a PAC file the check's own discovery did not.
const FoundBySystem = "system"

// systemPAC asks the system's own PAC engine which proxies the PAC file
// at pacURL (or the one its auto-detect finds, when pacURL is "") gives
// for target: WinHTTP on Windows (wpad_windows.go), nil elsewhere. The
// answer is a list of "host:port" separated by ";", "" for DIRECT.
var systemPAC func(ctx context.Context, target, pacURL string) (string, error)

// systemRoute is the route the system's PAC engine answers, for a setting
// of the Windows Internet Options (the one WinHTTP follows as browsers
// do); ok is false when there is no such engine or it failed, and the
// check's own PAC engine decides. A failure is said in notes.
func (rv *Resolver) systemRoute(ctx context.Context, c Config, src Source, pacURL string, secure bool, host string, port int, path string) (r Route, ok bool, note string) {
	sp := rv.SystemPAC
	if sp == nil && c.Source == SourceWinINET {
		sp = systemPAC
	}
	if sp == nil {
		return Route{}, false, ""
	}
	ans, err := sp(ctx, PACURLFor(secure, host, port, path), pacURL)
	if err != nil {
		return Route{}, false, "the system's PAC engine (WinHTTP) failed, the check's own ran instead: " + err.Error()
	}
	r = Route{Source: src, Origin: pacURL, Setting: c.Source, Proxies: ParseWinHTTPProxies(ans),
		Notes: []string{"answered by the system's PAC engine (WinHTTP), as browsers on Windows use it"}}
	if pacURL == "" {
		r.Origin = "auto-detect (WinHTTP)"
	}
	r.PACResult = r.Describe()
	if r.Direct() {
		r.Proxies, r.Bypass = nil, "PAC answered DIRECT"
	}
	return r, true, ""
}

// ParseWinHTTPProxies reads WinHTTP's proxy list: entries separated by
// ";" or white space, each "host:port", "scheme=host:port" or
// "scheme://host:port", in order; "DIRECT" and an empty list mean no
// proxy. socks= entries are SOCKS proxies.
func ParseWinHTTPProxies(s string) []*url.URL {
	var out []*url.URL
	for _, e := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ' ' || r == '\t' }) {
		if strings.EqualFold(e, "DIRECT") {
			out = append(out, nil)
			continue
		}
		scheme := "http"
		if k, v, ok := strings.Cut(e, "="); ok {
			e = v
			if strings.EqualFold(k, "socks") {
				scheme = "socks4"
			}
		}
		u, err := parseProxyURL(e, scheme)
		if err != nil {
			continue
		}
		out = append(out, u)
	}
	return out
}
