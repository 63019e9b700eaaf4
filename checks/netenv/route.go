package netenv

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// Decision is what one setting says for one target before any PAC file is
// run.
type Decision struct {
	// Proxy is the manual proxy that applies; nil when none does.
	Proxy *Proxy
	// Bypass is the exception that sent the target direct.
	Bypass string
	// PACURL and AutoDetect are what the setting asks to try first.
	PACURL     string
	AutoDetect bool
}

// Decide says what c does with a connection to host:port, secure being
// wss (https) rather than ws (http). Localhost and loopback and link-local
// addresses never go to a proxy, as in browsers. Exceptions apply to the
// manual proxy only, not to PAC or auto-detect.
func (c Config) Decide(secure bool, host string, port int) Decision {
	d := Decision{PACURL: c.PACURL, AutoDetect: c.AutoDetect}
	if !c.Enabled {
		return Decision{}
	}
	if c.Source == SourceEnv {
		d.Proxy, d.Bypass = c.envProxyFor(secure, host, port)
		return d
	}
	if implicitBypass(host) {
		d.Bypass = "localhost"
		return d
	}
	p := c.HTTP
	if secure {
		p = c.HTTPS
	}
	if p == nil {
		p = c.SOCKS
	}
	if p == nil {
		return d
	}
	rule, hit := c.bypassed(host, port)
	if c.BypassReversed {
		if !hit {
			d.Bypass = "not in the reversed exception list"
			return d
		}
	} else if hit {
		d.Bypass = rule
		return d
	}
	d.Proxy = p
	return d
}

// Route is how a connection to the target goes: directly, or through one
// of a list of proxies tried in order, and which setting said so.
type Route struct {
	// Proxies are tried in order; a nil entry is DIRECT. Empty means
	// direct.
	Proxies []*url.URL
	// Source is what decided (env, wininet, macos, gnome, kde, option,
	// pac, wpad); empty when no setting applies.
	Source Source
	// Origin is the exact place: the variable or key the proxy was read
	// from, or the PAC file's address.
	Origin string
	// Setting is the setting that named the PAC file, for pac and wpad.
	Setting Source
	// Bypass is the exception that sent the target direct.
	Bypass string
	// Discovery is how the PAC file was found, for pac and wpad routes
	// and an auto-detect that found nothing: FoundByDHCP, FoundByDNS,
	// FoundByURL or FoundNone.
	Discovery string
	// PACResult is the PAC script's raw answer.
	PACResult string
	// Notes are steps a person should know about (a WPAD that found
	// nothing, entries of a PAC answer that were skipped).
	Notes []string
	// Err is a setting that asked for a proxy which could not be worked
	// out (a PAC file that does not load or throws); the route then falls
	// back as applications do (direct, or the manual proxy).
	Err error
}

// Direct reports whether the route uses no proxy first.
func (r Route) Direct() bool { return len(r.Proxies) == 0 || r.Proxies[0] == nil }

// Proxy is the first proxy of the route, or nil.
func (r Route) Proxy() *url.URL {
	if r.Direct() {
		return nil
	}
	return r.Proxies[0]
}

// Describe writes the route as a PAC answer, with passwords hidden:
// "PROXY proxy:3128; DIRECT", "DIRECT".
func (r Route) Describe() string {
	if len(r.Proxies) == 0 {
		return "DIRECT"
	}
	var s []string
	for _, p := range r.Proxies {
		if p == nil {
			s = append(s, "DIRECT")
			continue
		}
		s = append(s, p.Redacted())
	}
	return strings.Join(s, "; ")
}

// MarshalJSON writes the route with redacted proxies.
func (r Route) MarshalJSON() ([]byte, error) {
	var errText string
	if r.Err != nil {
		errText = r.Err.Error()
	}
	return json.Marshal(struct {
		Route     string   `json:"route"`
		Source    Source   `json:"source,omitempty"`
		Origin    string   `json:"origin,omitempty"`
		Setting   Source   `json:"setting,omitempty"`
		Bypass    string   `json:"bypass,omitempty"`
		Discovery string   `json:"discovery,omitempty"`
		PACResult string   `json:"pac_result,omitempty"`
		Notes     []string `json:"notes,omitempty"`
		Error     string   `json:"error,omitempty"`
	}{r.Describe(), r.Source, r.Origin, r.Setting, r.Bypass, r.Discovery, r.PACResult, r.Notes, errText})
}

// Resolver works out routes. The zero value reads the machine.
type Resolver struct {
	// Settings are the machine's settings; nil means ReadSettings once,
	// on first use.
	Settings *Settings
	// OS reads the machine when Settings is nil.
	OS *OSReader
	// PAC is what PAC scripts see.
	PAC *PACEnv
	// Client fetches PAC files; nil means a direct client.
	Client *http.Client
	// WPAD is used for auto-detect; nil means DiscoverWPAD with PAC's
	// lookup.
	WPAD func(ctx context.Context) WPADResult
	// SystemPAC, when set, answers PAC files in place of the check's own
	// engine (which stays the fallback); nil means WinHTTP for the
	// Windows Internet Options and none otherwise. See systemPAC.
	SystemPAC func(ctx context.Context, target, pacURL string) (string, error)
}

