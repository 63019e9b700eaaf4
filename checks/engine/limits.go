package engine

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gorilla/websocket"

	"codeberg.org/wsdoctor/wsdoctor/checks/internal/wslimit"
)

// MaxResponseHeaderBytes bounds the header block of an answer to the upgrade
// or the plain GET, as Go's own HTTP client bounds it. Browsers give up at
// about this size too (Chrome at 256 KiB), so a longer block is a server that
// does not do WebSocket as a browser sees it, not a blocked port.
const MaxResponseHeaderBytes = 64 << 10

// handshakeReadSlack is what may be read past the header block before it is
// parsed: gorilla's 4 KiB read buffer and the 1 KiB of a refusal's body.
const handshakeReadSlack = 8 << 10

// MaxConnRead bounds everything the checker reads from one WebSocket after
// the handshake, counted after inflation. The echo probe gets about 130 KiB
// back; the idle test only pongs.
const MaxConnRead = 16 << 20

// Codes of hostile answers, given by Classify.
const (
	// CodeHeadersTooLarge: the answer's header block was larger than
	// MaxResponseHeaderBytes.
	CodeHeadersTooLarge = "headers_too_large"
	// CodeMessageTooLarge: a WebSocket message, once inflated, was larger
	// than the probe allows, or the connection sent more than MaxConnRead.
	CodeMessageTooLarge = "message_too_large"
	// CodeInvalidUTF8: a text message was not valid UTF-8; browsers close
	// the connection with 1007 on it.
	CodeInvalidUTF8 = "invalid_utf8"
)

// ErrHeadersTooLarge is an answer whose header block passed
// MaxResponseHeaderBytes.
var ErrHeadersTooLarge = fmt.Errorf("the answer's headers are larger than %d KiB", MaxResponseHeaderBytes>>10)

// ErrMessageTooLarge is a WebSocket message (or the sum of a connection's
// messages) larger than allowed, counted after permessage-deflate inflation.
var ErrMessageTooLarge = wslimit.ErrTooLarge

// ErrInvalidUTF8 is a text message that is not valid UTF-8 (RFC 6455
// section 8.1): a browser fails the connection with close code 1007.
var ErrInvalidUTF8 = wslimit.ErrInvalidUTF8

// newMsgReader bounds ws's reads after inflation: perMsg per message,
// perConn for the connection.
func newMsgReader(ws *websocket.Conn, perMsg, perConn int64) *wslimit.Reader {
	return wslimit.New(ws, perMsg, perConn)
}

// classifyHostile is Classify for the answers of a hostile or broken peer.
func classifyHostile(err error) string {
	switch {
	case errors.Is(err, ErrHeadersTooLarge):
		return CodeHeadersTooLarge
	case errors.Is(err, ErrMessageTooLarge), errors.Is(err, websocket.ErrReadLimit):
		// gorilla's own limit: a message past the connection's read
		// limit, fragments that never end, or a frame whose length no
		// client accepts (the top bit of a 64-bit length set).
		return CodeMessageTooLarge
	case errors.Is(err, ErrInvalidUTF8):
		return CodeInvalidUTF8
	case strings.Contains(err.Error(), "server response headers exceeded"):
		// net/http's MaxResponseHeaderBytes, as a plain error.
		return CodeHeadersTooLarge
	}
	return ""
}
