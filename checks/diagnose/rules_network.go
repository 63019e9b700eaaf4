package diagnose

// The rules of the way out to the service: no network at all (no-network),
// a name that does not resolve (dns-failure), a port that does not connect
// or is cut (tcp-blocked: a firewall, a filter, a VPN, nothing listening),
// and ws:// stopped where wss:// to the same host works (plain-ws-blocked).
// An active VPN and a configured proxy, background rather than a cause, are
// ruleContext's (rules_context.go).

import "codeberg.org/wsdoctor/wsdoctor/checks/engine"

func ruleNetwork(f *facts, fd *found) {
	if f.works || f.proxyTunnelOK() {
		return
	}
	// No default route cuts the computer off from the internet; a target
	// on a local network may still be reachable without one, and a name
	// server that answered "no such name" was reached.
	nxdomain := false
	if dns, ok := f.get(engine.ProbeDNS); ok {
		nxdomain = dns.Code == engine.CodeNXDomain
	}
	if f.in.Env.NoRoute && !internalHost(f.o.Target.Host) && !nxdomain {
		fd.add(raised{id: IDNoNetwork, sev: SeverityProblem, conf: Sure, fixer: FixerYou,
			cases: []string{"no_route"}, refs: []EvidenceRef{envRef("no_route", "yes")}})
		return
	}
	httpOK := false
	if h, ok := f.get(engine.ProbeHTTP); ok {
		httpOK = h.OK()
	}
	if httpOK {
		return
	}
	if tcp, ok := f.get(engine.ProbeTCP); ok && tcp.Status == engine.Fail && tcp.Code == engine.CodeUnreachable {
		fd.add(raised{id: IDNoNetwork, sev: SeverityProblem, conf: Likely, fixer: FixerYou,
			cases: []string{"unreachable"}, refs: refs(tcp, engine.KeyConnectIPV6, engine.KeyConnectIPV4)})
	}
	// Behind a proxy, the proxy looks names up: a local lookup failure says
	// nothing about the connection.
	if dns, ok := f.get(engine.ProbeDNS); ok && !f.viaProxy && dns.Status == engine.Fail && (dns.Code == engine.CodeTimeout || dns.Code == engine.CodeDNSError) {
		fd.add(raised{id: IDNoNetwork, sev: SeverityProblem, conf: Possible, fixer: FixerYou,
			cases: []string{"no_answer"}, refs: refs(dns, engine.KeyAError, engine.KeyAaaaError)})
	}
}

func ruleDNS(f *facts, fd *found) {
	dns, ok := f.get(engine.ProbeDNS)
	if !ok || dns.Status != engine.Fail {
		return
	}
	r := raised{id: IDDNSFailure, sev: f.problemSev(), conf: Sure, fixer: FixerNetworkAdmin,
		refs: refs(dns, engine.KeyAError, engine.KeyAaaaError)}
	switch dns.Code {
	case engine.CodeNXDomain:
		r.cases = []string{"nxdomain"}
		r.fixer = FixerYou
	case engine.CodeCancelled, "deadline":
		return
	default:
		r.cases = []string{"no_answer"}
		if fd.has(IDNoNetwork) {
			r.conf = Likely
		}
	}
	if f.viaProxy {
		r.cases = append(r.cases, "proxy_may_resolve")
		if f.works {
			r.sev = SeverityInfo
		}
	}
	fd.add(r)
}

