package engine

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// plainLookTimeout bounds the plain HTTP look the tls probe takes when the
// certificate is for another name: a portal answers at once.
const plainLookTimeout = 2 * time.Second

// maxPlainLookBody bounds what is read of that answer: a title is near the
// top of a page.
const maxPlainLookBody = 16 << 10

// plainHTTPLook asks http://host/ (port 80) directly, without following a
// redirect, when the certificate the tls probe saw is not for the host: a
// network sign-in page (captive portal) sends plain HTTP on to itself,
// where a server with a wrong certificate does not. Evidence:
// "plain_http_status", "plain_http_location", "plain_http_title", or
// "plain_http_error". Nothing is asked through a proxy.
func (r *ProbeRun) plainHTTPLook(ctx context.Context, e *Evidence) {
	if !r.Route().Direct() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, plainLookTimeout)
	defer cancel()
	addr := net.JoinHostPort(r.Target.Host, "80")
	if as := r.Addrs(); len(as) > 0 {
		addr = net.JoinHostPort(as[0].String(), "80")
	}
	resp, body, err := plainGet(ctx, r.Dial, addr, r.Target.Host)
	if err != nil {
		e.Set("plain_http_error", Classify(err))
		return
	}
	e.Set(KeyPlainHTTPStatus, strconv.Itoa(resp.StatusCode))
	setHeader(e, "plain_http_location", resp.Header, "Location")
	if isHTML(resp.Header, body) {
		if t := htmlTitle(body); t != "" {
			e.Set(KeyPlainHTTPTitle, t)
		}
	}
}

// plainGet sends GET / for host to addr over plain HTTP/1.1 and reads the
// answer's head and the start of its body, all within ctx.
func plainGet(ctx context.Context, dial DialFunc, addr, host string) (*http.Response, []byte, error) {
	c, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("plain http: %w", err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	req := "GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: wsdoctor\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		return nil, nil, fmt.Errorf("plain http: %w", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("plain http: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxPlainLookBody))
	return resp, body, nil
}
