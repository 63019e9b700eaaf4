// Package wslimit reads WebSocket messages with bounds counted after
// permessage-deflate inflation. gorilla's SetReadLimit counts compressed
// frame bytes, so one message of 1 MiB on the wire can inflate to a
// gigabyte; both the checker and the reference server read through here.
package wslimit

import (
	"errors"
	"io"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// closeWait bounds the write of the closing frame sent past a bound.
const closeWait = 100 * time.Millisecond

// ErrTooLarge is a message (or the sum of a connection's messages) larger
// than allowed, counted after inflation.
var ErrTooLarge = errors.New("the peer sent a WebSocket message larger than allowed (counted after decompression)")

// ErrInvalidUTF8 is a text message that is not valid UTF-8 (RFC 6455
// section 8.1): browsers fail the connection with close code 1007.
var ErrInvalidUTF8 = errors.New("the peer sent a text message that is not valid UTF-8; a browser closes the connection on it (1007)")

// Reader reads whole messages from one connection: at most PerMsg bytes
// each and PerConn in all, after inflation.
type Reader struct {
	ws      *websocket.Conn
	perMsg  int64
	perConn int64
	total   int64
}

// New bounds ws's reads. The wire limit is set to perMsg as well, so a frame
// announcing more is refused before anything is read.
func New(ws *websocket.Conn, perMsg, perConn int64) *Reader {
	ws.SetReadLimit(perMsg)
	return &Reader{ws: ws, perMsg: perMsg, perConn: perConn}
}

// Next reads one message like ws.ReadMessage. Past a bound the connection
// is closed with 1009 (message too big) and the error is ErrTooLarge; a
// text message that is not UTF-8 closes it with 1007 and ErrInvalidUTF8.
func (r *Reader) Next() (int, []byte, error) {
	kind, mr, err := r.ws.NextReader()
	if err != nil {
		return kind, nil, err
	}
	limit := min(r.perMsg, max(r.perConn-r.total, 0))
	b, err := io.ReadAll(io.LimitReader(mr, limit+1))
	r.total += int64(len(b))
	if err != nil {
		return kind, nil, err
	}
	if int64(len(b)) > limit {
		r.close(websocket.CloseMessageTooBig)
		return kind, nil, ErrTooLarge
	}
	if kind == websocket.TextMessage && !utf8.Valid(b) {
		r.close(websocket.CloseInvalidFramePayloadData)
		return kind, nil, ErrInvalidUTF8
	}
	return kind, b, nil
}

// close says goodbye with code, within closeWait, and closes.
func (r *Reader) close(code int) {
	r.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(closeWait))
	r.ws.Close()
}
