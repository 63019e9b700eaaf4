package diagnose

// The rule of the app's own fallback (engine.FallbackProbe): when the
// WebSocket fails, a Socket.IO, SignalR or SockJS app falls back to
// streaming or long polling. That works (fallback-works, a warning: live
// connections stay blocked, so the verdict stays "does not work", but the
// app can still work, more slowly), works only by polling while a
// buffering proxy holds the stream back (fallback-buffered, a warning the
// network's admin can fix: the app may hang or lag until then), or fails
// too (fallback-broken, a problem). Nothing is said when the WebSocket
// opens: the app does not need its fallback then. (A Socket.IO server
// does not echo the check's plain messages, so the echo is not asked.)

import (
	"strings"
	"sync"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// frameworkNames are the frameworks' own names, by engine.Need*.
var frameworkNames = sync.OnceValue(func() map[string]string {
	return map[string]string{
		engine.NeedSocketIO: "Socket.IO",
		engine.NeedSignalR:  "SignalR",
		engine.NeedSockJS:   "SockJS",
	}
})

// streamTransportNames are the streaming transports' own names.
var streamTransportNames = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"sse":           "Server-Sent Events",
		"xhr_streaming": "xhr_streaming",
	}
})

func ruleFallback(f *facts, fd *found) {
	fb, ok := f.get(engine.ProbeFallback)
	if up, _ := f.get(engine.ProbeUpgrade); !ok || f.works || up.OK() {
		return
	}
	keys := []string{engine.KeyFallbackFramework, engine.KeyFallbackTransport, engine.KeyFallbackStage, engine.KeyFallbackAnswer,
		"fallback_open_status", "fallback_open_ms", "fallback_send_status", "fallback_send_ms", "fallback_receive_status", "fallback_receive_ms",
		engine.KeyFallbackStreamTransport, engine.KeyFallbackStreaming, engine.KeyFallbackStreamWait, engine.KeyFallbackHeldBy,
		"fallback_info_status", "fallback_stream_status", "fallback_stream_ms",
		engine.KeyServer, engine.KeyProxy}
	// SignalR's and SockJS's admin words are their own (replacing cases).
	var fw []string
	if f := fb.Evidence.Value(engine.KeyFallbackFramework); f == engine.NeedSignalR || f == engine.NeedSockJS {
		fw = []string{f}
	}
	switch fb.Status {
	case engine.Pass:
		if fb.Code == engine.CodeFallbackBuffered {
			var c []string
			fixer := FixerNetworkAdmin
			// Nothing of the person's network can read the connection
			// (wss to a publicly trusted certificate, or the service on
			// this computer, no proxy): the service's own gateway holds
			// the stream. Otherwise a proxy on the way may, or the
			// service's: IT looks first.
			if f.endToEnd() || f.onThisComputer() {
				c, fixer = append(c, "service_side"), FixerServiceAdmin
			}
			if fb.Evidence.Value(engine.KeyFallbackHeldBy) != "" {
				c = append(c, "named")
			}
			fd.add(raised{id: IDFallbackBuffered, sev: SeverityWarning, conf: Sure, fixer: fixer, cases: c, refs: refs(fb, keys...)})
			return
		}
		fd.add(raised{id: IDFallbackWorks, sev: SeverityWarning, conf: Sure, cases: fw, refs: refs(fb, keys...)})
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
		fd.add(raised{id: IDFallbackBroken, sev: SeverityProblem, conf: Sure, fixer: FixerNetworkAdmin, cases: append(fw, c), refs: refs(fb, keys...)})
	}
}
