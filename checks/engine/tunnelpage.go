package engine

import (
	"bytes"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxTunnelPage bounds what is kept of an answer that came into a tunnel
// instead of the service's: enough for a block page's title and words.
const maxTunnelPage = 4 << 10

// tunnelPageWait is how long, after a TLS handshake got something else
// back, the rest of that answer is waited for: it was sent at once, so it
// is already here or on its way.
const tunnelPageWait = 300 * time.Millisecond

// peekConn keeps the first bytes read from a connection, up to
// maxTunnelPage: when the answer is not the service's (an HTML page where a
// TLS handshake or a 101 should be), they say who answered.
type peekConn struct {
	net.Conn
	mu   sync.Mutex
	head []byte
}

func (c *peekConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if room := maxTunnelPage - len(c.head); room > 0 {
			c.head = append(c.head, p[:min(n, room)]...)
		}
		c.mu.Unlock()
	}
	return n, err
}

// bytes is a copy of what was kept.
func (c *peekConn) bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.head...)
}

// fill reads what is still coming, up to maxTunnelPage in all, for at most
// wait: called only once the connection is given up.
func (c *peekConn) fill(wait time.Duration) {
	c.Conn.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, 1024)
	for len(c.bytes()) < maxTunnelPage {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// looksTLS reports whether b starts like a TLS record (handshake, alert or
// change cipher spec, version 3.x).
func looksTLS(b []byte) bool {
	return len(b) >= 2 && (b[0] == 0x15 || b[0] == 0x16 || b[0] == 0x14) && b[1] == 3
}

// looksHTTP reports whether b starts like an HTTP/1 response.
func looksHTTP(b []byte) bool {
	return bytes.HasPrefix(b, []byte("HTTP/"))
}

// tunnelAnswerEvidence keeps an answer that came into an open tunnel where
// the service's TLS handshake or HTTP answer should have: "tunnel_answer"
// (its start, as text), "tunnel_answer_bytes", "tunnel_title" (an HTML
// page's title) and "tunnel_server" (a Server line, when the page came with
// HTTP headers of its own after a non-HTTP start).
func tunnelAnswerEvidence(e *Evidence, head []byte) {
	if len(head) == 0 {
		return
	}
	e.Set("tunnel_answer_bytes", strconv.Itoa(len(head)))
	e.Set(KeyTunnelAnswer, clip(printable(head), maxUpgradeBody))
	body := head
	// A page with its own headers: skip them, keep its Server.
	if i := bytes.Index(head, []byte("\r\n\r\n")); i > 0 {
		for _, line := range strings.Split(string(head[:i]), "\r\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Server") {
				e.Set("tunnel_server", clip(strings.TrimSpace(v), maxHeaderValue))
			}
		}
		body = head[i+4:]
	}
	if isHTML(http.Header{}, body) || bytes.Contains(bytes.ToLower(body), []byte("<title")) {
		if t := htmlTitle(body); t != "" {
			e.Set(KeyTunnelTitle, t)
		}
	}
}

// printable is b as one line of text: control bytes as spaces.
func printable(b []byte) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(b), "\uFFFD"))), " ")
}

// tunnelAnswer keeps, for a handshake through a proxy's tunnel that got
// neither a TLS handshake nor an HTTP answer back, what came instead (see
// tunnelAnswerEvidence): the proxy opened the tunnel, then answered
// itself, most often with a block page.
func (r *ProbeRun) tunnelAnswer(e *Evidence, hd wsDial, resp *http.Response) {
	r.mu.Lock()
	via := r.viaProxy
	r.mu.Unlock()
	if !via || resp != nil || hd.peek == nil {
		return
	}
	head := hd.peek.bytes()
	switch {
	case hd.reached == "tls" && !looksTLS(head):
	case hd.reached == "response" && !r.Target.Secure() && !looksHTTP(head):
	default:
		return
	}
	tunnelAnswerEvidence(e, head)
}
