package engine_test

import (
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// TestIdleNeed: the preset's requirement first, then the framework the
// address shows, then the default; addresses only one framework uses.
func TestIdleNeed(t *testing.T) {
	for _, tc := range []struct {
		preset  time.Duration
		address string
		want    time.Duration
		from    string
	}{
		{5 * time.Second, "wss://chat.example.com/socket.io/?EIO=4&transport=websocket", 5 * time.Second, engine.NeedPreset},
		{0, "wss://chat.example.com/socket.io/?EIO=4&transport=websocket", 25 * time.Second, engine.NeedSocketIO},
		{0, "wss://chat.example.com/app/socket.io", 25 * time.Second, engine.NeedSocketIO},
		{0, "wss://app.example.com/chathub?id=Fs2Kb1Q", 15 * time.Second, engine.NeedSignalR},
		{0, "wss://app.example.com/hub", 15 * time.Second, engine.NeedSignalR},
		{0, "https://app.example.com/hubs/chat/negotiate?negotiateVersion=1", 15 * time.Second, engine.NeedSignalR},
		{0, "wss://app.example.com/signalr/connect?transport=webSockets", 15 * time.Second, engine.NeedSignalR},
		{0, "wss://app.example.com/socket/websocket?vsn=2.0.0", 30 * time.Second, engine.NeedPhoenix},
		{0, "wss://app.example.com/live/websocket", 30 * time.Second, engine.NeedPhoenix},
		{0, "wss://app.example.com/cable", 3 * time.Second, engine.NeedActionCable},
		{0, "wss://app.example.com/echo/123/abcdef/websocket", 25 * time.Second, engine.NeedSockJS},
		// Not one of them: the default.
		{0, "wss://app.example.com/github", engine.DefaultIdleRequired, engine.NeedDefault},
		{0, "wss://app.example.com/ws", engine.DefaultIdleRequired, engine.NeedDefault},
		{0, "wss://app.example.com/cables/list", engine.DefaultIdleRequired, engine.NeedDefault},
		{0, "wss://app.example.com/websocket", engine.DefaultIdleRequired, engine.NeedDefault},
		{0, "", engine.DefaultIdleRequired, engine.NeedDefault},
	} {
		got, from := engine.IdleNeed(tc.preset, tc.address)
		if got != tc.want || from != tc.from {
			t.Errorf("IdleNeed(%v, %q) = %v, %q; want %v, %q", tc.preset, tc.address, got, from, tc.want, tc.from)
		}
	}
}
