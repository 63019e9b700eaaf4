//go:build unix

package netenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// echoServer is a TCP echo server on 127.0.0.1, the far end of the
// tunnels.
func echoServer(t *testing.T) (addr string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Go(func() { io.Copy(c, c); c.Close() })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String(), ln.Addr().(*net.TCPAddr).Port
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int { return checktest.FreePort(t) }

func roundTrip(t *testing.T, c net.Conn) {
	t.Helper()
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "hello through the proxy"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len("hello through the proxy"))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello through the proxy" {
		t.Fatalf("echo %q %v", buf, err)
	}
}

type dialCase struct {
	name   string
	proxy  *url.URL
	target string
	// code is the ProxyError code wanted, "" for a working tunnel.
	code     string
	status   string // a prefix of the status wanted
	auth     string // a fragment of Proxy-Authenticate wanted
	server   string // a fragment of Server/Via wanted
	bodyPart string
}

func runDialCases(t *testing.T, pd *ProxyDialer, cases []dialCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, tun, err := pd.DialVia(ctx, tc.proxy, tc.target)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("tunnel failed: %v", err)
				}
				if !strings.HasPrefix(tun.Status, tc.status) || !strings.Contains(tun.Server+" "+tun.Via, tc.server) {
					t.Errorf("tunnel %+v", tun)
				}
				roundTrip(t, c)
				return
			}
			var pe *ProxyError
			if !errors.As(err, &pe) {
				if c != nil {
					c.Close()
				}
				t.Fatalf("got %v, want a ProxyError %s", err, tc.code)
			}
			if pe.Code != tc.code || !strings.HasPrefix(pe.Status, tc.status) {
				t.Errorf("code %s status %q, want %s %q (%v)", pe.Code, pe.Status, tc.code, tc.status, err)
			}
			if tc.auth != "" && !strings.Contains(strings.Join(pe.Authenticate, ","), tc.auth) {
				t.Errorf("Proxy-Authenticate %q, want %q", pe.Authenticate, tc.auth)
			}
			if !strings.Contains(pe.Server+" "+pe.Via, tc.server) {
				t.Errorf("server %q via %q, want %q", pe.Server, pe.Via, tc.server)
			}
			if !strings.Contains(pe.Body, tc.bodyPart) {
				t.Errorf("body %q, want %q", pe.Body, tc.bodyPart)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("password in error: %v", err)
			}
		})
	}
}

func TestDialTinyproxy(t *testing.T) {
	target, port := echoServer(t)
	other := "127.0.0.1:" + strconv.Itoa(closedPort(t))
	open := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{ConnectPorts: []int{port}})
	auth := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{Auth: checktest.ProxyAuth{User: "alice", Pass: "s3cret"}})
	var phases []string
	var mu sync.Mutex
	pd := &ProxyDialer{Phase: func(name string) func() {
		mu.Lock()
		phases = append(phases, name)
		mu.Unlock()
		return func() {}
	}}
	runDialCases(t, pd, []dialCase{
		{name: "connect allowed", proxy: open.URL("http", "", ""), target: target, status: "200", server: "tinyproxy"},
		{name: "connect to a refused port", proxy: open.URL("http", "", ""), target: other, code: CodeProxyRefusedConnect, status: "403", bodyPart: "ccess"},
		{name: "407 without credentials", proxy: auth.URL("http", "", ""), target: target, code: CodeProxyAuthRequired, status: "407", auth: "Basic"},
		// tinyproxy answers wrong credentials 401, not 407.
		{name: "401 with wrong credentials", proxy: auth.URL("http", "alice", "wrong"), target: target, code: CodeProxyAuthRequired, status: "401"},
		{name: "credentials from the URL", proxy: auth.URL("http", "alice", "s3cret"), target: target, status: "200"},
	})
	mu.Lock()
	defer mu.Unlock()
	if len(phases) < 2 || phases[0] != "connect" || phases[1] != "proxy" {
		t.Errorf("phases %q", phases)
	}
}

