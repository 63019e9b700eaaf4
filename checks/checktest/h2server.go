package checktest

// An HTTP/2 server that invites browsers to open WebSockets over it (RFC
// 8441), as Go's own net/http does with GODEBUG=http2xconnect=1. Go reads
// that setting once, when the program starts, so the server runs in a
// process of its own: this test binary started again with the setting and
// H2ServerEnv in its environment, whose TestMain calls ServeH2IfAsked.

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gorilla/websocket"
)

// H2ServerEnv, set in its environment, makes a test binary whose TestMain
// calls ServeH2IfAsked serve HTTP/2 instead of running its tests. Its
// value is "mode address certfile keyfile".
const H2ServerEnv = "WSDOCTOR_TEST_H2_SERVER"

// The ways the HTTP/2 server answers an extended CONNECT (RFC 8441). Every
// mode but H2Off invites it in its SETTINGS; every mode echoes WebSockets
// opened over HTTP/1.1 (gorilla/websocket).
const (
	// H2Echo: the stream is a WebSocket that echoes, as browsers need.
	H2Echo = "echo"
	// H2Gorilla: the handler is gorilla's Upgrader, which knows only the
	// HTTP/1.1 handshake and answers the CONNECT with a 4xx: the server
	// of golang/go#71128.
	H2Gorilla = "gorilla"
	// H2Reset: the stream is reset (RST_STREAM) instead of answered.
	H2Reset = "reset"
	// H2Plain: HTTP/2 without the invitation (Go's default).
	H2Plain = "plain"
	// H2Off: HTTP/1.1 only (no h2 in ALPN).
	H2Off = "off"
)

// StartH2Server starts the HTTP/2 server in mode (H2Echo, ...) on
// 127.0.0.1 with cert, in a process of its own (see H2ServerEnv), stopped
// when the test ends, and returns its WebSocket address, wss://.../ws.
// The test binary's TestMain must call ServeH2IfAsked first.
func StartH2Server(tb testing.TB, mode string, cert tls.Certificate) string {
	tb.Helper()
	dir := tb.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	var chain []byte
	for _, der := range cert.Certificate {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(certFile, chain, 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600); err != nil {
		tb.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(FreePort(tb))
	cmd := exec.Command(exe, "-test.run=^$")
	godebug := "http2xconnect=1"
	if mode == H2Plain || mode == H2Off {
		godebug = "http2xconnect=0"
	}
	cmd.Env = append(os.Environ(), "GODEBUG="+godebug, fmt.Sprintf("%s=%s %s %s %s", H2ServerEnv, mode, addr, certFile, keyFile))
	startDaemon(tb, cmd, addr, daemonStartTimeout, nil)
	return "wss://" + addr + "/ws"
}

// ServeH2IfAsked serves HTTP/2 and never returns when H2ServerEnv is set
// (see StartH2Server); otherwise it returns at once. A test binary's
// TestMain calls it first.
func ServeH2IfAsked() {
	v := os.Getenv(H2ServerEnv)
	if v == "" {
		return
	}
	var mode, addr, certFile, keyFile string
	if _, err := fmt.Sscan(v, &mode, &addr, &certFile, &keyFile); err != nil {
		fmt.Fprintln(os.Stderr, "h2 server:", err)
		os.Exit(2)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "h2 server:", err)
		os.Exit(2)
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	srv := &http.Server{
		Addr:      addr,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server", "checktest-h2-"+mode)
			if r.Method == http.MethodConnect && r.Header.Get(":protocol") != "" {
				switch mode {
				case H2Reset:
					panic(http.ErrAbortHandler) // RST_STREAM
				case H2Echo:
					echoOverH2(w, r)
					return
				}
			}
			c, err := up.Upgrade(w, r, nil)
			if err != nil {
				return // gorilla answered (a 4xx to an extended CONNECT)
			}
			defer c.Close()
			for {
				t, msg, err := c.ReadMessage()
				if err != nil {
					return
				}
				if c.WriteMessage(t, msg) != nil {
					return
				}
			}
		}),
	}
	if mode == H2Off {
		srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
	}
	err = srv.ListenAndServeTLS("", "")
	fmt.Fprintln(os.Stderr, "h2 server:", err)
	os.Exit(1)
}

// echoOverH2 is a WebSocket on an extended CONNECT stream: 200, then every
// message the client sends comes back, until it closes.
func echoOverH2(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Sec-Websocket-Version") != "13" {
		http.Error(w, "sec-websocket-version 13 expected", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return
	}
	br := bufio.NewReader(r.Body)
	for {
		_, _, op, payload, err := readClientFrame(br)
		if err != nil {
			return
		}
		if op == 0x8 {
			writeServerFrame(w, 0x8, payload)
			rc.Flush()
			return
		}
		if op >= 0x8 {
			continue
		}
		if writeServerFrame(w, op, payload) != nil || rc.Flush() != nil {
			return
		}
	}
}
