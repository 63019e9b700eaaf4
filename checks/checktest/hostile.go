package checktest

import (
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// acceptFor is RFC 6455's Sec-WebSocket-Accept for key.
func acceptFor(key string) string {
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(h[:])
}

// switching is a 101 answer to req, with the extensions line ext if set.
func switching(req *http.Request, ext string) string {
	s := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + acceptFor(req.Header.Get("Sec-Websocket-Key")) + "\r\n"
	if ext != "" {
		s += "Sec-WebSocket-Extensions: " + ext + "\r\n"
	}
	return s
}

// EndlessHeaders starts a server that answers every request with status
// (101 with a right accept for upgrades, when status is 101) and then
// header lines without end, or until limit bytes of them when limit > 0,
// as a hostile server would to fill the client's memory. It returns the
// ws:// URL.
func EndlessHeaders(t testing.TB, status, limit int) string {
	s := listen(t)
	s.serveHTTP(func(c net.Conn, br *bufio.Reader, req *http.Request) {
		head := fmt.Sprintf("HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
		if status == http.StatusSwitchingProtocols {
			head = switching(req, "")
		}
		if _, err := io.WriteString(c, head); err != nil {
			return
		}
		line := []byte("X-Padding: " + strings.Repeat("a", 1000) + "\r\n")
		for sent := 0; limit <= 0 || sent < limit; sent += len(line) {
			if _, err := c.Write(line); err != nil {
				return
			}
		}
		io.WriteString(c, "Content-Length: 0\r\n\r\n")
		finish(c, br)
	})
	return s.url()
}

var (
	bombMu    sync.Mutex
	bombCache = map[int64][]byte{}
)

// deflateBomb is a permessage-deflate payload (RFC 7692: raw deflate, the
// final empty block's 00 00 ff ff left off) that inflates to size zero
// bytes; 1 GiB is about 1 MiB on the wire.
func deflateBomb(size int64) []byte {
	bombMu.Lock()
	defer bombMu.Unlock()
	if b, ok := bombCache[size]; ok {
		return b
	}
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestSpeed)
	zeros := make([]byte, 64<<10)
	for left := size; left > 0; left -= int64(len(zeros)) {
		fw.Write(zeros[:min(left, int64(len(zeros)))])
	}
	fw.Flush()
	b := bytes.TrimSuffix(buf.Bytes(), []byte{0, 0, 0xff, 0xff})
	bombCache[size] = b
	return b
}

// writeCompressed writes payload as one compressed binary message in
// frames of 32 KiB, masked as a client must when mask is set.
func writeCompressed(w io.Writer, payload []byte, mask bool) error {
	const chunk = 32 << 10
	first := true
	for len(payload) > 0 || first {
		n := min(len(payload), chunk)
		p := payload[:n]
		payload = payload[n:]
		var b0 byte
		if first {
			b0 = 0x40 | websocket.BinaryMessage // RSV1: compressed
		}
		if len(payload) == 0 {
			b0 |= 0x80 // FIN
		}
		first = false
		hdr := []byte{b0, 126, 0, 0}
		binary.BigEndian.PutUint16(hdr[2:], uint16(n))
		if mask {
			hdr[1] |= 0x80
			var key [4]byte
			rand.Read(key[:])
			hdr = append(hdr, key[:]...)
			m := make([]byte, n)
			for i := range p {
				m[i] = p[i] ^ key[i%4]
			}
			p = m
		}
		if _, err := w.Write(append(hdr, p...)); err != nil {
			return err
		}
	}
	return nil
}

// DeflateBomb starts a server that completes the upgrade with
// permessage-deflate and sends one message that inflates to size bytes
// (gorilla's read limit counts only the compressed bytes), then waits for
// the client to hang up. It returns the ws:// URL.
func DeflateBomb(t testing.TB, size int64) string {
	bomb := deflateBomb(size)
	s := listen(t)
	s.serveHTTP(func(c net.Conn, br *bufio.Reader, req *http.Request) {
		if !websocket.IsWebSocketUpgrade(req) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
			return
		}
		ext := "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
		if _, err := io.WriteString(c, switching(req, ext)+"\r\n"); err != nil {
			return
		}
		if writeCompressed(c, bomb, false) != nil {
			return
		}
		finish(c, br)
	})
	return s.url()
}

// SendDeflateBomb opens a WebSocket to url offering permessage-deflate and
// sends one message that inflates to size bytes, as a hostile client of
// `wsdoctor serve` would. It returns how the server answered: the error of
// the next read (a close frame, or the connection's end).
func SendDeflateBomb(url string, size int64) error {
	d := websocket.Dialer{EnableCompression: true, HandshakeTimeout: ioTimeout}
	c, _, err := d.Dial(url, nil)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer c.Close()
	nc := c.NetConn()
	nc.SetDeadline(time.Now().Add(ioTimeout))
	// Read while writing: a server that gives up mid-message says so
	// before the rest is written.
	go writeCompressed(nc, deflateBomb(size), true)
	_, _, err = c.ReadMessage()
	return err
}

