package report

import "testing"

func TestErrorCause(t *testing.T) {
	for in, want := range map[string]string{
		"connect 127.0.0.1:9: dial tcp 127.0.0.1:9: connect: connection refused":                            "connection refused",
		`Get "http://127.0.0.1:9/": connect 127.0.0.1:9: dial tcp 127.0.0.1:9: connect: connection refused`: "connection refused",
		"dial tcp 10.0.0.1:443: i/o timeout":                                                                "i/o timeout",
		"tls: failed to verify certificate: x509: certificate signed by unknown authority":                  "certificate signed by unknown authority",
		`websocket: bad handshake (HTTP 200 OK from "proxy.corp.example:3128")`:                             `bad handshake (HTTP 200 OK from "proxy.corp.example:3128")`,
		// Not a Go chain: kept whole.
		"the proxy answered 407: it wants a password": "the proxy answered 407: it wants a password",
		"EOF": "EOF",
		"":    "",
	} {
		if got := ErrorCause(in); got != want {
			t.Errorf("ErrorCause(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestStatusColumnLinesUp: the steps' table pads by the columns a terminal
// gives a character, so a Japanese status ("うまくいきません", 16 columns)
// lines the times up as an English one does.
func TestStatusColumnLinesUp(t *testing.T) {
	if got := columns("うまくいきません"); got != 16 {
		t.Errorf("columns = %d, want 16", got)
	}
	if a, b := padTo("OK", 16), padTo("うまくいきません", 16); columns(a) != 16 || columns(b) != 16 {
		t.Errorf("padded to %d and %d columns, want 16", columns(a), columns(b))
	}
}
