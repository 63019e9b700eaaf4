package diagnose

// The rules of what happens once the WebSocket is open: messages that do
// not come back or come back changed (messages-blocked), a connection cut
// (connection-dropped), an idle limit shorter than the app needs
// (proxy-idle-timeout); and the answers of servers that do not behave
// (ruleHostile): a scheme that does not match the port, an answer that is
// not HTTP, headers or messages no browser takes.

import (
	"slices"
	"strconv"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

func ruleEcho(f *facts, fd *found) {
	echo, ok := f.get(engine.ProbeEcho)
	if !ok || echo.Status == engine.Skip {
		return
	}
	echoed, _ := strconv.Atoi(echo.Evidence.Value(engine.KeyMessagesEchoed))
	base := func(sev Severity, conf Confidence, cases ...string) raised {
		fixer := FixerNetworkAdmin
		switch {
		case f.onThisComputer():
			cases, fixer = append(cases, "this_computer"), FixerServiceAdmin
		case !f.secure:
			cases = append(cases, "plain")
		case f.endToEnd():
			cases, fixer = append(cases, "end_to_end"), FixerServiceAdmin
		}
		return raised{id: IDMessagesBlocked, sev: sev, conf: conf, fixer: fixer, cases: cases,
			refs: refs(echo, engine.KeyMessagesSent, engine.KeyMessagesEchoed, engine.KeyMissing, engine.KeyMangled, engine.KeyCloseCode, engine.KeyCloseReason)}
	}
	switch echo.Code {
	case engine.CodeMangled:
		fd.add(base(SeverityProblem, Sure, "mangled"))
	case engine.CodeNoEcho:
		fd.add(base(SeverityWarning, Possible, "no_echo"))
	case engine.CodePartialEcho:
		fd.add(base(SeverityWarning, Likely, "partial"))
	case engine.CodeNoPong:
		fd.add(base(SeverityInfo, Possible, "no_pong"))
	case engine.CodeEOF, engine.CodeReset:
		cc := echo.Evidence.Value(engine.KeyCloseCode)
		frame := echo.Evidence.Value(engine.KeyCloseFrame) == "yes" || (cc != "" && cc != "1006")
		dropped := raised{id: IDConnectionDropped, sev: SeverityProblem, conf: Likely, fixer: FixerNetworkAdmin,
			refs: refs(echo, engine.KeyMessagesEchoed, engine.KeyCloseCode, engine.KeyWriteError)}
		if echo.Code == engine.CodeReset {
			dropped.cases = []string{"reset"}
		} else {
			dropped.cases = []string{"no_frame"}
		}
		switch {
		case echoed == 0 && frame:
			fd.add(base(SeverityProblem, Likely, "closed", "close_frame"))
		case echoed == 0:
			fd.add(base(SeverityProblem, Likely, "closed"))
			dropped.conf = Possible
			fd.add(dropped)
		default:
			fd.add(dropped)
		}
	case engine.CodeAltered:
		r := raised{id: IDMessagesAltered, sev: SeverityProblem, conf: Sure, fixer: FixerNetworkAdmin,
			refs: refs(echo, engine.KeyLadderHow, engine.KeyLadderFailedStep, engine.KeyLadderPassed)}
		if echo.Evidence.Value(engine.KeyLadderHow) == "frame_broken" {
			r.cases = append(r.cases, "frame_broken")
		}
		switch {
		case f.onThisComputer():
			r.cases, r.fixer = append(r.cases, "this_computer"), FixerServiceAdmin
		case fd.has(IDTLSIntercepted):
			r.cases = append(r.cases, "tls_inspection")
		case f.endToEnd():
			r.cases, r.fixer = append(r.cases, "end_to_end"), FixerServiceAdmin
		}
		fd.add(r)
	case engine.CodeSizeLimit:
		r := raised{id: IDMessageSizeLimit, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
			refs: refs(echo, engine.KeyLadderPassed, engine.KeyLadderFailed, engine.KeyLadderHow)}
		switch how := echo.Evidence.Value(engine.KeyLadderHow); how {
		case "close_1009", "closed", "timeout":
			r.cases = []string{how}
		}
		if f.endToEnd() {
			r.cases, r.fixer = append(r.cases, "end_to_end"), FixerServiceAdmin
		}
		fd.add(r)
	case engine.CodeOK, engine.CodeCancelled, "deadline", engine.CodeNoConn:
	default:
		if echo.Status == engine.Fail {
			fd.add(base(SeverityProblem, Possible))
		}
	}
}

func ruleIdle(f *facts, fd *found) {
	idle, ok := f.get(engine.ProbeIdle)
	if !ok || idle.Status == engine.Skip {
		return
	}
	if idle.Code == "dropped" {
		// A connection kept busy with pings ended anyway: not an idle limit.
		fd.add(raised{id: IDConnectionDropped, sev: SeverityProblem, conf: Likely, fixer: FixerNetworkAdmin,
			cases: []string{"no_frame"}, refs: refs(idle, engine.KeyIdleEndedBy, "ping_end_s", "ping_error")})
	}
	limit, ok := secondsOf(idle.Evidence.Value(engine.KeyIdleLimit))
	if !ok || idle.Code == engine.CodePingsIgnored {
		return // pings-not-enough says it (ruleLifetime)
	}
	r := raised{id: IDProxyIdleTimeout, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
		refs: refs(idle, engine.KeyIdleLimit, engine.KeyIdleEndedBy, engine.KeyPingsKeptAlive, engine.KeySurvived)}
	// Shorter than the app needs, it does not work for this app (issue
	// 27); longer, it is worth knowing.
	forApp(f, &r, limit)
	switch e := idle.Evidence.Value(engine.KeyIdleEndedBy); e {
	case "close_frame", "fin", "reset", "silent":
		r.cases = append(r.cases, e)
	}
	switch idle.Evidence.Value(engine.KeyPingsKeptAlive) {
	case "yes":
		r.cases = append(r.cases, "pings_help")
	case "no":
		r.cases = append(r.cases, "pings_no_help")
	}
	if f.viaProxy {
		r.cases = append(r.cases, "via_proxy")
	}
	fd.add(r)
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
	fixer, cases := FixerNetworkAdmin, []string{cs}
	switch {
	case f.onThisComputer():
		fixer, cases = FixerServiceAdmin, append(cases, "this_computer")
	case f.endToEnd():
		fixer = FixerServiceAdmin
	}
	fd.add(raised{id: IDMessagesBlocked, sev: SeverityProblem, conf: Likely, fixer: fixer,
		cases: cases, refs: refs(echo, "code", engine.KeyMessagesEchoed)})
}
