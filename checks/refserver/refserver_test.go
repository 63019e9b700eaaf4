package refserver

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestEchoPageAndShutdown(t *testing.T) {
	s, err := Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + s.Addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "/ws") {
		t.Errorf("page: %d %q", resp.StatusCode, body)
	}

	c, _, err := websocket.DefaultDialer.Dial(s.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, kind := range []int{websocket.TextMessage, websocket.BinaryMessage} {
		if err := c.WriteMessage(kind, []byte("hello")); err != nil {
			t.Fatal(err)
		}
		k, msg, err := c.ReadMessage()
		if err != nil || k != kind || string(msg) != "hello" {
			t.Fatalf("echo: %d %q %v", k, msg, err)
		}
	}

	// Close must end open WebSockets too (Shutdown alone does not see
	// hijacked connections), telling the client why.
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err = c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("client read after shutdown: %v, want close 1001", err)
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
}

func TestStartErrors(t *testing.T) {
	if _, err := Start("127.0.0.1:0", "/nonexistent/cert.pem", "/nonexistent/key.pem"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("missing certificate: %v", err)
	}
	if _, err := Start("256.0.0.1:0", "", ""); err == nil {
		t.Error("bad address accepted")
	}
}