func ruleTCP(f *facts, fd *found) {
	tcp, ok := f.get(engine.ProbeTCP)
	if !ok {
		return
	}
	switch tcp.Status {
	case engine.Warn:
		if tcp.Code == engine.CodePartial && ipv6Broken(tcp) {
			fd.add(raised{id: IDIPv6Broken, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
				refs: refs(tcp, engine.KeyPort, engine.KeyConnectIPV6, engine.KeyConnectIPV4)})
			return
		}
		if tcp.Code == engine.CodePartial {
			fd.add(raised{id: IDTCPBlocked, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
				cases: []string{"partial"}, refs: refs(tcp, engine.KeyPort, engine.KeyConnectIPV6, engine.KeyConnectIPV4)})
		}
		return
	case engine.Fail:
	default:
		return
	}
	if f.viaProxy && (f.works || f.proxyTunnelOK()) {
		return // direct connections are closed; the proxy is the way out
	}
	r := raised{id: IDTCPBlocked, sev: SeverityProblem, conf: Likely, fixer: FixerNetworkAdmin,
		refs: refs(tcp, engine.KeyPort, engine.KeyConnectIPV6, engine.KeyConnectIPV4)}
	if tcp.Code == engine.CodeRefused && f.o.Target.IsLoopback() {
		// This computer itself said no: nothing listens on that port here.
		// No firewall, network or VPN is on the way to blame.
		r.conf, r.fixer, r.cases = Sure, FixerYou, []string{"local_not_listening"}
		fd.add(r)
		return
	}
	switch tcp.Code {
	case engine.CodeRefused, engine.CodeTimeout, engine.CodeReset:
		r.cases = []string{tcp.Code}
	case engine.CodeUnreachable:
		if f.in.Env.NoRoute && !internalHost(f.o.Target.Host) {
			return // no-network says it: there is no way out at all
		}
		r.cases = []string{"unreachable"}
		r.conf = Possible
	case engine.CodeNoAddress, engine.CodeCancelled, "deadline":
		return
	default:
		r.conf = Possible
	}
	// The same host answers on the other scheme's port: it is up, and
	// this port is what is closed.
	if o := f.in.Other; o != nil {
		if ot, ok := o.Result(engine.ProbeTCP); ok && ot.OK() && ot.Evidence.Value(engine.KeyPort) != tcp.Evidence.Value(engine.KeyPort) {
			r.cases = append(r.cases, "other_port_ok")
			r.conf = Sure
			r.refs = append(r.refs, otherRef("other", ot, engine.KeyPort))
		}
	}
	if f.in.Env.VPNActive {
		r.cases = append(r.cases, "vpn")
	} else {
		r.cases = append(r.cases, "vpn_unknown")
	}
	fd.add(r)
}

func ruleSchemes(f *facts, fd *found) {
	o := f.in.Other
	if o == nil || o.Target.Scheme == f.o.Target.Scheme || o.Target.Host != f.o.Target.Host {
		return
	}
	ws, wss := f.o, *o
	mainPlain := f.o.Target.Scheme == "ws"
	if !mainPlain {
		ws, wss = *o, f.o
	}
	if ws.Works() || !wss.Works() {
		return
	}
	wsRun, wssRun := "other", "main"
	if mainPlain {
		wsRun, wssRun = "main", "other"
	}
	wsUp, _ := ws.Result(engine.ProbeUpgrade)
	wssUp, _ := wss.Result(engine.ProbeUpgrade)
	wsRef := ref(wsUp, "code")
	wssRef := ref(wssUp, "code")
	if wsRun == "other" {
		wsRef = otherRef("other", wsUp, "code")
	}
	if wssRun == "other" {
		wssRef = otherRef("other", wssUp, "code")
	}
	r := raised{id: IDPlainWSBlocked, sev: SeverityProblem, conf: Sure, fixer: FixerYou,
		cases: []string{"target_plain"}, refs: []EvidenceRef{wsRef, wssRef}}
	if !mainPlain {
		r.sev, r.cases = SeverityInfo, []string{"target_secure"}
	}
	fd.add(r)
}

// ipv6Broken: every IPv4 address connects and no IPv6 one does.
func ipv6Broken(tcp engine.Result) bool {
	v6 := tcp.Evidence.Value(engine.KeyConnectIPV6)
	return tcp.Evidence.Value(engine.KeyConnectIPV4) == engine.CodeOK && v6 != "" && v6 != engine.CodeOK && v6 != engine.CodePartial
}