// Route works out how a connection to host:port goes with proxy mode
// mode. path is the request path, which a PAC script sees for ws://
// targets.
func (rv *Resolver) Route(ctx context.Context, mode Mode, secure bool, host string, port int, path string) Route {
	switch mode.Kind {
	case ModeURL:
		return Route{Proxies: []*url.URL{mode.URL}, Source: SourceOption, Origin: "--proxy"}
	case ModeDirect:
		return Route{Source: SourceOption, Origin: "--proxy none", Bypass: "--proxy none"}
	case ModePAC:
		// Given by the user, the script decides alone: no implicit bypass
		// of this computer's own addresses, as the system's PAC has.
		r := rv.runPAC(ctx, SourcePAC, mode.PAC, nil, secure, host, port, path)
		r.Setting, r.Discovery = SourceOption, FoundByURL
		return r
	}
	s := rv.Settings
	if s == nil {
		read := ReadSettings(ctx, rv.OS)
		s = &read
	}
	c, ok := s.Effective()
	if !ok {
		return Route{}
	}
	return rv.routeFor(ctx, c, secure, host, port, path)
}

// routeFor follows one setting: auto-detect first, then the PAC URL, then
// the manual proxy, as Windows and browsers try them.
func (rv *Resolver) routeFor(ctx context.Context, c Config, secure bool, host string, port int, path string) Route {
	d := c.Decide(secure, host, port)
	var notes []string
	var failed error
	if (d.AutoDetect || d.PACURL != "") && implicitBypass(host) {
		return Route{Source: c.Source, Origin: c.Origin, Bypass: "localhost"}
	}
	discovery := ""
	if d.AutoDetect {
		w := rv.discover(ctx)
		discovery = FoundNone
		if w.URL != "" {
			if r, ok, note := rv.systemRoute(ctx, c, SourceWPAD, w.URL, secure, host, port, path); ok {
				r.Discovery = w.Method
				return r
			} else if note != "" {
				notes = append(notes, note)
			}
			r := rv.runPAC(ctx, SourceWPAD, w.URL, w.Script, secure, host, port, path)
			r.Notes = append(notes, r.Notes...)
			r.Setting, r.Discovery = c.Source, w.Method
			if r.Err == nil {
				return r
			}
			failed = r.Err
			notes = append(notes, r.Err.Error())
		} else if r, ok, _ := rv.systemRoute(ctx, c, SourceWPAD, "", secure, host, port, path); ok {
			r.Discovery = FoundBySystem
			return r
		} else {
			notes = append(notes, "auto-detect (WPAD) found no PAC file; "+w.Note)
		}
	}
	if d.PACURL != "" {
		if r, ok, note := rv.systemRoute(ctx, c, SourcePAC, d.PACURL, secure, host, port, path); ok {
			r.Discovery = FoundByURL
			r.Notes = append(notes, r.Notes...)
			return r
		} else if note != "" {
			notes = append(notes, note)
		}
		r := rv.runPAC(ctx, SourcePAC, d.PACURL, nil, secure, host, port, path)
		r.Setting, r.Discovery = c.Source, FoundByURL
		r.Notes = append(notes, r.Notes...)
		if r.Err == nil {
			return r
		}
		failed = r.Err
		notes = r.Notes
	}
	r := Route{Source: c.Source, Origin: c.Origin, Bypass: d.Bypass, Notes: notes, Err: failed, Discovery: discovery}
	if d.Proxy != nil {
		r.Proxies = []*url.URL{d.Proxy.URL}
		r.Origin = d.Proxy.From
	}
	return r
}

func (rv *Resolver) discover(ctx context.Context) WPADResult {
	if rv.WPAD != nil {
		return rv.WPAD(ctx)
	}
	var lookup func(context.Context, string) ([]netip.Addr, error)
	if rv.PAC != nil {
		lookup = rv.PAC.Lookup
	}
	return DiscoverWPAD(ctx, WPADOptions{Lookup: lookup, Client: rv.Client})
}

// runPAC loads (unless script is given) and runs a PAC file for the
// target.
func (rv *Resolver) runPAC(ctx context.Context, src Source, loc string, script []byte, secure bool, host string, port int, path string) Route {
	r := Route{Source: src, Origin: loc}
	if script == nil {
		b, err := LoadPAC(ctx, loc, rv.Client)
		if err != nil {
			r.Err = err
			return r
		}
		script = b
	}
	p, err := CompilePAC(loc, script, rv.PAC)
	if err != nil {
		r.Err = err
		return r
	}
	raw, entries, notes, err := p.EvalPAC(ctx, secure, host, port, path)
	r.PACResult, r.Notes = cutPACResult(raw), notes
	if err != nil {
		r.Err = err
		return r
	}
	for _, e := range entries {
		r.Proxies = append(r.Proxies, e.Proxy)
	}
	if r.Direct() {
		r.Bypass = "PAC answered DIRECT"
	}
	return r
}

// FoundBy says in a few words how the route's PAC file was found: "DHCP
// (option 252)", "DNS wpad.corp.example", "configured URL", "none found";
// "" for a route without one.
func (r Route) FoundBy() string {
	switch r.Discovery {
	case FoundByDHCP:
		return "DHCP (option 252)"
	case FoundByDNS:
		if u, err := url.Parse(r.Origin); err == nil && u.Hostname() != "" {
			return "DNS " + u.Hostname()
		}
		return "DNS wpad"
	case FoundByURL:
		return "configured URL"
	case FoundBySystem:
		return "Windows auto-detect (DHCP or DNS)"
	case FoundNone:
		return "none found"
	}
	return ""
}
