package diagnose

import (
	"slices"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// drop forgets findings raised by earlier rules that a later rule knows to
// be wrong (a port called blocked that answered, in its own way).
func (fd *found) drop(ids ...string) {
	fd.list = slices.DeleteFunc(fd.list, func(r *raised) bool { return slices.Contains(ids, r.id) })
}

// ruleHostile names the answers of servers that do not behave: an address
// whose scheme does not match its port, an answer that is not HTTP or cut
// at once, headers no browser takes, messages no browser takes. Each was
// called a blocked port or left unexplained before; none is the port.
func ruleHostile(f *facts, fd *found) {
	ruleWrongScheme(f, fd)
	ruleBadAnswer(f, fd)
	ruleBadMessages(f, fd)
}

// ruleWrongScheme: ws:// to a TLS port, wss:// to a plain HTTP port.
func ruleWrongScheme(f *facts, fd *found) {
	var res engine.Result
	var cs string
	if up, ok := f.get(engine.ProbeUpgrade); ok && up.Code == engine.CodeTLSPort {
		res, cs = up, "tls_port"
	} else if t, ok := f.get(engine.ProbeTLS); ok && t.Code == engine.CodePlainPort {
		res, cs = t, "plain_port"
	} else {
		return
	}
	fd.drop(IDTCPBlocked, IDHandshakeTimeout, IDServerNoWebSocket, IDProxyStripsUpg, IDTLSVersion, IDCauseUnknown)
	fd.add(raised{id: IDServerNoWebSocket, sev: SeverityProblem, conf: Sure, fixer: FixerYou,
		cases: []string{cs}, refs: refs(res, "code", engine.KeyPortSpeaks)})
}

// ruleBadAnswer: the port is open (tcp passed) and something answered the
// upgrade, but not with a WebSocket or any HTTP a browser takes.
func ruleBadAnswer(f *facts, fd *found) {
	up, ok := f.get(engine.ProbeUpgrade)
	// Through a proxy, the proxy's own rules read its answers (a block
	// page in the tunnel, a cut tunnel).
	if !ok || f.viaProxy || fd.has(IDServerNoWebSocket) && slices.ContainsFunc(fd.get(IDServerNoWebSocket).cases, func(c string) bool { return c == "tls_port" || c == "plain_port" }) {
		return
	}
	tcp, tcpOK := f.get(engine.ProbeTCP)
	portOpen := tcpOK && tcp.OK()
	var cs string
	switch {
	case up.Code == engine.CodeHeadersTooLarge:
		cs = "headers_too_large"
	case up.Code == engine.CodeNotHTTP && portOpen:
		cs = "not_http"
	case (up.Code == engine.CodeEOF || up.Code == engine.CodeReset) && portOpen &&
		up.Evidence.Value(engine.KeyFailedAt) == "response" && !httpAnswered(f):
		// Accepted, then cut without a word, a plain GET too: the
		// port is open; what listens there (or guards it) hangs up.
		cs = "closed_all"
	default:
		return
	}
	fd.drop(IDTCPBlocked, IDCauseUnknown)
	conf, fixer := Likely, FixerServiceAdmin
	if f.viaProxy {
		conf = Possible
	}
	fd.add(raised{id: IDServerNoWebSocket, sev: SeverityProblem, conf: conf, fixer: fixer,
		cases: []string{cs}, refs: refs(up, "code", engine.KeyFailedAt, engine.KeyStatus, engine.KeyServer)})
	if cs != "headers_too_large" {
		// A middle box can do the same; without a proxy it is hidden.
		pc := []string{"closed"}
		if !f.viaProxy {
			pc = append(pc, "hidden")
		}
		fd.add(raised{id: IDProxyStripsUpg, sev: SeverityProblem, conf: Possible, fixer: FixerNetworkAdmin,
			cases: pc, refs: refs(up, "code")})
	}
}

// httpAnswered reports whether the plain GET got any HTTP answer.
func httpAnswered(f *facts) bool {
	g, ok := f.get(engine.ProbeHTTP)
	return ok && g.OK()
}

// ruleBadMessages: messages a browser refuses (not UTF-8) or that no client
// should hold (a bomb).
func ruleBadMessages(f *facts, fd *found) {
	echo, ok := f.get(engine.ProbeEcho)
	if !ok {
		return
	}
	var cs string
	switch echo.Code {
	case engine.CodeInvalidUTF8:
		cs = "invalid_utf8"
	case engine.CodeMessageTooLarge:
		cs = "too_large"
	default:
		return
	}
	fixer := FixerNetworkAdmin
	if f.endToEnd() {
		fixer = FixerServiceAdmin
	}
	fd.add(raised{id: IDMessagesBlocked, sev: SeverityProblem, conf: Likely, fixer: fixer,
		cases: []string{cs}, refs: refs(echo, "code", engine.KeyMessagesEchoed)})
}
