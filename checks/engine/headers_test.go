package engine

import (
	"context"
	"net"
	"net/http"
	"testing"
)

func TestCheckHeader(t *testing.T) {
	for _, c := range []struct {
		name, value string
		ok          bool
	}{
		{"X-Api-Version", "2", true},
		{"Authorization", "Bearer a.b.c", true},
		{"Cookie", "a=b; c=d", true},
		{"X-Tab", "a\tb", true},
		{"X-C", "v\r\n\r\nGET /smuggled HTTP/1.1", false},
		{"X-C", "v\nw", false},
		{"X-C", "v\x00", false},
		{"X-C", "v\x1b[31m", false},
		{"X C", "v", false},
		{"", "v", false},
		{"X:C", "v", false},
		{"Host", "x", false},
		{"sec-websocket-key", "x", false},
		{"Sec-WebSocket-Extensions", "x", false},
		{"Content-Length", "1", false},
		{"Transfer-Encoding", "chunked", false},
		{"Connection", "close", false},
		{"Upgrade", "h2c", false},
	} {
		if err := CheckHeader(c.name, c.value); (err == nil) != c.ok {
			t.Errorf("CheckHeader(%q, %q) = %v, want ok %v", c.name, c.value, err, c.ok)
		}
	}
	for _, c := range []struct {
		p  string
		ok bool
	}{{"chat", true}, {"v1.json.api", true}, {"a b", false}, {"a,b", false}, {"", false}, {`"a"`, false}, {"a\r\n", false}} {
		if err := CheckSubprotocol(c.p); (err == nil) != c.ok {
			t.Errorf("CheckSubprotocol(%q) = %v, want ok %v", c.p, err, c.ok)
		}
	}
}

// The runner checks again, whatever front end built the options: nothing
// runs, no probe dials.
func TestRunRefusesBadHeaders(t *testing.T) {
	dialled := false
	rn := &Runner{Dial: func(context.Context, string, string) (net.Conn, error) { dialled = true; return nil, context.Canceled }}
	target, _ := ParseTarget("ws://127.0.0.1:1/ws")
	for _, o := range []Options{
		{Headers: http.Header{"X-C": {"v\r\nX-D: w"}}},
		{Headers: http.Header{"Host": {"x"}}},
		{Subprotocols: []string{"a b"}},
	} {
		if _, err := rn.Run(context.Background(), target, o); err == nil {
			t.Errorf("Run with %+v: no error", o)
		}
	}
	if dialled {
		t.Error("a probe dialled")
	}
}
