package engine

import (
	"context"
	"fmt"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// Codes of the proxy probe besides CodeOK and the proxy codes of Classify.
const (
	// CodeNoProxy: no proxy applies to the target (skip).
	CodeNoProxy = "no_proxy"
	// CodeProxyRouteError: the settings ask for a proxy that could not be
	// worked out (a PAC file that does not load, throws or answers
	// garbage); connections fall back as applications do.
	CodeProxyRouteError = "route_error"
)

// ProxyProbe reports the proxy settings found, which one applies to the
// target and where it came from, and opens a tunnel to the target through
// it (CONNECT, or SOCKS), closing it at once.
//
// Status: skip with code "no_proxy" when no proxy applies; warn with code
// "route_error" when a setting asks for a proxy that could not be worked
// out and the connection goes direct; pass with "ok" when the tunnel opens;
// fail with "proxy_unreachable", "proxy_auth_required",
// "proxy_refused_connect" or "proxy_error" (see Classify) when it does not.
//
// Evidence:
//   - "route": the route as a PAC answer ("PROXY proxy:3128; DIRECT" is
//     written "http://proxy:3128; DIRECT"), passwords hidden;
//   - "route_source" (env, wininet, macos, gnome, kde, pac, wpad, option),
//     "route_origin" (variable, key, or PAC address), "route_setting"
//     (the setting that named the PAC file), "bypass" (the exception that
//     sent the target direct), "pac_result" (the PAC answer), "route_notes",
//     "pac_found_by" (how the PAC file was found: "DHCP (option 252)",
//     "DNS wpad.<domain>", "configured URL", "none found");
//   - "firefox_proxy" (Firefox's own setting, when it does not follow the
//     system's) and "firefox_differs" (how its way to the target differs);
//   - "settings": the settings found, in the order applications consult
//     them, one "source: what" per entry separated by " | "; "settings_errors";
//   - from DialTarget: "proxy", "proxy_source", "proxy_origin",
//     "proxy_status", "proxy_authenticate", "proxy_via", "proxy_server",
//     "proxy_body", "proxy_stage", "proxy_error", "proxy_failover",
//     "proxy_route_error".
func ProxyProbe() Probe {
	return Probe{Name: ProbeProxy, Run: probeProxy}
}

func probeProxy(ctx context.Context, r *ProbeRun) Result {
	res := r.Result()
	route := r.Route()
	setRouteEvidence(&res.Evidence, route)
	if r.Options.Proxy.Kind == netenv.ModeSystem {
		s := r.shared.settings(ctx)
		res.Evidence.Set("settings", DescribeSettings(s))
		if len(s.Errors) > 0 {
			res.Evidence.Set("settings_errors", strings.Join(s.Errors, "; "))
		}
		setFirefoxEvidence(&res.Evidence, r.shared.firefox, route, r.Target)
	}
	if route.Direct() {
		if route.Err != nil {
			res.Status, res.Code, res.Error = Warn, CodeProxyRouteError, route.Err.Error()
			res.Reason = "the proxy settings could not be worked out; connections go direct"
			return res
		}
		res.Status, res.Code = Skip, CodeNoProxy
		res.Reason = "no proxy applies"
		if route.Bypass != "" {
			res.Reason = fmt.Sprintf("no proxy applies (exception %q)", route.Bypass)
		}
		return res
	}
	conn, err := r.DialTarget(ctx)
	if err != nil {
		res.Status, res.Code, res.Error = Fail, Classify(err), err.Error()
		res.Reason = fmt.Sprintf("the proxy did not open a tunnel to %s", r.Target.HostPort())
		return res
	}
	conn.Close()
	res.Status, res.Code = Pass, CodeOK
	res.Reason = fmt.Sprintf("the proxy (from %s) opens a tunnel to %s", route.Source, r.Target.HostPort())
	return res
}

func setRouteEvidence(e *Evidence, route netenv.Route) {
	e.Set("route", route.Describe())
	for _, kv := range [][2]string{
		{"route_source", string(route.Source)},
		{"route_origin", route.Origin},
		{"route_setting", string(route.Setting)},
		{"bypass", route.Bypass},
		{"pac_result", route.PACResult},
		{"pac_found_by", route.FoundBy()},
		{"route_notes", strings.Join(route.Notes, "; ")},
	} {
		if kv[1] != "" {
			e.Set(kv[0], kv[1])
		}
	}
}

// DescribeSettings writes the settings found in one line, passwords hidden:
// "gnome (manual): https=http://p:3128 bypass=localhost,*.corp | env: none".
func DescribeSettings(s netenv.Settings) string {
	var parts []string
	for _, c := range s.Configs {
		var f []string
		for _, p := range []struct {
			name string
			p    *netenv.Proxy
		}{{"http", c.HTTP}, {"https", c.HTTPS}, {"socks", c.SOCKS}, {"all", c.All}} {
			if p.p != nil {
				f = append(f, p.name+"="+p.p.String())
			}
		}
		if c.PACURL != "" {
			f = append(f, "pac="+c.PACURL)
		}
		if c.AutoDetect {
			f = append(f, "auto-detect")
		}
		if len(c.Bypass) > 0 {
			f = append(f, "bypass="+strings.Join(c.Bypass, ","))
		}
		if len(f) == 0 {
			f = append(f, "none")
		}
		name := string(c.Source)
		if c.Mode != "" {
			name += " (" + c.Mode + ")"
		}
		if !c.Enabled && f[0] != "none" {
			name += " [off]"
		}
		parts = append(parts, name+": "+strings.Join(f, " "))
	}
	return strings.Join(parts, " | ")
}

// UpgradeDirectProbe is the upgrade probe run again without the proxy,
// when one applies, so that a proxy that breaks WebSockets shows against a
// direct path that works (or does not). It skips with code "no_proxy" when
// no proxy applies. Its connection is closed, never handed to echo.
//
// Evidence: the upgrade probe's, plus "bypassed_proxy", the proxy left out.
func UpgradeDirectProbe() Probe {
	up := UpgradeProbe()
	return Probe{Name: ProbeUpgradeDirect, Needs: up.Needs, After: up.After, Run: func(ctx context.Context, r *ProbeRun) Result {
		route := r.Route()
		if route.Direct() {
			res := r.Result()
			res.Status, res.Code = Skip, CodeNoProxy
			res.Reason = "no proxy applies: the upgrade probe went direct"
			return res
		}
		r.direct, r.noKeep = true, true
		res := up.Run(ctx, r)
		res.Evidence.Set("bypassed_proxy", route.Describe())
		return res
	}}
}