// InvalidUTF8 starts a server that completes the upgrade, sends a text
// message that is not UTF-8 (browsers close with 1007 on it) and then
// echoes everything. It returns the ws:// URL.
func InvalidUTF8(t testing.TB) string {
	s := listen(t)
	s.serveWS(&upgrader, func(c *websocket.Conn, _ *http.Request) {
		if c.WriteMessage(websocket.TextMessage, []byte("bad \xff\xfe text")) != nil {
			return
		}
		for {
			kind, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if c.WriteMessage(kind, msg) != nil {
				return
			}
		}
	})
	return s.url()
}

// Refuse starts a server that answers every request with status, the
// header lines extra (each "Name: value") and body, as a service asking for
// a login or a hostile server printing what it likes. It returns the ws://
// URL.
func Refuse(t testing.TB, status int, extra []string, body string) string {
	s := listen(t)
	s.serveHTTP(func(c net.Conn, br *bufio.Reader, _ *http.Request) {
		head := fmt.Sprintf("HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
		for _, h := range extra {
			head += h + "\r\n"
		}
		fmt.Fprintf(c, "%sContent-Length: %d\r\nConnection: close\r\n\r\n%s", head, len(body), body)
		finish(c, br)
	})
	return s.url()
}

// AcceptClose starts a server that accepts every connection and closes it
// at once, without reading or answering. It returns the ws:// URL.
func AcceptClose(t testing.TB) string {
	s := listen(t)
	s.serveRaw(func(net.Conn, *bufio.Reader) {})
	return s.url()
}

// NULReply starts a server that answers every request with NUL bytes, as a
// broken middle box or a service on the wrong port might. It returns the
// ws:// URL.
func NULReply(t testing.TB) string {
	s := listen(t)
	s.serveHTTP(func(c net.Conn, br *bufio.Reader, _ *http.Request) {
		c.Write(make([]byte, 64))
		finish(c, br)
	})
	return s.url()
}

// PlainHTTP starts a plain HTTP server that answers well-formed requests
// with 200 and says nothing to anything else (a TLS handshake, say) until
// the client gives up. It returns its host:port.
func PlainHTTP(t testing.TB) string {
	s := listen(t)
	s.serveRaw(func(c net.Conn, br *bufio.Reader) {
		line, err := br.ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "GET ") {
			io.Copy(io.Discard, br) // silent until the client hangs up
			return
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
	})
	return s.ln.Addr().String()
}

// Drip starts a server that answers the upgrade one byte every interval, as
// a very slow or hostile link would. It returns the ws:// URL.
func Drip(t testing.TB, interval time.Duration) string {
	s := listen(t)
	s.serveHTTP(func(c net.Conn, br *bufio.Reader, req *http.Request) {
		answer := switching(req, "") + "\r\n"
		for i := range len(answer) {
			if _, err := c.Write([]byte{answer[i]}); err != nil {
				return
			}
			// Pacing, not waiting for work: a closed connection ends
			// the next write.
			<-time.After(interval)
		}
		finish(c, br)
	})
	return s.url()
}

// ImpossibleFrame starts a server that completes the upgrade and then
// sends a frame whose 64-bit length has its top bit set, which RFC 6455
// (section 5.2) forbids and no client accepts. The upgrade is answered
// properly, so only the frame is wrong. It returns the ws:// URL.
func ImpossibleFrame(t testing.TB) string {
	s := listen(t)
	s.serveHTTP(func(c net.Conn, br *bufio.Reader, req *http.Request) {
		if !websocket.IsWebSocketUpgrade(req) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
			return
		}
		if _, err := io.WriteString(c, switching(req, "")+"\r\n"); err != nil {
			return
		}
		// A binary frame, FIN, length 127: the next eight bytes are the
		// length, here 2^63 + 5.
		c.Write([]byte{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'})
		finish(c, br)
	})
	return s.url()
}

// EndlessFragments starts a server that completes the upgrade and then
// sends one text message in 64 KiB fragments that never end (no frame has
// FIN set), until the client goes away or limit bytes are sent. It
// returns the ws:// URL.
func EndlessFragments(t testing.TB, limit int) string {
	s := listen(t)
	s.serveHTTP(func(c net.Conn, br *bufio.Reader, req *http.Request) {
		if !websocket.IsWebSocketUpgrade(req) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
			return
		}
		if _, err := io.WriteString(c, switching(req, "")+"\r\n"); err != nil {
			return
		}
		// Read (and drop) what the client sends, so its writes never
		// block on a full window.
		go io.Copy(io.Discard, br)
		const size = 64 << 10
		payload := []byte(strings.Repeat("a", size))
		head := []byte{0x01, 127, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.BigEndian.PutUint64(head[2:], size)
		c.SetWriteDeadline(time.Now().Add(ioTimeout))
		for sent := 0; sent < limit; sent += size {
			if _, err := c.Write(append(head, payload...)); err != nil {
				return
			}
			head[0] = 0x00 // continuation frames from now on, never FIN
		}
		c.Close()
	})
	return s.url()
}
