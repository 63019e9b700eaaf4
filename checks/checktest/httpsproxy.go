package checktest

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"testing"
)

// HTTPSProxy is an in-process forward proxy reached over TLS (an "https://"
// proxy): it answers CONNECT to loopback addresses with 200 and relays
// bytes, and refuses anything else with 403.
type HTTPSProxy struct {
	// Addr is its 127.0.0.1:port.
	Addr string
	ln   net.Listener
	wg   sync.WaitGroup
	mu   sync.Mutex
	conn map[net.Conn]bool
}

// StartHTTPSProxy starts an HTTPS proxy with cert on 127.0.0.1; it stops
// when the test ends.
func StartHTTPSProxy(tb testing.TB, cert tls.Certificate) *HTTPSProxy {
	tb.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
	if err != nil {
		tb.Fatalf("https proxy: %v", err)
	}
	p := &HTTPSProxy{Addr: ln.Addr().String(), ln: ln, conn: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.serve()
	tb.Cleanup(p.Close)
	return p
}

func (p *HTTPSProxy) track(c net.Conn, on bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on && p.conn == nil {
		return false
	}
	if on {
		p.conn[c] = true
	} else if p.conn != nil {
		delete(p.conn, c)
	}
	return true
}

func (p *HTTPSProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c, true) {
			c.Close()
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.track(c, false)
			defer c.Close()
			p.handle(c)
		}()
	}
}

func (p *HTTPSProxy) handle(c net.Conn) {
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	host, _, err := net.SplitHostPort(req.Host)
	ip, ipErr := netip.ParseAddr(host)
	if req.Method != http.MethodConnect || err != nil || ipErr != nil || !ip.IsLoopback() {
		io.WriteString(c, "HTTP/1.1 403 Forbidden\r\nServer: wsdoctor-https-proxy\r\nContent-Length: 9\r\n\r\nforbidden")
		return
	}
	up, err := net.Dial("tcp", req.Host)
	if err != nil {
		io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nServer: wsdoctor-https-proxy\r\nContent-Length: 0\r\n\r\n")
		return
	}
	if !p.track(up, true) {
		up.Close()
		return
	}
	defer p.track(up, false)
	defer up.Close()
	io.WriteString(c, "HTTP/1.1 200 Connection established\r\nServer: wsdoctor-https-proxy\r\n\r\n")
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, br); up.Close(); done <- struct{}{} }()
	go func() { io.Copy(c, up); c.Close(); done <- struct{}{} }()
	<-done
	<-done
}

// Close stops the proxy and every connection it relays, and waits.
func (p *HTTPSProxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	conns := p.conn
	p.conn = nil
	p.mu.Unlock()
	for c := range conns {
		c.Close()
	}
	p.wg.Wait()
}
