package checktest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// FrameMode is what a FrameRelay does to the WebSocket frames it passes.
type FrameMode int

const (
	// FlipRSV1 sets the RSV1 bit on every frame from the server after the
	// handshake, as a broken web shield does.
	FlipRSV1 FrameMode = iota
	// AlterAbove changes one byte of every server message longer than
	// Limit bytes (the byte at offset Limit).
	AlterAbove
	// Close1009Above answers a client message longer than Limit bytes with
	// a close frame 1009 (message too big) and ends the connection, as a
	// proxy with a message size limit does.
	Close1009Above
	// DropAbove silently drops client messages longer than Limit bytes
	// and passes everything else.
	DropAbove
)

// maxRelayMessage bounds a message a FrameRelay holds back.
const maxRelayMessage = 32 << 20

// FrameRelay starts a relay on loopback to the WebSocket server at target
// (host:port) that reads the frames both ways and treats them as mode says
// (limit in bytes for the size modes). It drops the client's
// Sec-WebSocket-Extensions so that frames go uncompressed. It returns the
// relay's ws:// URL for path.
func FrameRelay(tb testing.TB, target, path string, mode FrameMode, limit int) string {
	tb.Helper()
	s := listen(tb)
	s.serveRaw(func(c net.Conn, br *bufio.Reader) {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		up, err := net.DialTimeout("tcp", target, 5*time.Second)
		if err != nil {
			return
		}
		defer up.Close()
		up.SetDeadline(time.Now().Add(ioTimeout))
		req.Header.Del("Sec-Websocket-Extensions")
		if req.Write(up) != nil {
			return
		}
		ubr := bufio.NewReader(up)
		// The answer's head, passed on as it is.
		var head bytes.Buffer
		for {
			line, err := ubr.ReadString('\n')
			if err != nil {
				return
			}
			head.WriteString(line)
			if line == "\r\n" {
				break
			}
		}
		if _, err := c.Write(head.Bytes()); err != nil || !strings.Contains(head.String(), " 101 ") {
			return
		}
		var wmu sync.Mutex // guards writes to c: both directions may write
		var wg sync.WaitGroup
		wg.Go(func() {
			defer c.Close()
			relayFrames(ubr, func(b []byte) error {
				wmu.Lock()
				defer wmu.Unlock()
				_, err := c.Write(b)
				return err
			}, mode, limit, false, nil)
		})
		relayFrames(br, func(b []byte) error { _, err := up.Write(b); return err }, mode, limit, true, func(b []byte) {
			wmu.Lock()
			c.Write(b)
			wmu.Unlock()
		})
		up.Close()
		wg.Wait()
	})
	return "ws://" + s.ln.Addr().String() + path
}

// relayFrame is one frame as read: its header bytes and payload (still
// masked when fromClient).
type relayFrame struct {
	head    []byte
	payload []byte
	fin     bool
	opcode  byte
}

func readRelayFrame(br *bufio.Reader) (relayFrame, error) {
	var f relayFrame
	h := make([]byte, 2, 14)
	if _, err := io.ReadFull(br, h); err != nil {
		return f, err
	}
	n := uint64(h[1] & 0x7F)
	switch n {
	case 126:
		ext := make([]byte, 2)
		if _, err := io.ReadFull(br, ext); err != nil {
			return f, err
		}
		h = append(h, ext...)
		n = uint64(binary.BigEndian.Uint16(ext))
	case 127:
		ext := make([]byte, 8)
		if _, err := io.ReadFull(br, ext); err != nil {
			return f, err
		}
		h = append(h, ext...)
		n = binary.BigEndian.Uint64(ext)
	}
	if n > maxRelayMessage {
		return f, io.ErrShortBuffer
	}
	if h[1]&0x80 != 0 {
		mask := make([]byte, 4)
		if _, err := io.ReadFull(br, mask); err != nil {
			return f, err
		}
		h = append(h, mask...)
	}
	f.payload = make([]byte, n)
	if _, err := io.ReadFull(br, f.payload); err != nil {
		return f, err
	}
	f.head, f.fin, f.opcode = h, h[0]&0x80 != 0, h[0]&0x0F
	return f, nil
}

func (f relayFrame) bytes() []byte { return append(append([]byte(nil), f.head...), f.payload...) }

// relayFrames passes frames from br to write, treating them as mode says;
// fromClient says which direction this is. reply writes to the client.
func relayFrames(br *bufio.Reader, write func([]byte) error, mode FrameMode, limit int, fromClient bool, reply func([]byte)) {
	var held []relayFrame // a client message held back until its size is known
	heldLen := 0
	msgLen := 0 // payload bytes of the server's current message so far
	for {
		f, err := readRelayFrame(br)
		if err != nil {
			return
		}
		control := f.opcode >= 0x8
		switch {
		case !fromClient && mode == FlipRSV1:
			f.head[0] |= 0x40
		case !fromClient && mode == AlterAbove && !control:
			if f.opcode != 0 {
				msgLen = 0
			}
			if at := limit - msgLen; at >= 0 && at < len(f.payload) {
				f.payload[at] ^= 0x01
			}
			msgLen += len(f.payload)
		case fromClient && (mode == Close1009Above || mode == DropAbove) && !control:
			held = append(held, f)
			heldLen += len(f.payload)
			if heldLen > maxRelayMessage {
				return
			}
			if !f.fin {
				continue
			}
			if heldLen > limit {
				held, heldLen = nil, 0
				if mode == Close1009Above {
					reply([]byte{0x88, 0x02, 0x03, 0xF1})
					return
				}
				continue // dropped, without a word
			}
			for _, h := range held {
				if write(h.bytes()) != nil {
					return
				}
			}
			held, heldLen = nil, 0
			continue
		}
		if write(f.bytes()) != nil {
			return
		}
	}
}
