package refserver

import (
	"errors"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// Three clients each send one permessage-deflate message that inflates to
// 1 GiB (about 1 MiB on the wire): the server must close each with 1009
// and stay far under 128 MiB.
func TestBombCompressedMessages(t *testing.T) {
	checktest.CheckPeak(t, func(t *testing.T) {
		s, err := Start("127.0.0.1:0", "", "")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			wg.Go(func() { errs[i] = checktest.SendDeflateBomb(s.URL, 1<<30) })
		}
		wg.Wait()
		for i, err := range errs {
			// The close frame can be lost to the reset the kernel
			// sends for the unread rest of the bomb.
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
				if !errors.Is(err, syscall.ECONNRESET) {
					t.Errorf("client %d: %v, want close 1009", i, err)
				}
			}
		}
		// The server still echoes.
		c, _, err := websocket.DefaultDialer.Dial(s.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.WriteMessage(websocket.TextMessage, []byte("hi")); err != nil {
			t.Fatal(err)
		}
		if _, msg, err := c.ReadMessage(); err != nil || string(msg) != "hi" {
			t.Errorf("echo after the bombs: %q %v", msg, err)
		}
	})
}

// Past the cap of open WebSockets, an upgrade is answered 503; once one
// closes, its place is free again.
func TestWebSocketCap(t *testing.T) {
	s, err := Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.mu.Lock()
	s.maxWS = 2
	s.mu.Unlock()
	var open []*websocket.Conn
	for range 2 {
		c, _, err := websocket.DefaultDialer.Dial(s.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, c)
	}
	_, resp, err := websocket.DefaultDialer.Dial(s.URL, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("third WebSocket: %v %v, want 503", resp, err)
	}
	open[0].Close()
	// The server sees the close on its next read; retry until it has.
	var c *websocket.Conn
	for range 100 {
		if c, _, err = websocket.DefaultDialer.Dial(s.URL, nil); err == nil {
			break
		}
		waitABit()
	}
	if err != nil {
		t.Fatalf("after a close, the place was not freed: %v", err)
	}
	c.Close()
	open[1].Close()
}

func waitABit() { <-time.After(20 * time.Millisecond) }
