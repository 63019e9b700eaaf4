//go:build unix

package checktest

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// socketIOApp is a Socket.IO app on Debian's python3-socketio and
// python3-aiohttp: it accepts connections to the main namespace and
// echoes "message" events, on 127.0.0.1 at the port given.
const socketIOApp = `import sys
import socketio
from aiohttp import web

sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
app = web.Application()
sio.attach(app)


@sio.event
async def message(sid, data):
    await sio.send(data, to=sid)


web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
`

// socketIOPython is the interpreter Debian's python3-socketio is
// installed for (a python3 earlier in PATH, pyenv's, lacks it).
const socketIOPython = "/usr/bin/python3"

// StartSocketIO runs a real Socket.IO server (python3-socketio with
// python3-aiohttp) on 127.0.0.1 and returns its "127.0.0.1:port"; the test
// is skipped when the packages are missing.
func StartSocketIO(tb testing.TB) string {
	tb.Helper()
	if err := exec.Command(socketIOPython, "-c", "import socketio, aiohttp").Run(); err != nil {
		tb.Skipf("python3-socketio and python3-aiohttp are not installed (apt-get install python3-socketio python3-aiohttp): %v", err)
	}
	dir := tb.TempDir()
	script := filepath.Join(dir, "app.py")
	if err := os.WriteFile(script, []byte(socketIOApp), 0o600); err != nil {
		tb.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(FreePort(tb))
	_, port, _ := strings.Cut(addr, ":")
	startDaemon(tb, exec.Command(socketIOPython, script, port), addr, daemonStartTimeout, nil)
	return addr
}

// What a SocketIORelay lets through.
const (
	// RelayNoUpgrade passes plain requests and drops the Upgrade and
	// Connection headers of WebSocket handshakes, as nginx does without
	// proxy_set_header Upgrade: WebSockets fail, long polling works.
	RelayNoUpgrade = "no-upgrade"
	// RelayBlockPath answers 403 with a block page to everything under
	// /socket.io/: WebSockets and polling alike.
	RelayBlockPath = "block-path"
	// RelayClose accepts every request under /socket.io/ and closes the
	// connection without an answer, as some filters do.
	RelayClose = "close"
)

// StartSocketIORelay is a reverse proxy on 127.0.0.1 in front of backend
// ("host:port") that lets through what mode says, and returns its
// "127.0.0.1:port".
func StartSocketIORelay(tb testing.TB, backend, mode string) string {
	tb.Helper()
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: backend})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode {
		case RelayBlockPath:
			if strings.Contains(r.URL.Path+"/", "/socket.io/") {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusForbidden)
				w.Write([]byte("<html><title>Blocked</title><body>This address is blocked.</body></html>"))
				return
			}
		case RelayClose:
			if strings.Contains(r.URL.Path+"/", "/socket.io/") {
				if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
					c.Close()
				}
				return
			}
		case RelayNoUpgrade:
			r.Header.Del("Upgrade")
			r.Header.Del("Connection")
		}
		rp.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}
