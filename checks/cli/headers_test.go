package cli

import (
	"bytes"
	"net"
	"strings"
	"sync"
	"testing"
)

// Header values are checked with one function before anything is sent: a
// CR/LF or NUL in a value, a name the handshake sets itself, a subprotocol
// that is not a token, all exit 2, and the server hears nothing. The
// errors never repeat a value (each holds "s3cr3t").
func TestBadHeadersSendNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		received int
		wg       sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			received++
			mu.Unlock()
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	url := "ws://" + ln.Addr().String() + "/ws"

	cases := []struct {
		name string
		args []string
		say  string // in the error
	}{
		{"crlf smuggling", []string{"-H", "X-C: s3cr3t\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x"}, "X-C"},
		{"lf", []string{"-H", "X-C: s3cr3t\nX-D: y"}, "line break"},
		{"nul", []string{"-H", "X-C: s3cr3t\x00"}, "NUL"},
		{"bel", []string{"-H", "X-C: s3cr3t\a"}, "control"},
		{"host", []string{"-H", "Host: s3cr3t.example"}, "Host"},
		{"upgrade", []string{"-H", "Upgrade: s3cr3t"}, "Upgrade"},
		{"connection", []string{"-H", "connection: s3cr3t"}, "Connection"},
		{"key", []string{"-H", "Sec-WebSocket-Key: s3cr3t"}, "Sec-Websocket-Key"},
		{"protocol header", []string{"-H", "Sec-WebSocket-Protocol: s3cr3t"}, "Sec-Websocket-Protocol"},
		{"content-length", []string{"-H", "Content-Length: 5s3cr3t"}, "Content-Length"},
		{"transfer-encoding", []string{"-H", "Transfer-Encoding: s3cr3t"}, "Transfer-Encoding"},
		{"bad name", []string{"-H", "X C: s3cr3t"}, "not a header name"},
		{"no colon", []string{"-H", "Authorization Bearer s3cr3t"}, "Name: value"},
		{"cookie crlf", []string{"--cookie", "a=s3cr3t\r\nX-Evil: 1"}, "Cookie"},
		{"origin lf", []string{"--origin", "http://s3cr3t\nX-Evil: 1"}, "Origin"},
		{"subprotocol space", []string{"--subprotocol", "a b"}, "subprotocol"},
		{"subprotocol comma", []string{"--subprotocol", "a,b"}, "subprotocol"},
		{"subprotocol crlf", []string{"--subprotocol", "a\r\nX: y"}, "subprotocol"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"check", url, "--proxy", "none", "--quiet", "--timeout", "2s", "--deadline", "4s"}, c.args...)
			if code := Main(args, &stdout, &stderr); code != ExitUsage {
				t.Errorf("exit %d, want %d\nstderr: %s", code, ExitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.say) {
				t.Errorf("stderr does not say %q:\n%s", c.say, stderr.String())
			}
			if out := stdout.String() + stderr.String(); strings.Contains(out, "s3cr3t") {
				t.Errorf("the value is echoed:\n%s", out)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if received != 0 {
		t.Errorf("the server was reached %d times; nothing may be sent", received)
	}
}

// An address error never shows what stands between the scheme and the
// "@", whatever characters the password holds (issue 25: "/", "?", "#",
// a scheme typo).
func TestAddressErrorsHideUserinfo(t *testing.T) {
	for _, a := range []string{
		"wss://alice:Sekr3t/Pw@127.0.0.1/", "wss:/alice:Sekr3tPw@host/", "wss://alice:Sekr3t?Pw@host/",
		"wss://alice:Sekr3t#Pw@host/", "ws//alice:Sekr3tPw@host", "wss://alice:Sekr3t\"Pw@host/", "wss://alice:Sekr3t Pw@host/",
	} {
		var stdout, stderr bytes.Buffer
		if code := Main([]string{"check", a, "--proxy", "none", "--quiet"}, &stdout, &stderr); code != ExitUsage {
			t.Errorf("%q: exit %d, want %d", a, code, ExitUsage)
		}
		if out := stdout.String() + stderr.String(); strings.Contains(out, "Sekr3t") || strings.Contains(out, "alice") {
			t.Errorf("%q: the error shows the user or password:\n%s", a, out)
		}
	}
}
