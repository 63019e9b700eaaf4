//go:build unix

package checktest

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestNginxBufferingHoldsFrames checks the lab's premise with the real
// nginx: a SignalR Server-Sent Events stream that sends a frame every
// 300 ms reaches the client frame by frame with proxy_buffering off, and
// all at once, when the stream ends, with proxy_buffering on.
func TestNginxBufferingHoldsFrames(t *testing.T) {
	const frames, tick = 6, 300 * time.Millisecond
	app := StartSignalR(t, StreamAppOptions{Tick: tick, Frames: frames})
	for _, buffering := range []bool{true, false} {
		front := NginxBuffering(t, app, buffering)
		client := &http.Client{Timeout: 20 * time.Second}
		resp, err := client.Post("http://"+front+"/chathub/negotiate?negotiateVersion=1", "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		bufio.NewReader(resp.Body).WriteTo(&b)
		resp.Body.Close()
		_, tok, _ := strings.Cut(b.String(), `"connectionToken":"`)
		tok, _, _ = strings.Cut(tok, `"`)
		req, _ := http.NewRequest(http.MethodGet, "http://"+front+"/chathub?id="+tok, nil)
		req.Header.Set("Accept", "text/event-stream")
		t0 := time.Now()
		resp, err = client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var at []time.Duration
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() && len(at) < frames {
			if strings.HasPrefix(sc.Text(), "data:") {
				at = append(at, time.Since(t0))
			}
		}
		resp.Body.Close()
		if len(at) != frames {
			t.Fatalf("buffering %v: %d frames, want %d", buffering, len(at), frames)
		}
		t.Logf("proxy_buffering %v: frames at %v", buffering, at)
		end := time.Duration(frames) * tick
		if buffering {
			// Held: not even the first frame before the stream was over.
			if at[0] < end*9/10 {
				t.Errorf("with buffering on the first frame came at %v, before the stream ended (%v)", at[0], end)
			}
		} else {
			// Live: the first frame well before the end, the frames spread
			// over the stream's length.
			if at[0] > end/2 || at[frames-1]-at[0] < end/2 {
				t.Errorf("with buffering off the frames came at %v, not one by one over %v", at, end)
			}
		}
	}
}
