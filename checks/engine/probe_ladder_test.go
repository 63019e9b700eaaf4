package engine_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// hostPort is the host:port of a ws:// URL.
func hostPort(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// TestLadder: the integrity ladder through relays that change or cap
// messages, and on a healthy path.
func TestLadder(t *testing.T) {
	const mib = 1 << 20
	big := func(t *testing.T) string { return checktest.DeflateServer(t, checktest.DeflateAnswerValid) } // echoes up to 32 MiB
	tests := []struct {
		name   string
		url    func(t *testing.T) string
		opts   engine.Options
		status engine.Status
		code   string
		ev     map[string]string
	}{
		{
			name: "healthy: wsdoctor serve", url: func(t *testing.T) string { return startRef(t, nil) },
			status: engine.Pass, code: "ok",
			ev: map[string]string{"ladder": "passed", "ladder_passed_bytes": strconv.Itoa(mib)},
		},
		{
			// 16 MiB each way under -race on a busy machine can take
			// longer than the default probe time: give it room.
			name: "healthy to 16 MiB (a preset's cap)", url: big, opts: engine.Options{LadderMax: 16 * mib, ProbeTimeout: 30 * time.Second},
			status: engine.Pass, code: "ok",
			ev: map[string]string{"ladder": "passed", "ladder_passed_bytes": strconv.Itoa(16 * mib)},
		},
		{
			name: "off", url: func(t *testing.T) string { return startRef(t, nil) }, opts: engine.Options{NoLadder: true},
			status: engine.Pass, code: "ok", ev: map[string]string{"ladder": "off", "ladder_passed_bytes": "-"},
		},
		{
			name: "RSV1 flipped on the server's frames",
			url: func(t *testing.T) string {
				return checktest.FrameRelay(t, hostPort(t, startRef(t, nil)), "/ws", checktest.FlipRSV1, 0)
			},
			status: engine.Fail, code: engine.CodeAltered, ev: map[string]string{"ladder_how": "frame_broken"},
		},
		{
			name: "a byte changed above 64 KiB",
			url: func(t *testing.T) string {
				return checktest.FrameRelay(t, hostPort(t, startRef(t, nil)), "/ws", checktest.AlterAbove, 64<<10)
			},
			status: engine.Fail, code: engine.CodeAltered,
			ev: map[string]string{"ladder": "altered", "ladder_how": "altered", "ladder_failed_step": "binary_1mib", "ladder_passed_bytes": strconv.Itoa(64 << 10)},
		},
		{
			name: "closed with 1009 above 1 MiB",
			url: func(t *testing.T) string {
				return checktest.FrameRelay(t, hostPort(t, big(t)), "/ws", checktest.Close1009Above, mib)
			},
			opts:   engine.Options{LadderMax: 16 * mib},
			status: engine.Warn, code: engine.CodeSizeLimit,
			ev: map[string]string{"ladder": "size_limit", "ladder_how": "close_1009", "ladder_passed_bytes": strconv.Itoa(mib), "ladder_failed_bytes": strconv.Itoa(4 * mib)},
		},
		{
			// The default ladder: both 1 MiB steps go out together,
			// neither comes back; the first is the one named.
			name: "dropped above 64 KiB",
			url: func(t *testing.T) string {
				return checktest.FrameRelay(t, hostPort(t, startRef(t, nil)), "/ws", checktest.DropAbove, 64<<10)
			},
			status: engine.Warn, code: engine.CodeSizeLimit,
			ev: map[string]string{"ladder": "size_limit", "ladder_how": "timeout", "ladder_failed_step": "binary_1mib", "ladder_passed_bytes": strconv.Itoa(64 << 10)},
		},
		{
			name: "dropped above 4 MiB",
			url: func(t *testing.T) string {
				return checktest.FrameRelay(t, hostPort(t, big(t)), "/ws", checktest.DropAbove, 4*mib)
			},
			// Time enough for 4 MiB to pass and the 16 MiB step to be
			// judged a limit, not a slow path, under -race too.
			opts:   engine.Options{LadderMax: 16 * mib, ProbeTimeout: map[bool]time.Duration{false: 10 * time.Second, true: 40 * time.Second}[checktest.Race()]},
			status: engine.Warn, code: engine.CodeSizeLimit,
			ev: map[string]string{"ladder": "size_limit", "ladder_how": "timeout", "ladder_passed_bytes": strconv.Itoa(4 * mib), "ladder_failed_bytes": strconv.Itoa(16 * mib)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := runCheck(t, nil, tc.url(t), tc.opts)
			e, _ := out.Result(engine.ProbeEcho)
			if e.Status != tc.status || e.Code != tc.code {
				t.Fatalf("echo = %s/%s (%s; %s), want %s/%s", e.Status, e.Code, e.Reason, e.Error, tc.status, tc.code)
			}
			for k, want := range tc.ev {
				got, ok := e.Evidence.Get(k)
				if want == "-" {
					if ok {
						t.Errorf("evidence %s = %q, want none", k, got)
					}
					continue
				}
				if got != want {
					t.Errorf("evidence %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestLadderCloseAtASizeThatPassed: a server that echoes the echo's six
// messages and the ladder's up to the binary 1 MiB one, then closes on the
// next (the text 1 MiB message, smaller on the wire, compressed): a size
// cannot explain that, so the ladder is unfinished, not a size limit.
func TestLadderCloseAtASizeThatPassed(t *testing.T) {
	up := websocket.Upgrader{EnableCompression: true}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.SetReadLimit(8 << 20)
		for n := 1; ; n++ {
			kind, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if n == 14 { // 6 of the echo, 7 of the ladder: text_125b ... binary_1mib
				c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
				return
			}
			if c.WriteMessage(kind, msg) != nil {
				return
			}
		}
	}))
	defer srv.Close()
	out := runCheck(t, nil, "ws"+srv.URL[len("http"):]+"/ws", engine.Options{})
	e, _ := out.Result(engine.ProbeEcho)
	if e.Status != engine.Pass {
		t.Fatalf("echo = %s/%s (%s; %s), want pass with the ladder unfinished", e.Status, e.Code, e.Reason, e.Error)
	}
	for k, want := range map[string]string{"ladder": "unfinished", "ladder_how": "closed", "ladder_failed_step": "text_1mib", "ladder_passed_bytes": strconv.Itoa(1 << 20)} {
		if got := e.Evidence.Value(k); got != want {
			t.Errorf("evidence %s = %q, want %q", k, got, want)
		}
	}
}
