package report

import (
	"fmt"
	"html"
	"net/url"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// The hops a connection can go through, in order.
const (
	hopComputer = "computer"
	hopVPN      = "vpn"
	hopProxy    = "proxy"
	hopInternet = "internet"
	hopService  = "service"
)

// The states of a hop in the path picture.
const (
	hopOK      = "ok"
	hopFail    = "fail"
	hopUnknown = "unknown"
)

// hop is one box of the path picture.
type hop struct {
	Kind, Label, Detail, State string
}

// hopOfFinding says where along the path each finding puts the trouble;
// "middle" means the proxy when there is one, else the network on the way.
var hopOfFinding = map[string]string{
	"no-network":              hopInternet,
	"dns-failure":             hopInternet,
	"tcp-blocked":             hopInternet,
	"plain-ws-blocked":        "middle",
	"connection-dropped":      hopInternet,
	"proxy-strips-upgrade":    "middle",
	"proxy-blocks-connect":    hopProxy,
	"proxy-auth-required":     hopProxy,
	"proxy-unreachable":       hopProxy,
	"proxy-idle-timeout":      "middle",
	"handshake-timeout":       "middle",
	"messages-blocked":        "middle",
	"tls-intercepted":         "middle",
	"tls-cert-invalid":        hopService,
	"tls-version-unsupported": hopService,
	"server-no-websocket":     hopService,
	"vpn-active":              hopVPN,
}

// pathOf is the path picture of a report: this computer, then a VPN and a
// proxy where the report says they exist, the Internet and the service,
// with the hop where the connection fails marked and the hops after it
// unknown.
func pathOf(r Report) []hop {
	proxy, hasProxy := proxyOf(r)
	hops := []hop{{Kind: hopComputer, Label: words.Computer, Detail: r.Environment.OS}}
	if v := r.Environment.VPN; vpnCarries(v) {
		hops = append(hops, hop{Kind: hopVPN, Label: words.VPN, Detail: firstNonEmpty(v.Name, v.Interface)})
	}
	if hasProxy {
		hops = append(hops, hop{Kind: hopProxy, Label: words.Proxy, Detail: proxy})
	}
	hops = append(hops, hop{Kind: hopInternet, Label: words.Internet})
	host := r.Target
	if u, err := url.Parse(r.Target); err == nil && u.Host != "" {
		host = u.Host
	}
	hops = append(hops, hop{Kind: hopService, Label: words.Service, Detail: host})

	at := failingHop(r, hasProxy)
	if at == hopInternet && loopbackTarget(r.Target) {
		// Nothing lies between this computer and itself: a refused port
		// there is the service's (nothing listens), not the network's.
		at = hopService
	}
	state := hopOK
	if at == "" && !r.Verdict.Works() {
		state = hopUnknown
	}
	for i := range hops {
		switch {
		case i == 0:
			hops[i].State = hopOK
		case hops[i].Kind == at:
			hops[i].State, state = hopFail, hopUnknown
		default:
			hops[i].State = state
		}
	}
	return hops
}

// failingHop names the hop to mark, from the top finding, else from the
// first probe that failed on its own; "" when nothing failed.
func failingHop(r Report, hasProxy bool) string {
	middle := hopInternet
	if hasProxy {
		middle = hopProxy
	}
	resolve := func(h string) string {
		if h == "middle" {
			return middle
		}
		if h == hopProxy && !hasProxy {
			return hopInternet
		}
		if h == hopVPN && !vpnCarries(r.Environment.VPN) {
			return hopInternet
		}
		return h
	}
	if top, ok := r.Top(); ok && (top.Severity == diagnose.SeverityProblem || top.Severity == diagnose.SeverityWarning) {
		if h, ok := hopOfFinding[top.ID]; ok {
			return resolve(h)
		}
	}
	if r.Verdict.Works() {
		return ""
	}
	for _, res := range r.Results {
		if res.Status != checks.Fail {
			continue
		}
		switch res.Probe {
		case "dns", "tcp":
			return hopInternet
		case "tls":
			if res.Code == checks.CodeNotPublicRoot {
				return middle
			}
			if strings.HasPrefix(res.Code, "cert_") || res.Code == checks.CodeTLSVersion {
				return hopService
			}
			return hopInternet
		default:
			if hasProxy {
				return hopProxy
			}
			return hopService
		}
	}
	return ""
}

// proxyOf says whether the connection goes through a proxy and which: from
// the environment, or from a probe that says it went through one.
func proxyOf(r Report) (string, bool) {
	if p := r.Environment.Proxy; p != nil && p.Configured {
		return hostOf(firstNonEmpty(p.URL, p.PACURL)), true
	}
	for _, res := range r.Results {
		if v := res.Evidence.Value("proxy"); v != "" && v != "none" && !strings.EqualFold(v, "direct") {
			return hostOf(v), true
		}
	}
	return "", false
}

// vpnCarries reports whether a VPN carries the connection: one that is
// on but does not hold the default route (a split tunnel) is not on the
// way to the service.
func vpnCarries(v *VPN) bool { return v != nil && v.Active && v.DefaultRoute }

// loopbackTarget reports whether the report's target is this computer.
func loopbackTarget(target string) bool {
	u, err := url.Parse(target)
	return err == nil && checks.Target{Host: u.Hostname()}.IsLoopback()
}

func hostOf(s string) string {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		return u.Host
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// hopText is one hop in words: "Proxy (proxy.corp:3128) <- fails here".
func hopText(h hop) string {
	s := h.Label
	if h.Detail != "" && h.Kind != hopComputer {
		s += " (" + h.Detail + ")"
	}
	if h.State == hopFail {
		s += "  <-- " + words.Failed
	}
	return s
}

// pathText is the path picture in one line of text.
func pathText(hops []hop) string {
	parts := make([]string, len(hops))
	for i, h := range hops {
		parts[i] = hopText(h)
	}
	return strings.Join(parts, " → ")
}

// pathSVG draws the path as an inline SVG, across (wide) or down (narrow
// screens). Every text is escaped here: the result goes into the page as is.
func pathSVG(hops []hop, across bool) string {
	const (
		boxW, boxH, gapX = 132, 64, 34
		vBoxW, vBoxH     = 300, 54
		gapY             = 24
		pad              = 6
	)
	n := len(hops)
	var w, h int
	if across {
		w, h = pad*2+n*boxW+(n-1)*gapX, pad*2+boxH+20
	} else {
		w, h = pad*2+vBoxW, pad*2+n*vBoxH+(n-1)*gapY
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="path %s" viewBox="0 0 %d %d" width="%d" role="img" aria-label="%s">`,
		map[bool]string{true: "across", false: "down"}[across], w, h, w, html.EscapeString(pathText(hops)))
	for i, hp := range hops {
		var x, y, bw, bh int
		if across {
			x, y, bw, bh = pad+i*(boxW+gapX), pad, boxW, boxH
		} else {
			x, y, bw, bh = pad, pad+i*(vBoxH+gapY), vBoxW, vBoxH
		}
		if i > 0 {
			cls := "link"
			if hp.State == hopFail {
				cls = "link fail"
			} else if hp.State == hopUnknown {
				cls = "link unknown"
			}
			if across {
				x0 := x - gapX + 2
				fmt.Fprintf(&b, `<path class="%s" d="M%d %d H%d m-7 -5 l7 5 l-7 5"/>`, cls, x0, y+bh/2, x-3)
			} else {
				y0 := y - gapY + 2
				fmt.Fprintf(&b, `<path class="%s" d="M%d %d V%d m-5 -7 l5 7 l5 -7"/>`, cls, x+bw/2, y0, y-3)
			}
		}
		fmt.Fprintf(&b, `<rect class="hop %s" x="%d" y="%d" width="%d" height="%d" rx="8"/>`, hp.State, x, y, bw, bh)
		label := hp.Label
		if hp.State == hopFail {
			label = "✕ " + label
		}
		if across {
			fmt.Fprintf(&b, `<text class="hl" x="%d" y="%d">%s</text>`, x+bw/2, y+26, html.EscapeString(label))
			if hp.Detail != "" {
				fmt.Fprintf(&b, `<text class="hd" x="%d" y="%d">%s</text>`, x+bw/2, y+46, html.EscapeString(clip(hp.Detail, 19)))
			}
			if hp.State == hopFail {
				fmt.Fprintf(&b, `<text class="hf" x="%d" y="%d">%s</text>`, x+bw/2, y+bh+16, html.EscapeString(words.Failed))
			}
		} else {
			line := label
			if hp.State == hopFail {
				line += " — " + words.Failed
			}
			if hp.Detail == "" {
				fmt.Fprintf(&b, `<text class="hl" x="%d" y="%d">%s</text>`, x+bw/2, y+bh/2+5, html.EscapeString(line))
			} else {
				fmt.Fprintf(&b, `<text class="hl" x="%d" y="%d">%s</text>`, x+bw/2, y+23, html.EscapeString(line))
				fmt.Fprintf(&b, `<text class="hd" x="%d" y="%d">%s</text>`, x+bw/2, y+42, html.EscapeString(clip(hp.Detail, 40)))
			}
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
