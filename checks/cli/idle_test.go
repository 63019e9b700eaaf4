package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

func TestCheckIdleFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--idle", "11m"}, "--idle 11m0s: give 0 (off) up to 10m0s"},
		{[]string{"--idle", "-1s"}, "--idle -1s"},
		{[]string{"--idle", "90s", "--ping-interval", "0"}, "--ping-interval 0s: must be more than zero"},
	} {
		var out, errb bytes.Buffer
		code := Edges{}.Check(context.Background(), append([]string{"ws://127.0.0.1:1/"}, tc.args...), &out, &errb)
		if code != ExitUsage || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), ExitUsage, tc.msg)
		}
	}
}

// TestCountdownPlainLines: on a console without VT processing the idle
// countdown prints whole lines, with no carriage return or escape code to
// garble it.
func TestCountdownPlainLines(t *testing.T) {
	for _, vt := range []bool{true, false} {
		var buf lockedBuffer
		onEvent, stop := withCountdown(&buf, time.Minute, func(io.Writer) bool { return vt }, func(engine.Event) {})
		onEvent(engine.Event{Kind: engine.EventStarted, Probe: "idle", Time: time.Now()})
		for i := 0; i < 200 && buf.String() == ""; i++ {
			time.Sleep(10 * time.Millisecond) // the countdown's first line, drawn at once
		}
		stop()
		out := buf.String()
		if !strings.Contains(out, "holding WebSockets open: 1m0s left") {
			t.Errorf("vt %v: no countdown in %q", vt, out)
		}
		if plain := !strings.ContainsAny(out, "\r\033") && strings.HasSuffix(out, "\n"); plain == vt {
			t.Errorf("vt %v: %q", vt, out)
		}
	}
}

// lockedBuffer is a bytes.Buffer safe to read while the countdown writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
