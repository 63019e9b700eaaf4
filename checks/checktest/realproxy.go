package checktest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// HAProxy starts haproxy on a free loopback port in front of backend
// (host:port), in HTTP mode with the given timeouts ("timeout tunnel 5s",
// one directive a line, replacing the defaults' client/server 30 s where
// named), and returns its address. It skips the test when haproxy is not
// installed and stops it when the test ends.
func HAProxy(t testing.TB, backend string, timeouts ...string) string {
	t.Helper()
	bin := needBinary(t, "haproxy", "haproxy")
	dir := t.TempDir()
	port := FreePort(t)
	var tos bytes.Buffer
	for _, s := range timeouts {
		fmt.Fprintf(&tos, "    %s\n", s)
	}
	conf := fmt.Sprintf(`global
    maxconn 256
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
%s
frontend fe
    bind 127.0.0.1:%d
    default_backend be
backend be
    server s1 %s
`, tos.String(), port, backend)
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(bin, "-db", "-f", path)
	cmd.Dir = dir
	startDaemon(t, cmd, addr, daemonStartTimeout, nil)
	return addr
}

// Nginx starts nginx on a free loopback port as a WebSocket reverse proxy to
// backend (host:port), with extra directives in its location ("proxy_read_timeout 5s;"),
// and returns its address. It skips the test when nginx is not installed and
// stops it when the test ends.
func Nginx(t testing.TB, backend string, location string) string {
	t.Helper()
	return nginx(t, backend, "proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection \"upgrade\";\n            "+location)
}

// NginxWithoutWebSocket starts nginx as a reverse proxy to backend the way
// it is configured by default: HTTP/1.0 to the backend and no Upgrade or
// Connection headers passed on, so WebSockets cannot get through it. It is
// the service-side gateway the support articles warn about.
func NginxWithoutWebSocket(t testing.TB, backend string) string {
	t.Helper()
	return nginx(t, backend, "")
}

func nginx(t testing.TB, backend string, location string) string {
	t.Helper()
	return startNginx(t, func(dir string, port int) string {
		return fmt.Sprintf(`        listen 127.0.0.1:%d;
        location / {
            proxy_pass http://%s;
            %s
        }
`, port, backend, location)
	})
}

// startNginx starts nginx on a free loopback port with the server block
// server writes for its folder and port, and stops it when the test
// ends; it returns the address ("127.0.0.1:port").
func startNginx(t testing.TB, server func(dir string, port int) string) string {
	t.Helper()
	bin := needBinary(t, "nginx", "nginx-light")
	dir := t.TempDir()
	port := FreePort(t)
	conf := fmt.Sprintf(`worker_processes 1;
error_log %[1]s/error.log;
pid %[1]s/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    server {
%[2]s    }
}
`, dir, server(dir, port))
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(bin, "-p", dir, "-c", path, "-g", "daemon off;")
	cmd.Dir = dir
	startDaemon(t, cmd, addr, daemonStartTimeout, nil)
	return addr
}
