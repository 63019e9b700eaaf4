package diagnose

// The rule of the way browsers take when the server invites WebSockets
// over HTTP/2 (RFC 8441, engine.H2Probe): that way fails while the check's
// HTTP/1.1 way works (h2-websocket-broken), or works too (h2-websocket-ok,
// info). A server that does not invite it gets neither: browsers then take
// HTTP/1.1, the way the check tested.

import (
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

func ruleH2(f *facts, fd *found) {
	h, ok := f.get(engine.ProbeH2)
	if !ok || h.Evidence.Value(engine.KeyBrowserWay) != engine.BrowserWayH2 {
		return
	}
	keys := []string{engine.KeyALPN, engine.KeyH2ConnectProtocol, engine.KeyH2Status, engine.KeyH2Reset, engine.KeyH2Echo, engine.KeyH2Stage, engine.KeyServer, engine.KeyProxy}
	if h.Code == engine.CodeOK {
		fd.add(raised{id: IDH2WebSocketOK, sev: SeverityInfo, conf: Sure, refs: refs(h, keys...)})
		return
	}
	// Only a failure on the stream itself: the connection and the
	// encryption are the other probes' to judge, and HTTP/1.1 must work
	// for the difference to be the HTTP/2 way's.
	up, _ := f.get(engine.ProbeUpgrade)
	if !up.OK() {
		return
	}
	var c string
	switch {
	case h.Code == engine.CodeH2StreamReset:
		c = "reset"
	case httpStatus(h.Code) != 0:
		c = "refused"
	case h.Code == engine.CodeH2NoEcho:
		// A server that does not echo over HTTP/1.1 either says nothing
		// against the HTTP/2 way.
		if echo, ok := f.get(engine.ProbeEcho); !ok || echo.Code != engine.CodeOK {
			return
		}
		c = "no_echo"
	case h.Status == engine.Fail && h.Evidence.Value(engine.KeyH2Stage) == "stream":
		c = "no_answer"
	default:
		return
	}
	r := raised{id: IDH2WebSocketBroken, sev: SeverityProblem, conf: Sure, fixer: FixerServiceAdmin,
		cases: []string{c}, refs: append(refs(h, keys...), ref(up, engine.KeyStatus))}
	if fd.has(IDTLSIntercepted) {
		// The encryption ends at a middle box: it is the one that speaks
		// HTTP/2 to this computer.
		r.cases, r.fixer = append(r.cases, "inspected"), FixerNetworkAdmin
	}
	fd.add(r)
}

// browsersFail reports whether the way browsers take fails although the
// check's own way works: h2-websocket-broken, kept a problem.
func browsersFail(rs []raised) bool {
	for _, r := range rs {
		if r.id == IDH2WebSocketBroken && r.sev == SeverityProblem {
			return true
		}
	}
	return false
}

// h2Answer is what the HTTP/2 way got, in protocol terms for the admin
// text: "400", "RST_STREAM INTERNAL_ERROR", "no echo".
func h2Answer(h engine.Result) string {
	switch {
	case h.Evidence.Value(engine.KeyH2Reset) != "":
		return "RST_STREAM " + h.Evidence.Value(engine.KeyH2Reset)
	case h.Evidence.Value(engine.KeyH2Status) != "" && h.Evidence.Value(engine.KeyH2Status) != "200":
		return ":status " + h.Evidence.Value(engine.KeyH2Status)
	case h.Code == engine.CodeH2NoEcho:
		return "200, no echo"
	case h.Error != "":
		return strings.TrimPrefix(h.Error, "h2: ")
	}
	return h.Code
}
