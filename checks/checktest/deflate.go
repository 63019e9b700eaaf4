package checktest

import (
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// DeflateAnswerValid is a permessage-deflate answer RFC 7692 allows that
// gorilla/websocket's client refuses: client_no_context_takeover is left
// out (section 7.1.1.2), so the client may keep its compression context.
const DeflateAnswerValid = "permessage-deflate; server_no_context_takeover"

// DeflateAnswerInvalid breaks RFC 7692: a window of 20 bits (section 7.1.2
// allows 8 to 15), and client_max_window_bits, which a client that did not
// offer it must refuse.
const DeflateAnswerInvalid = "permessage-deflate; client_max_window_bits=20"

// DeflateAnswerInvalidParam is the part of DeflateAnswerInvalid that
// breaks the RFC.
const DeflateAnswerInvalidParam = "client_max_window_bits=20"

// maxDeflateMessage bounds a message the deflate server inflates.
const maxDeflateMessage = 32 << 20

// DeflateServer is a WebSocket echo server written by hand that answers a
// permessage-deflate offer with answer, inflates the compressed messages it
// gets (keeping the client's context unless the answer has
// client_no_context_takeover) and echoes each one compressed, with a fresh
// context each time (server_no_context_takeover). Requests that offer no compression get no extension. It
// returns the server's ws:// URL.
func DeflateServer(tb testing.TB, answer string) string {
	tb.Helper()
	s := listen(tb)
	s.serveHTTP(func(c net.Conn, br *bufio.Reader, req *http.Request) {
		key := req.Header.Get("Sec-Websocket-Key")
		if key == "" {
			io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			return
		}
		h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
			base64.StdEncoding.EncodeToString(h[:]) + "\r\n"
		deflate := strings.Contains(strings.ToLower(strings.Join(req.Header.Values("Sec-Websocket-Extensions"), ",")), "permessage-deflate")
		if deflate {
			resp += "Sec-WebSocket-Extensions: " + answer + "\r\n"
		}
		if _, err := io.WriteString(c, resp+"\r\n"); err != nil {
			return
		}
		takeover := deflate && !strings.Contains(answer, "client_no_context_takeover")
		echoFrames(c, br, deflate, takeover)
	})
	return s.url()
}

// echoFrames echoes the client's messages until it closes: a close frame
// is answered with the same code.
func echoFrames(c net.Conn, br *bufio.Reader, deflate, takeover bool) {
	var (
		history []byte // the client's last 32 KiB, its compression context
		msg     []byte
		op      byte
		packed  bool
	)
	for {
		fin, rsv1, opcode, payload, err := readClientFrame(br)
		if err != nil {
			return
		}
		switch {
		case opcode == 0x8: // close
			writeServerFrame(c, 0x8, payload)
			return
		case opcode == 0x9: // ping
			writeServerFrame(c, 0xA, payload)
			continue
		case opcode == 0xA:
			continue
		case opcode != 0:
			op, packed, msg = opcode, rsv1, nil
		}
		msg = append(msg, payload...)
		if len(msg) > maxDeflateMessage {
			writeServerFrame(c, 0x8, []byte{0x03, 0xF1}) // 1009
			return
		}
		if !fin {
			continue
		}
		if packed {
			if !deflate {
				return
			}
			var dict []byte
			if takeover {
				dict = history
			}
			fr := flate.NewReaderDict(io.MultiReader(bytes.NewReader(msg), bytes.NewReader([]byte{0, 0, 0xff, 0xff})), dict)
			out, err := io.ReadAll(io.LimitReader(fr, maxDeflateMessage))
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
				return
			}
			msg = out
		}
		if takeover {
			history = append(history, msg...)
			if len(history) > 32<<10 {
				history = append([]byte(nil), history[len(history)-32<<10:]...)
			}
		}
		if deflate && (op == 0x1 || op == 0x2) {
			err = writeDeflatedFrame(c, op, msg)
		} else {
			err = writeServerFrame(c, op, msg)
		}
		if err != nil {
			return
		}
	}
}

// writeDeflatedFrame writes one compressed message, with a fresh context
// (server_no_context_takeover), as RFC 7692 section 7.2.1 builds it.
func writeDeflatedFrame(w io.Writer, opcode byte, msg []byte) error {
	var b bytes.Buffer
	fw, err := flate.NewWriter(&b, flate.BestSpeed)
	if err != nil {
		return err
	}
	fw.Write(msg)
	fw.Flush()
	data := bytes.TrimSuffix(b.Bytes(), []byte{0, 0, 0xff, 0xff})
	return writeServerFrame(w, 0x40|opcode, data)
}

// readClientFrame reads one masked client frame.
func readClientFrame(br *bufio.Reader) (fin, rsv1 bool, opcode byte, payload []byte, err error) {
	var h [2]byte
	if _, err = io.ReadFull(br, h[:]); err != nil {
		return
	}
	fin, rsv1, opcode = h[0]&0x80 != 0, h[0]&0x40 != 0, h[0]&0x0F
	n := uint64(h[1] & 0x7F)
	switch n {
	case 126:
		var b [2]byte
		if _, err = io.ReadFull(br, b[:]); err != nil {
			return
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err = io.ReadFull(br, b[:]); err != nil {
			return
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	if n > maxDeflateMessage {
		err = errors.New("frame too large")
		return
	}
	var mask [4]byte
	if h[1]&0x80 != 0 {
		if _, err = io.ReadFull(br, mask[:]); err != nil {
			return
		}
	}
	payload = make([]byte, n)
	if _, err = io.ReadFull(br, payload); err != nil {
		return
	}
	for i := range payload {
		payload[i] ^= mask[i%4]
	}
	return
}

// writeServerFrame writes one unmasked, final frame; opcode may carry RSV1
// (0x40).
func writeServerFrame(w io.Writer, opcode byte, payload []byte) error {
	hdr := []byte{0x80 | opcode}
	switch n := len(payload); {
	case n < 126:
		hdr = append(hdr, byte(n))
	case n <= 0xFFFF:
		hdr = append(hdr, 126, byte(n>>8), byte(n))
	default:
		hdr = binary.BigEndian.AppendUint64(append(hdr, 127), uint64(n))
	}
	_, err := w.Write(append(hdr, payload...))
	return err
}
