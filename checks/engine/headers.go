package engine

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/net/http/httpguts"
)

// The one check of what a person adds to the upgrade request, used by the
// command line (-H, --cookie, --origin, --subprotocol), the window's
// advanced fields (through session.Request) and presets, and again by
// Runner.Run before anything is sent: a value that could end the header
// line (CR, LF, NUL) would smuggle a second request; a name the handshake
// sets itself would change what is tested. The errors name the header,
// never its value, which may be a secret.

// MaxHeaderValue bounds one extra header's value: far more than a cookie
// or a token needs, far less than a server takes in one header block.
const MaxHeaderValue = 8 << 10

// reservedHeaders are set by the WebSocket handshake or by HTTP itself;
// every Sec-WebSocket-* header is reserved too (see IsReservedHeader).
var reservedHeaders = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"Host": true, "Upgrade": true, "Connection": true,
		"Content-Length": true, "Transfer-Encoding": true,
	}
})

// IsReservedHeader reports whether name is a header the check writes
// itself, which a person cannot set: Host, Upgrade, Connection,
// Content-Length, Transfer-Encoding and every Sec-WebSocket-* header.
func IsReservedHeader(name string) bool {
	n := http.CanonicalHeaderKey(name)
	return reservedHeaders()[n] || strings.HasPrefix(n, "Sec-Websocket-")
}

// HeaderError is an extra header that cannot be sent. Name is empty when
// the name itself is not one (then it is not repeated either: it may hold
// the value typed in the wrong place).
type HeaderError struct {
	Name string
	Why  string
}

func (e *HeaderError) Error() string {
	if e.Name == "" {
		return "header: " + e.Why
	}
	return fmt.Sprintf("header %s: %s", e.Name, e.Why)
}

// CheckHeader is nil when name: value can be sent as an extra header of the
// upgrade and the plain GET: name an RFC 9110 token and not reserved, value
// one line without control characters (tab allowed), at most
// MaxHeaderValue bytes.
func CheckHeader(name, value string) error {
	switch {
	case !httpguts.ValidHeaderFieldName(name):
		return &HeaderError{Why: "the name is not a header name (letters, digits and - only, as in X-Api-Version)"}
	case IsReservedHeader(name):
		return &HeaderError{Name: http.CanonicalHeaderKey(name), Why: "the check sets this header itself; it cannot be changed"}
	case strings.ContainsAny(value, "\r\n\x00"):
		return &HeaderError{Name: http.CanonicalHeaderKey(name), Why: "the value holds a line break or a NUL byte"}
	case !httpguts.ValidHeaderFieldValue(value):
		return &HeaderError{Name: http.CanonicalHeaderKey(name), Why: "the value holds control characters"}
	case len(value) > MaxHeaderValue:
		return &HeaderError{Name: http.CanonicalHeaderKey(name), Why: fmt.Sprintf("the value is longer than %d bytes", MaxHeaderValue)}
	}
	return nil
}

// CheckSubprotocol is nil when p can be offered in Sec-WebSocket-Protocol:
// an RFC 6455 subprotocol is a token (no spaces, commas or quotes).
func CheckSubprotocol(p string) error {
	if !httpguts.ValidHeaderFieldName(p) {
		return fmt.Errorf("subprotocol %q: a subprotocol is one word of letters, digits and - . _ ~ (no spaces, commas or quotes)", cut(p, 64))
	}
	return nil
}

// checkRequestHeaders checks every extra header and subprotocol of o.
func (o Options) checkRequestHeaders() error {
	for name, vs := range o.Headers {
		for _, v := range vs {
			if err := CheckHeader(name, v); err != nil {
				return err
			}
		}
	}
	for _, p := range o.Subprotocols {
		if err := CheckSubprotocol(p); err != nil {
			return err
		}
	}
	return nil
}

// cut is s cut to n bytes, for an error message.
func cut(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
