package checktest

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// PortalHost is the name of the test's captive portal: its redirects go
// there and its certificate is for it.
const PortalHost = "login.portal.test"

// PortalTitle is the title of the portal's sign-in page.
const PortalTitle = "Guest Wi-Fi - Sign in"

// portalPage is the sign-in page a guest network shows.
const portalPage = `<!DOCTYPE html><html><head><title>` + PortalTitle + `</title></head>
<body><h1>Welcome to Guest Wi-Fi</h1><form method="post" action="/portal/login">
<label>Room number <input name="room"></label><label>Last name <input name="name"></label>
<input type="checkbox" name="terms"> I accept the terms of use <button>Connect</button></form></body></html>`

// PortalHandler answers every request as a captive portal does: 302 Found
// to http://PortalHost/portal?continue=<the address asked for>, with the
// sign-in page as the body.
func PortalHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		asked := scheme + "://" + r.Host + r.URL.RequestURI()
		w.Header().Set("Location", "http://"+PortalHost+"/portal?continue="+url.QueryEscape(asked))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusFound)
		io.WriteString(w, portalPage)
	})
}

// ServePortal serves PortalHandler on ln (over TLS with cert, unless it
// is the zero value) until the test ends.
func ServePortal(tb testing.TB, ln net.Listener, cert tls.Certificate) {
	tb.Helper()
	if cert.Certificate != nil {
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}})
	}
	srv := &http.Server{Handler: PortalHandler(), ReadHeaderTimeout: 5 * time.Second, ErrorLog: discardLog()}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ln) }()
	tb.Cleanup(func() { srv.Close(); <-done })
}

// BlockPageTitle is the title of the page TunnelBlockProxy sends into its
// tunnels.
const BlockPageTitle = "Access denied by company policy"

// BlockProxyServer is the Server header of TunnelBlockProxy's answer to
// CONNECT.
const BlockProxyServer = "FilterBox/2.1"

const blockPage = `<!DOCTYPE html>
<html><head><title>` + BlockPageTitle + `</title></head>
<body><h1>Access denied</h1><p>The site you asked for is not allowed by company policy.
Ask the help desk if you need it for your work.</p><p>FilterBox web gateway</p></body></html>
`

// TunnelBlockProxy starts a forward proxy on loopback that answers every
// CONNECT with 200, then, once the client has sent its first bytes into
// the tunnel (a TLS handshake or a WebSocket upgrade), answers them itself
// with an HTML page (no HTTP head) and closes: what some web filters do
// in place of the site. It returns the proxy's address.
func TunnelBlockProxy(tb testing.TB) string {
	tb.Helper()
	return tunnelBlockProxy(tb, "", blockPage)
}

// TunnelBlockProxyLike is TunnelBlockProxy answering as a product does:
// its answer to CONNECT carries header too (a "Name: value" line, such as
// a product's Via), and the page it sends into the tunnel has this title.
func TunnelBlockProxyLike(tb testing.TB, header, title string) string {
	tb.Helper()
	return tunnelBlockProxy(tb, header+"\r\n", strings.Replace(blockPage, BlockPageTitle, title, 1))
}

func tunnelBlockProxy(tb testing.TB, header, page string) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { mu.Lock(); delete(conns, c); mu.Unlock(); c.Close() }()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				br := bufio.NewReader(c)
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				if req.Method != http.MethodConnect {
					fmt.Fprintf(c, "HTTP/1.1 405 Method Not Allowed\r\nServer: %s\r\nContent-Length: 0\r\n\r\n", BlockProxyServer)
					return
				}
				fmt.Fprintf(c, "HTTP/1.1 200 Connection established\r\nServer: %s\r\n%s\r\n", BlockProxyServer, header)
				// Wait for what the client sends into the tunnel.
				if _, err := br.Peek(1); err != nil {
					return
				}
				io.WriteString(c, page)
			}()
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// discardLog keeps net/http's complaints about clients that hang up (the
// check's probes do, on purpose) out of the test output.
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

// DyingProxy starts a forward proxy on loopback that relays the first
// tunnels CONNECTs to their targets and then goes away, as a proxy that
// crashes or restarts in the middle of a check: its listener closes, so
// the next connection to it is refused. Open tunnels keep working until
// their ends close. It returns the proxy's address.
func DyingProxy(tb testing.TB, tunnels int) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	track := func(c net.Conn, add bool) {
		mu.Lock()
		defer mu.Unlock()
		if add {
			open[c] = true
		} else {
			delete(open, c)
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for served := 0; served < tunnels; served++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			track(c, true)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { track(c, false); c.Close() }()
				c.SetDeadline(time.Now().Add(30 * time.Second))
				br := bufio.NewReader(c)
				req, err := http.ReadRequest(br)
				if err != nil || req.Method != http.MethodConnect {
					return
				}
				up, err := net.DialTimeout("tcp", req.Host, 5*time.Second)
				if err != nil {
					io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
					return
				}
				track(up, true)
				defer func() { track(up, false); up.Close() }()
				io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
				done := make(chan struct{}, 2)
				go func() { io.Copy(up, br); done <- struct{}{} }()
				go func() { io.Copy(c, up); done <- struct{}{} }()
				<-done
			}()
		}
		ln.Close()
	}()
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range open {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}
