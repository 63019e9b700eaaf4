//go:build unix

package engine_test

import (
	"context"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// A Socket.IO app: the watch speaks enough of its protocol (namespace,
// heartbeat) to stay connected, and sends it no plain message, which it
// would close the connection on.
func TestWatchSocketIO(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	t.Parallel()
	addr := checktest.StartSocketIO(t)
	l, res := watchFor(t, context.Background(), "ws://"+addr+"/socket.io/?EIO=4&transport=websocket", 8*time.Second)
	if s := l.of(engine.WatchStart, ""); len(s) != 1 || s[0].Detail != "socket.io" {
		t.Errorf("start %+v, want socket.io", s)
	}
	if n := len(l.of(engine.WatchOpen, "")); n != 3 {
		t.Errorf("%d opens, want 3", n)
	}
	if n := len(l.of(engine.WatchDrop, "")); n != 0 || res.Code != engine.CodeOK {
		t.Errorf("%d drops, result %s: the app closed the watch's connections", n, res.Code)
	}
}