func TestDialSquid(t *testing.T) {
	target, _ := echoServer(t)
	denied := closedPort(t)
	open := checktest.StartSquid(t, checktest.SquidOptions{DenyConnectPorts: []int{denied}})
	auth := checktest.StartSquid(t, checktest.SquidOptions{Auth: checktest.ProxyAuth{User: "alice", Pass: "s3cret"}})
	pd := &ProxyDialer{}
	runDialCases(t, pd, []dialCase{
		{name: "connect allowed", proxy: open.URL("http", "", ""), target: target, status: "200"},
		{name: "connect refused 403", proxy: open.URL("http", "", ""), target: "127.0.0.1:" + strconv.Itoa(denied), code: CodeProxyRefusedConnect, status: "403", server: "squid", bodyPart: "ERROR"},
		{name: "407 Basic", proxy: auth.URL("http", "", ""), target: target, code: CodeProxyAuthRequired, status: "407", auth: `Basic realm="wsdoctor-test"`, server: "squid"},
		{name: "authenticated", proxy: auth.URL("http", "alice", "s3cret"), target: target, status: "200"},
	})
}

func TestDialMicrosocks(t *testing.T) {
	target, _ := echoServer(t)
	closed := "127.0.0.1:" + strconv.Itoa(closedPort(t))
	open := checktest.StartMicrosocks(t, checktest.ProxyAuth{})
	auth := checktest.StartMicrosocks(t, checktest.ProxyAuth{User: "alice", Pass: "s3cret"})
	runDialCases(t, &ProxyDialer{}, []dialCase{
		{name: "socks5", proxy: open.URL("socks5", "", ""), target: target, status: "succeeded"},
		{name: "socks5h by name", proxy: open.URL("socks5h", "", ""), target: "localhost:" + strings.Split(target, ":")[1], status: "succeeded"},
		{name: "socks5 closed target", proxy: open.URL("socks5", "", ""), target: closed, code: CodeProxyRefusedConnect, status: "connection refused"},
		{name: "auth needed, none given", proxy: auth.URL("socks5", "", ""), target: target, code: CodeProxyAuthRequired},
		{name: "wrong password", proxy: auth.URL("socks5", "alice", "wrong"), target: target, code: CodeProxyAuthRequired},
		{name: "user and password", proxy: auth.URL("socks5", "alice", "s3cret"), target: target, status: "succeeded"},
	})
}

func TestDialHTTPSProxy(t *testing.T) {
	target, _ := echoServer(t)
	ca := checktest.NewCA(t)
	p := checktest.StartHTTPSProxy(t, ca.Valid(t))
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	trusting := &ProxyDialer{TLSConfig: func(host string) *tls.Config { return &tls.Config{ServerName: host, RootCAs: roots} }}
	u := &url.URL{Scheme: "https", Host: p.Addr}
	runDialCases(t, trusting, []dialCase{
		{name: "tls then connect", proxy: u, target: target, status: "200", server: "wsdoctor-https-proxy"},
		{name: "connect refused", proxy: u, target: "192.0.2.1:443", code: CodeProxyRefusedConnect, status: "403", bodyPart: "forbidden"},
	})
	runDialCases(t, &ProxyDialer{}, []dialCase{
		{name: "untrusted proxy certificate", proxy: u, target: target, code: CodeProxyUnreachable},
	})
}

func TestDialProxyFailures(t *testing.T) {
	target, _ := echoServer(t)
	dead := &url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(closedPort(t))}
	runDialCases(t, &ProxyDialer{}, []dialCase{
		{name: "nothing listens", proxy: dead, target: target, code: CodeProxyUnreachable},
		{name: "unsupported scheme", proxy: &url.URL{Scheme: "ftp", Host: "127.0.0.1:1"}, target: target, code: CodeProxyUnreachable},
	})

	// A proxy that accepts and never answers is cut off when ctx ends.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	})
	defer func() {
		ln.Close()
		wg.Wait()
		for _, c := range held {
			c.Close()
		}
	}()
	for _, scheme := range []string{"http", "socks5", "socks4"} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		_, _, err := (&ProxyDialer{}).DialVia(ctx, &url.URL{Scheme: scheme, Host: ln.Addr().String()}, target)
		cancel()
		var pe *ProxyError
		if !errors.As(err, &pe) || pe.Code != CodeProxyError || pe.Stage != "handshake" {
			t.Errorf("%s silent proxy: %v", scheme, err)
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("%s silent proxy took %s", scheme, took)
		}
	}
}
