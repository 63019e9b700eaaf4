package diagnose

import (
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// HopKind names a box of the connection path.
type HopKind string

// The hops a connection can pass, in order.
const (
	HopComputer HopKind = "computer"
	HopVPN      HopKind = "vpn"
	HopProxy    HopKind = "proxy"
	HopInternet HopKind = "internet"
	// HopNetwork is the local network between this computer and a
	// service at a private address (10/8, 172.16/12, 192.168/16, fc00::/7):
	// no Internet lies between them.
	HopNetwork HopKind = "network"
	HopService HopKind = "service"
)

// HopState is how far the connection got at a hop.
type HopState string

// The states of a hop.
const (
	// HopOK: reached and passed.
	HopOK HopState = "ok"
	// HopStops: where the connection stops.
	HopStops HopState = "stops"
	// HopUnknown: after the stop, or not known to be reached.
	HopUnknown HopState = "unknown"
)

// Hop is one box of the connection path.
type Hop struct {
	Kind HopKind `json:"kind"`
	// Label names the hop for a person ("Proxy").
	Label string `json:"label"`
	// Detail says which one ("proxy.corp.example:3128"); may be empty.
	Detail string   `json:"detail,omitempty"`
	State  HopState `json:"state"`
}

// Path is the way from this computer to the service as the run saw it,
// and where the connection stops. The window's picture and every report
// draw this one path.
type Path struct {
	Hops []Hop `json:"hops"`
	// StopsAt is the hop where the connection stops; "" when it does
	// not, or when nothing tells where.
	StopsAt HopKind `json:"stops_at,omitempty"`
	// Why is what puts the stop there: a finding's ID, or "probe:" and
	// the name of the probe that failed when no finding explains it.
	Why string `json:"why,omitempty"`
}

// Stop is the hop where the connection stops, if one does.
func (p Path) Stop() (Hop, bool) {
	for _, h := range p.Hops {
		if h.State == HopStops {
			return h, true
		}
	}
	return Hop{}, false
}

// hopPlace is where along the path a finding or a probe puts the trouble:
// a hop, or one of the places below that depend on the path.
type hopPlace string

const (
	// placeMiddle is the proxy when there is one, else the network on the
	// way.
	placeMiddle hopPlace = "middle"
	// placeAnswer is whoever answered the request: the proxy when there
	// is one, else the service.
	placeAnswer hopPlace = "answer"
)

// hopOfFinding says where each finding puts the trouble. Findings left
// out (websocket-ok, proxy-configured, cause-unknown) put it nowhere.
var hopOfFinding = sync.OnceValue(func() map[string]hopPlace {
	return map[string]hopPlace{
		"no-network":               hopPlace(HopComputer),
		"dns-failure":              hopPlace(HopInternet),
		"tcp-blocked":              hopPlace(HopInternet),
		"plain-ws-blocked":         placeMiddle,
		"connection-dropped":       hopPlace(HopInternet),
		"proxy-strips-upgrade":     placeMiddle,
		"proxy-blocks-connect":     hopPlace(HopProxy),
		"proxy-auth-required":      hopPlace(HopProxy),
		"proxy-signin-unavailable": hopPlace(HopProxy),
		"proxy-unreachable":        hopPlace(HopProxy),
		"proxy-idle-timeout":       placeMiddle,
		"connection-max-lifetime":  placeMiddle,
		"pings-not-enough":         placeMiddle,
		"handshake-timeout":        placeMiddle,
		"messages-blocked":         placeMiddle,
		"tls-intercepted":          placeMiddle,
		"tls-cert-invalid":         hopPlace(HopService),
		"tls-version-unsupported":  hopPlace(HopService),
		"server-no-websocket":      hopPlace(HopService),
		"vpn-active":               hopPlace(HopVPN),
		"captive-portal":           hopPlace(HopInternet),
		"websocket-address-needed": hopPlace(HopService),
		"client-cert-required":     hopPlace(HopService),
	}
})

// cutsWorking are the warnings that stop a connection which opened: it
// worked, then was cut. Other warnings on a working run stop nothing.
var cutsWorking = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"proxy-idle-timeout":      true,
		"connection-dropped":      true,
		"messages-blocked":        true,
		"connection-max-lifetime": true,
		"pings-not-enough":        true,
	}
})

