package engine

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Where the idle time an app needs came from (Options.IdleNeedSource):
// the preset, the framework its address shows (by its default heartbeat:
// an app of it is never quiet longer than that), or the default.
const (
	NeedPreset      = "preset"
	NeedSocketIO    = "socketio"    // Socket.IO: ping interval 25 s
	NeedSignalR     = "signalr"     // ASP.NET SignalR: keep-alive 15 s
	NeedPhoenix     = "phoenix"     // Phoenix channels: heartbeat 30 s
	NeedActionCable = "actioncable" // Rails Action Cable: ping every 3 s
	NeedSockJS      = "sockjs"      // SockJS: heartbeat 25 s
	NeedDefault     = "default"     // none known: DefaultIdleRequired
)

// frameworkNeeds is each framework's default heartbeat.
var frameworkNeeds = sync.OnceValue(func() map[string]time.Duration {
	return map[string]time.Duration{
		NeedSocketIO:    25 * time.Second,
		NeedSignalR:     15 * time.Second,
		NeedPhoenix:     30 * time.Second,
		NeedActionCable: 3 * time.Second,
		NeedSockJS:      25 * time.Second,
	}
})

// Frameworks are the names of the frameworks FrameworkOf recognises, as a
// preset's "framework" names them.
func Frameworks() []string {
	return []string{NeedSocketIO, NeedSignalR, NeedPhoenix, NeedActionCable, NeedSockJS}
}

// KnownFramework reports whether name is one of Frameworks.
func KnownFramework(name string) bool {
	_, ok := frameworkNeeds()[name]
	return ok
}

// sockJSPath is SockJS's raw WebSocket address: /<prefix>/<server: three
// digits>/<session>/websocket.
var sockJSPath = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`/[0-9]{3}/[^/]+/websocket/?$`)
})

// FrameworkOf names the framework an address belongs to, by what only that
// framework's addresses look like, or "" when none is recognised:
// Socket.IO "/socket.io/"; Phoenix "/socket/websocket" or
// "/live/websocket" (LiveView); SockJS ".../000/session/websocket"; SignalR
// a path ending in "/negotiate" or "/hub", a "signalr" segment (ASP.NET),
// or a last segment ending in "hub" with the connection's "?id=" ("/chathub?id=..."); a
// "hubs" segment with it too; Action Cable "/cable" as the last segment.
func FrameworkOf(address string) string {
	u, err := url.Parse(strings.TrimSpace(address))
	if err != nil {
		return ""
	}
	p := strings.ToLower(u.Path)
	segs := strings.Split(strings.Trim(p, "/"), "/")
	last := segs[len(segs)-1]
	switch {
	case strings.Contains(p+"/", "/socket.io/"):
		return NeedSocketIO
	case strings.HasSuffix(strings.TrimSuffix(p, "/"), "/socket/websocket"), strings.HasSuffix(strings.TrimSuffix(p, "/"), "/live/websocket"):
		return NeedPhoenix
	case sockJSPath().MatchString(p):
		return NeedSockJS
	case last == "negotiate", last == "hub", strings.HasSuffix(last, "hub") && u.Query().Has("id"):
		return NeedSignalR
	case last == "cable":
		return NeedActionCable
	}
	for _, s := range segs {
		if s == "signalr" || s == "hubs" && u.Query().Has("id") {
			return NeedSignalR
		}
	}
	return ""
}

// IdleNeed is how long an app needs a quiet WebSocket to stay open, and
// where that came from: the preset's value when it has one (preset > 0),
// else the default heartbeat of the framework the address shows, else
// DefaultIdleRequired.
func IdleNeed(preset time.Duration, address string) (time.Duration, string) {
	if preset > 0 {
		return preset, NeedPreset
	}
	if f := FrameworkOf(address); f != "" {
		return frameworkNeeds()[f], f
	}
	return DefaultIdleRequired, NeedDefault
}
