package diagnose

// The rule of the app's own fallback (engine.FallbackProbe): when the
// WebSocket fails, a Socket.IO app falls back to long polling. That works
// (fallback-works, a warning: live connections stay blocked, so the verdict
// stays "does not work", but the app can still work, more slowly) or fails
// too (fallback-broken, a problem). Nothing is said when the WebSocket
// opens: the app does not need its fallback then. (A Socket.IO server
// does not echo the check's plain messages, so the echo is not asked.)

import (
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

func ruleFallback(f *facts, fd *found) {
	fb, ok := f.get(engine.ProbeFallback)
	if up, _ := f.get(engine.ProbeUpgrade); !ok || f.works || up.OK() {
		return
	}
	keys := []string{engine.KeyFallbackFramework, engine.KeyFallbackTransport, engine.KeyFallbackStage, engine.KeyFallbackAnswer,
		"fallback_open_status", "fallback_open_ms", "fallback_send_status", "fallback_send_ms", "fallback_receive_status", "fallback_receive_ms",
		engine.KeyServer, engine.KeyProxy}
	switch fb.Status {
	case engine.Pass:
		fd.add(raised{id: IDFallbackWorks, sev: SeverityWarning, conf: Sure, refs: refs(fb, keys...)})
	case engine.Fail:
		var c string
		switch {
		case fb.Code == engine.CodeFallbackNoAnswer:
			c = "no_answer"
		case fb.Code == engine.CodeFallbackNotFramework, strings.HasPrefix(fb.Code, "status_"):
			c = "blocked"
		default:
			c = "closed"
		}
		fd.add(raised{id: IDFallbackBroken, sev: SeverityProblem, conf: Sure, fixer: FixerNetworkAdmin, cases: []string{c}, refs: refs(fb, keys...)})
	}
}
