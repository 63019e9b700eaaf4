package engine_test

import (
	"bufio"
	"context"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// One clock for the whole run: whatever a server does (say nothing, trickle
// a byte at a time, send without end), every stage of every probe ends with
// the run's deadline or its cancellation, within a second. The promise is
// deadline + 1 s; the bound asserted below adds slack for a loaded machine.

// hangServer is a loopback listener whose connections are handled by
// serve until the test ends; it closes them all then.
type hangServer struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	quit  chan struct{}
	wg    sync.WaitGroup
}

func startHang(t *testing.T, useTLS bool, serve func(c net.Conn, br *bufio.Reader, quit <-chan struct{})) *hangServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if useTLS {
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{checktest.SelfSigned(t)}, NextProtos: []string{"http/1.1"}})
	}
	s := &hangServer{ln: ln, quit: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				serve(c, bufio.NewReader(c), s.quit)
			}()
		}
	}()
	t.Cleanup(func() {
		close(s.quit)
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *hangServer) addr() string { return s.ln.Addr().String() }

// silent says nothing and reads nothing until the client goes.
func silent(c net.Conn, br *bufio.Reader, quit <-chan struct{}) {
	<-quit
}

// pace waits d or until the test ends; false means stop.
func pace(d time.Duration, quit <-chan struct{}) bool {
	select {
	case <-quit:
		return false
	case <-time.After(d):
		return true
	}
}

// trickle writes b one byte every 100 ms, then repeats tail forever.
func trickle(c net.Conn, quit <-chan struct{}, b, tail string) {
	for i := 0; ; i++ {
		var ch byte
		if i < len(b) {
			ch = b[i]
		} else {
			ch = tail[(i-len(b))%len(tail)]
		}
		if _, err := c.Write([]byte{ch}); err != nil || !pace(100*time.Millisecond, quit) {
			return
		}
	}
}

// readHead reads one request head.
func readHead(br *bufio.Reader) (*http.Request, bool) {
	req, err := http.ReadRequest(br)
	return req, err == nil
}

func accept(req *http.Request) string {
	h := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
		base64.StdEncoding.EncodeToString(h[:]) + "\r\n\r\n"
}

// switchAll answers every request, a plain GET too, with 101, then nothing:
// the repro of issue 25.
func switchAll(c net.Conn, br *bufio.Reader, quit <-chan struct{}) {
	req, ok := readHead(br)
	if !ok {
		return
	}
	io.WriteString(c, accept(req))
	<-quit
}

// trickleHead answers with a status line and then a header line a byte at
// a time, without end.
func trickleHead(c net.Conn, br *bufio.Reader, quit <-chan struct{}) {
	if _, ok := readHead(br); !ok {
		return
	}
	trickle(c, quit, "HTTP/1.1 200 OK\r\n", "X-Slow: aaaaaaaa\r\n")
}

// endlessBody answers a plain GET with headers and a body a byte at a time,
// and an upgrade properly.
func endlessBody(c net.Conn, br *bufio.Reader, quit <-chan struct{}) {
	req, ok := readHead(br)
	if !ok {
		return
	}
	if req.Header.Get("Upgrade") != "" {
		io.WriteString(c, accept(req))
		<-quit
		return
	}
	io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000000\r\n\r\n")
	trickle(c, quit, "<html>", "a")
}

// endlessFragments upgrades, then sends a text frame without FIN and
// continuation frames without FIN, five a second, without end.
func endlessFragments(c net.Conn, br *bufio.Reader, quit <-chan struct{}) {
	req, ok := readHead(br)
	if !ok {
		return
	}
	if req.Header.Get("Upgrade") == "" {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		<-quit
		return
	}
	io.WriteString(c, accept(req))
	go io.Copy(io.Discard, br)
	c.Write([]byte{0x01, 0x01, 'a'}) // text, no FIN
	for pace(200*time.Millisecond, quit) {
		if _, err := c.Write([]byte{0x00, 0x01, 'a'}); err != nil { // continuation, no FIN
			return
		}
	}
}

// silentProxy takes a CONNECT and never answers it; trickleProxy answers
// a byte at a time, without end.
func trickleProxy(c net.Conn, br *bufio.Reader, quit <-chan struct{}) {
	if _, ok := readHead(br); !ok {
		return
	}
	trickle(c, quit, "HTTP/1.1 200 Connection established\r\n", "X-Slow: a\r\n")
}

// pacServer answers the PAC fetch a byte at a time, without end.
func pacServer(c net.Conn, br *bufio.Reader, quit <-chan struct{}) {
	if _, ok := readHead(br); !ok {
		return
	}
	io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/x-ns-proxy-autoconfig\r\nContent-Length: 100000000\r\n\r\n")
	trickle(c, quit, "function FindProxyForURL(u, h) { return \"DIRECT\"; } //", "a")
}

func TestDeadlineHoldsWhateverTheServerDoes(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: each case runs to its deadline")
	}
	const deadline = 3 * time.Second
	type tc struct {
		name   string
		tls    bool
		serve  func(net.Conn, *bufio.Reader, <-chan struct{})
		proxy  func(net.Conn, *bufio.Reader, <-chan struct{}) // as the proxy, the target is then silent
		pac    bool                                           // the proxy serves a PAC file instead
		cancel bool                                           // Ctrl-C at 1 s instead of the deadline
	}
	cases := []tc{
		{name: "tcp-silent", serve: silent},
		{name: "tls-silent", tls: true, serve: silent},
		{name: "http-head-trickle", serve: trickleHead},
		{name: "tls-http-head-trickle", tls: true, serve: trickleHead},
		{name: "http-101-to-plain-get", serve: switchAll},
		{name: "tls-101-to-plain-get", tls: true, serve: switchAll},
		{name: "http-body-endless", serve: endlessBody},
		{name: "echo-fragments-endless", serve: endlessFragments},
		{name: "proxy-connect-silent", serve: silent, proxy: silent},
		{name: "proxy-connect-trickle", serve: silent, proxy: trickleProxy},
		{name: "pac-fetch-endless", serve: silent, proxy: pacServer, pac: true},
		{name: "http-101-to-plain-get-cancel", serve: switchAll, cancel: true},
		{name: "echo-fragments-endless-cancel", serve: endlessFragments, cancel: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := startHang(t, c.tls, c.serve)
			scheme := "ws://"
			if c.tls {
				scheme = "wss://"
			}
			target, err := engine.ParseTarget(scheme + srv.addr() + "/ws")
			if err != nil {
				t.Fatal(err)
			}
			opts := engine.Options{Deadline: deadline, ProbeTimeout: 2 * time.Second, Insecure: true, Proxy: netenv.Mode{Kind: netenv.ModeDirect}}
			if c.proxy != nil {
				p := startHang(t, false, c.proxy)
				if c.pac {
					opts.Proxy = netenv.PACMode("http://" + p.addr() + "/proxy.pac")
				} else if opts.Proxy, err = netenv.ProxyMode("http://" + p.addr()); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			limit := deadline
			if c.cancel {
				limit = time.Second
				time.AfterFunc(limit, cancel)
				opts.Deadline = time.Minute
			}
			start := time.Now()
			out, err := (&engine.Runner{}).Run(ctx, target, opts)
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			// deadline + 1 s, with generous slack for a loaded machine.
			if took > limit+3*time.Second {
				t.Errorf("the run took %s, past its %s limit; results %+v", took.Round(time.Millisecond), limit, out.Results)
			}
		})
	}
}
