package diagnose

// The rule of the WebSocket upgrade request: its answer says whether the
// service does not speak WebSocket (server-no-websocket), refuses this
// client (server-refused), or whether something on the way dropped the
// Upgrade headers (proxy-strips-upgrade), answered with a block page
// (proxy-blocks-connect) or was slow to answer (handshake-timeout). The
// same request without the proxy, a plain GET and the answer's headers
// (signs.go) tell the middle box from the server.

import (
	"slices"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// proxyCodes are the codes of a connection the proxy did not tunnel.
var proxyCodes = []string{
	engine.CodeProxyUnreachable, engine.CodeProxyAuthRequired,
	engine.CodeProxyRefusedConnect, engine.CodeProxyError,
}

func ruleUpgrade(f *facts, fd *found) {
	up, ok := f.get(engine.ProbeUpgrade)
	if !ok || up.Status == engine.Skip {
		return
	}
	if up.Code == engine.CodeSlow {
		fd.add(raised{id: IDHandshakeTimeout, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
			cases: []string{"slow"}, refs: refs(up, engine.KeyUpgradeMS, engine.KeyTTFBMS)})
		return
	}
	if up.OK() || f.pageExplains(fd) {
		return
	}
	// The proxy's own answers are ruleProxy's, and so is a tunnel the
	// proxy never opened: the upgrade request did not reach anything that
	// could drop its headers. What came through an open tunnel is not.
	if st := proxyStatusOf(up); (st != 0 && (st < 200 || st >= 300)) || up.Evidence.Value(engine.KeyFailedAt) == "proxy" || httpStatus(up.Code) == 407 || slices.Contains(proxyCodes, up.Code) {
		return
	}
	st := httpStatus(up.Code)
	sd, signs := answerSide(up)
	plain := !f.secure
	withPlain := func(cs ...string) []string {
		if plain {
			cs = append(cs, "plain")
		}
		return cs
	}

	// The same request without the proxy tells them apart for sure.
	var direct *engine.Result
	directWorks := false
	if f.viaProxy && f.in.Direct != nil {
		if du, ok := f.in.Direct.Result(engine.ProbeUpgrade); ok {
			direct = &du
			directWorks = f.in.Direct.Works()
		}
	}
	if directWorks {
		id, cases := IDProxyStripsUpg, withPlain("direct_works")
		if (st == 403 || st == 451) && sd == sideClient {
			id, cases = IDProxyBlocksCONN, []string{"block_page"}
		}
		fd.add(raised{id: id, sev: SeverityProblem, conf: Sure, fixer: FixerNetworkAdmin, cases: cases,
			refs: append(append(refs(up, engine.KeyStatus, engine.KeyServer, engine.KeyVia), signs...), otherRef("direct", *direct, "code"))})
		return
	}
	directSame := direct != nil && direct.Code == up.Code

	server := func(conf Confidence, cases ...string) {
		r := raised{id: IDServerNoWebSocket, sev: SeverityProblem, conf: conf, fixer: FixerServiceAdmin,
			cases: cases, refs: append(refs(up, engine.KeyStatus, engine.KeyServer, engine.KeyUpgrade, engine.KeyConnection, engine.KeyAcceptOK, engine.KeyLocation, engine.KeyBodyTitle), signs...)}
		if directSame {
			r.conf, r.cases = Sure, append(r.cases, "direct_same")
			r.refs = append(r.refs, otherRef("direct", *direct, "code"))
		}
		fd.add(r)
	}
	proxy := func(conf Confidence, cases ...string) {
		if directSame {
			return // the same without the proxy: not the proxy
		}
		if !f.viaProxy && !slices.Contains(cases, "hidden") {
			cases = append(cases, "hidden")
		}
		fd.add(raised{id: IDProxyStripsUpg, sev: SeverityProblem, conf: conf, fixer: FixerNetworkAdmin,
			cases: withPlain(cases...), refs: append(refs(up, engine.KeyStatus, engine.KeyServer, engine.KeyVia, engine.KeyUpgrade, engine.KeyConnection), signs...)})
	}
	endToEnd := f.endToEnd()

	switch {
	case up.Code == engine.CodeHandshakeTimeout:
		r := raised{id: IDHandshakeTimeout, sev: SeverityProblem, conf: Sure, fixer: FixerNetworkAdmin,
			refs: refs(up, engine.KeyFailedAt, engine.KeyTTFBMS)}
		switch {
		case directSame || endToEnd:
			r.fixer = FixerServiceAdmin
		case f.viaProxy:
			r.cases = []string{"via_proxy"}
		default:
			r.cases = []string{"no_proxy"}
		}
		fd.add(r)

	case st != 0:
		sameAsGet := false
		if g, ok := f.get(engine.ProbeHTTP); ok && g.OK() && httpStatus(g.Code) == st &&
			g.Evidence.Value(engine.KeyServer) == up.Evidence.Value(engine.KeyServer) &&
			g.Evidence.Value(engine.KeyTitle) == up.Evidence.Value(engine.KeyBodyTitle) {
			sameAsGet = true
		}
		var sc []string // what the answer says of the server
		switch {
		case isIIS(up):
			sc = append(sc, "iis")
		}
		switch {
		case st >= 300 && st < 400:
			sc = append(sc, "redirect")
		case st == 404:
			sc = append(sc, "not_found")
		case st >= 500:
			sc = append(sc, "server_error")
		}
		if sd == sideService {
			sc = append(sc, "reverse_proxy")
		}
		if sameAsGet {
			sc = append(sc, "same_as_get")
		}
		var pc []string
		if sameAsGet {
			pc = append(pc, "same_as_get")
		}
		switch {
		case st == 401 || (st == 403 && sd != sideClient):
			r := raised{id: IDServerRefused, sev: SeverityProblem, conf: Likely, fixer: FixerServiceAdmin,
				refs: refs(up, engine.KeyStatus, engine.KeyServer, engine.KeyWWWAuthenticate, engine.KeySentHeaders)}
			if st == 401 || up.Evidence.Value(engine.KeyWWWAuthenticate) != "" {
				r.cases, r.fixer = []string{"login"}, FixerYou
			} else {
				r.cases = []string{"forbidden"}
			}
			if directSame || endToEnd {
				r.conf = Sure
			}
			fd.add(r)
			if st == 403 && f.viaProxy && !directSame {
				fd.add(raised{id: IDProxyBlocksCONN, sev: SeverityProblem, conf: Possible, fixer: FixerNetworkAdmin, refs: refs(up, engine.KeyStatus)})
			}
		case sd == sideClient && (st == 403 || st == 451):
			fd.add(raised{id: IDProxyBlocksCONN, sev: SeverityProblem, conf: Sure, fixer: FixerNetworkAdmin,
				cases: []string{"block_page"}, refs: append(refs(up, engine.KeyStatus), signs...)})
		case sd == sideClient:
			proxy(Sure, pc...)
		case directSame:
			server(Sure, sc...)
		case endToEnd:
			server(Sure, append(sc, "end_to_end")...)
		case f.viaProxy || f.secureWorksInstead():
			proxy(Likely, pc...)
			server(Possible, sc...)
		default:
			server(Likely, sc...)
			proxy(Possible, pc...)
		}

	case up.Code == engine.CodeBadExtension && up.Evidence.Value(engine.KeyCompressionAnswer) == engine.CompressionAnswerInvalid:
		// ruleCompression names it precisely.

	case up.Code == engine.CodeBadAccept || up.Code == engine.CodeBadUpgradeHeaders || up.Code == engine.CodeBadExtension:
		if sd == sideClient {
			proxy(Likely)
			server(Possible, "bad_accept")
			return
		}
		server(Likely, "bad_accept")
		if f.viaProxy {
			proxy(Possible)
		}

	case up.Code == engine.CodeEOF || up.Code == engine.CodeReset:
		g, ok := f.get(engine.ProbeHTTP)
		if !ok || !g.OK() {
			// Nothing answers at all on this connection.
			fd.add(raised{id: IDTCPBlocked, sev: SeverityProblem, conf: Possible, fixer: FixerNetworkAdmin,
				cases: []string{"reset"}, refs: refs(up, engine.KeyFailedAt)})
			return
		}
		// A plain GET is answered but the upgrade request is cut: something
		// reads the request and dislikes it.
		switch {
		case directSame || endToEnd:
			server(Sure, "closed")
		case f.viaProxy || plain:
			proxy(Likely, "closed")
			server(Possible, "closed")
		default:
			server(Likely, "closed")
			proxy(Possible, "closed")
		}

	case up.Evidence.Value(engine.KeyFailedAt) == "connect" || up.Evidence.Value(engine.KeyFailedAt) == "tls":
		fd.add(raised{id: IDTCPBlocked, sev: SeverityProblem, conf: Possible, fixer: FixerNetworkAdmin,
			refs: refs(up, engine.KeyFailedAt)})
	}
}