// pathOf is the connection path of a diagnosed run: this computer, the
// VPN when it carries the traffic, the proxy the run went through, the
// Internet and the service, with the hop where it stops.
func pathOf(f *facts, cat *Catalogue, findings []Finding, v Verdict) Path {
	env := f.in.Env
	label := func(k HopKind) string { return cat.Label("hop." + string(k)) }
	p := Path{Hops: []Hop{{Kind: HopComputer, Label: label(HopComputer)}}}
	if env.VPNActive {
		p.Hops = append(p.Hops, Hop{Kind: HopVPN, Label: label(HopVPN), Detail: env.VPNName})
	}
	proxy := proxyHost(env.ProxyURL)
	if proxy != "" {
		p.Hops = append(p.Hops, Hop{Kind: HopProxy, Label: label(HopProxy), Detail: proxy})
	}
	middle := middleOf(f)
	if middle != "" {
		// The self-test's server, and any service at a loopback address,
		// is on this computer: nothing lies in between.
		p.Hops = append(p.Hops, Hop{Kind: middle, Label: label(middle)})
	}
	p.Hops = append(p.Hops, Hop{Kind: HopService, Label: label(HopService), Detail: serviceHost(f.o.Target)})

	resolve := func(pl hopPlace) HopKind {
		switch k := HopKind(pl); {
		case pl == placeMiddle && proxy != "", pl == placeAnswer && proxy != "":
			return HopProxy
		case pl == placeMiddle:
			return HopInternet
		case pl == placeAnswer:
			return HopService
		case k == HopProxy && proxy == "", k == HopVPN && !env.VPNActive:
			return HopInternet
		default:
			return k
		}
	}
	for _, fd := range findings {
		pl, ok := hopOfFinding()[fd.ID]
		if !ok {
			continue
		}
		if fd.Severity == SeverityProblem || (fd.Severity == SeverityWarning && cutsWorking()[fd.ID]) {
			p.StopsAt, p.Why = resolve(pl), fd.ID
			break
		}
	}
	addressNeeded := p.StopsAt == "" && slices.ContainsFunc(findings, func(x Finding) bool { return x.ID == IDAddressNeeded })
	if addressNeeded {
		// A web page's address: its host was reached, and the live
		// connection's own address is still to be tested. Nothing stops;
		// the service is not tested yet.
		p.Why = IDAddressNeeded
	} else if p.StopsAt == "" && !v.Works() {
		if r, ok := firstFailed(f.o); ok {
			p.StopsAt, p.Why = resolve(hopOfProbe(r, proxy != "")), "probe:"+r.Probe
		}
	}
	if p.StopsAt == HopInternet && middle != HopInternet {
		// Nothing lies between this computer and itself: a refused port
		// there is the service's (nothing listens), not the network's; a
		// private address is reached over the local network.
		p.StopsAt = HopService
		if middle == HopNetwork {
			p.StopsAt = HopNetwork
		}
	}
	state := HopOK
	if p.StopsAt == "" && !v.Works() {
		state = HopUnknown // it failed, but nothing says where
	}
	for i := range p.Hops {
		switch {
		case addressNeeded:
			p.Hops[i].State = HopOK
			if p.Hops[i].Kind == HopService {
				p.Hops[i].State = HopUnknown
			}
		case p.Hops[i].Kind == p.StopsAt:
			p.Hops[i].State, state = HopStops, HopUnknown
		case i == 0:
			p.Hops[i].State = HopOK
		default:
			p.Hops[i].State = state
		}
	}
	return p
}

// middleOf is the hop between this computer and the service: none for
// the self-test and a loopback address, the local network for a private
// address (as typed, or every address the name gave), else the Internet.
func middleOf(f *facts) HopKind {
	t := f.o.Target
	if f.in.SelfTest || t.IsLoopback() {
		return ""
	}
	var addrs []string
	if ip, err := netip.ParseAddr(strings.Trim(t.Host, "[]")); err == nil {
		addrs = []string{ip.String()}
	} else {
		for _, k := range []string{"aaaa", "a"} {
			for _, a := range strings.Split(f.ev(engine.ProbeDNS, k), ",") {
				if a = strings.TrimSpace(a); a != "" {
					addrs = append(addrs, a)
				}
			}
		}
	}
	if len(addrs) == 0 {
		return HopInternet
	}
	for _, a := range addrs {
		ip, err := netip.ParseAddr(a)
		if err != nil || !(ip.Unmap().IsPrivate() || ip.Unmap().IsLoopback()) {
			return HopInternet
		}
	}
	return HopNetwork
}

// firstFailed is the first probe that failed on its own.
func firstFailed(o engine.Outcome) (engine.Result, bool) {
	for _, r := range o.Results {
		if r.Status == engine.Fail {
			return r, true
		}
	}
	return engine.Result{}, false
}

// hopOfProbe says where a failed probe puts the trouble when no finding
// explains it. A certificate the service got wrong is the service's; one
// not from a public root was most likely put there on the way.
func hopOfProbe(r engine.Result, viaProxy bool) hopPlace {
	switch r.Probe {
	case "dns":
		return hopPlace(HopInternet)
	case "tcp", "idle":
		return placeMiddle
	case "tls":
		if r.Code == engine.CodeNotPublicRoot {
			return placeMiddle
		}
		if strings.HasPrefix(r.Code, "cert_") || r.Code == engine.CodeTLSVersion {
			return hopPlace(HopService)
		}
		return placeMiddle
	}
	return placeAnswer
}

// proxyHost is the host and port of a proxy URL, for the path; "" for
// none or a direct route.
func proxyHost(raw string) string {
	if raw == "" || strings.EqualFold(raw, "direct") || raw == "none" {
		return ""
	}
	if _, rest, ok := strings.Cut(raw, "://"); ok {
		raw = rest
	}
	if _, rest, ok := strings.Cut(raw, "@"); ok {
		raw = rest // never the credentials
	}
	host, _, _ := strings.Cut(raw, "/")
	return host
}

// serviceHost is the target's host as the person wrote it, with the port
// when it is not the scheme's own.
func serviceHost(t engine.Target) string {
	h := t.DisplayHost
	if h == "" {
		h = t.Host
	}
	if t.Port == 0 || (t.Scheme == "ws" && t.Port == 80) || (t.Scheme == "wss" && t.Port == 443) {
		return h
	}
	if strings.Contains(h, ":") && !strings.HasPrefix(h, "[") {
		return net.JoinHostPort(h, strconv.Itoa(t.Port))
	}
	return h + ":" + strconv.Itoa(t.Port)
}
