//go:build unix

package checktest

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// mitmStartTimeout bounds mitmdump's start: Python loads mitmproxy's
// modules and, the first time, makes its CA, which takes a few seconds on
// an idle machine and more on a busy one.
const mitmStartTimeout = time.Minute

// Proxy is a forward proxy a test started on 127.0.0.1.
type Proxy struct {
	// Addr is its 127.0.0.1:port.
	Addr string
	// Dir holds its configuration and logs.
	Dir string
}

// URL is the proxy's URL with scheme and, if user is not empty, the
// credentials.
func (p *Proxy) URL(scheme, user, pass string) *url.URL {
	u := &url.URL{Scheme: scheme, Host: p.Addr}
	if user != "" {
		u.User = url.UserPassword(user, pass)
	}
	return u
}

// ProxyAuth is the Basic (or SOCKS5 user/password) credential a test proxy
// requires; the zero value requires none.
type ProxyAuth struct{ User, Pass string }

// proxyDir is a temporary directory the proxy's own user can use: squid
// and tinyproxy may drop root for an unprivileged user.
func proxyDir(tb testing.TB) string {
	tb.Helper()
	// Not tb.TempDir: its name comes from the test's, and squid's
	// configuration parser misreads a path with a parenthesis in it.
	d, err := os.MkdirTemp("", "wsdoctor-daemon-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(d) })
	if err := os.Chmod(d, 0o777); err != nil {
		tb.Fatal(err)
	}
	return d
}

// TinyproxyOptions configure a tinyproxy instance.
type TinyproxyOptions struct {
	// ConnectPorts are the only ports CONNECT may reach (others get 403);
	// none means every port.
	ConnectPorts []int
	// Auth, when set, makes it answer 407 to requests without it.
	Auth ProxyAuth
}

// StartTinyproxy runs tinyproxy on 127.0.0.1 with a configuration the test
// writes, in the foreground (-d), and stops it when the test ends.
func StartTinyproxy(tb testing.TB, opt TinyproxyOptions) *Proxy {
	tb.Helper()
	bin := needBinary(tb, "tinyproxy", "tinyproxy")
	dir := proxyDir(tb)
	port := FreePort(tb)
	var conf strings.Builder
	fmt.Fprintf(&conf, "Port %d\nListen 127.0.0.1\nTimeout 30\nMaxClients 50\nLogLevel Info\nLogFile \"%s/tinyproxy.log\"\nAllow 127.0.0.1\nViaProxyName \"wsdoctor-tinyproxy\"\n", port, dir)
	for _, p := range opt.ConnectPorts {
		fmt.Fprintf(&conf, "ConnectPort %d\n", p)
	}
	if opt.Auth.User != "" {
		fmt.Fprintf(&conf, "BasicAuth %s %s\n", opt.Auth.User, opt.Auth.Pass)
	}
	cf := filepath.Join(dir, "tinyproxy.conf")
	if err := os.WriteFile(cf, []byte(conf.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "-d", "-c", cf)
	cmd.Dir = dir
	startDaemon(tb, cmd, addr, daemonStartTimeout, nil)
	return &Proxy{Addr: addr, Dir: dir}
}

// SquidOptions configure a squid instance.
type SquidOptions struct {
	// DenyConnectPorts are ports CONNECT may not reach (403).
	DenyConnectPorts []int
	// Auth, when set, makes it answer 407 to requests without it.
	Auth ProxyAuth
	// NTLM makes it ask for an NTLM sign-in (offered before Basic when
	// Auth is set too), run by Debian's /usr/lib/squid/ntlm_fake_auth:
	// the full three-leg handshake on one connection, any password.
	NTLM bool
	// Negotiate, when set, makes it ask for a Kerberos sign-in (squid's
	// negotiate_kerberos_auth) as this service principal
	// (HTTP/proxy.lab.test), with the keytab NegotiateKeytab; Env is
	// added to its environment (KDC.Env).
	Negotiate       string
	NegotiateKeytab string
	Env             []string
	// Users, when set, are the only user names (domain stripped) it lets
	// through; others get 407 again, as a company proxy answers a user
	// it does not accept.
	Users []string
}

// ntlmFakeAuth is the NTLM helper Debian's squid package ships.
const ntlmFakeAuth = "/usr/lib/squid/ntlm_fake_auth"

// StartSquid runs squid on 127.0.0.1 (-N, in the foreground) with a
// configuration, pid file and logs in a temporary directory, no disk cache,
// and stops it when the test ends. Basic authentication uses a small shell
// helper that accepts Auth alone.
func StartSquid(tb testing.TB, opt SquidOptions) *Proxy {
	tb.Helper()
	bin := needBinary(tb, "squid", "squid")
	dir := proxyDir(tb)
	port := FreePort(tb)
	cf := filepath.Join(dir, "squid.conf")
	if err := os.WriteFile(cf, []byte(squidConf(tb, dir, port, opt)), 0o644); err != nil {
		tb.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "-N", "-f", cf)
	cmd.Dir = dir
	if len(opt.Env) > 0 {
		cmd.Env = append(os.Environ(), opt.Env...)
	}
	startDaemon(tb, cmd, addr, daemonStartTimeout, nil)
	return &Proxy{Addr: addr, Dir: dir}
}

// squidConf is the configuration of a squid listening on 127.0.0.1:port,
// with its files in dir; the helper for Basic authentication is written
// there too.
func squidConf(tb testing.TB, dir string, port int, opt SquidOptions) string {
	tb.Helper()
	var conf strings.Builder
	fmt.Fprintf(&conf, "http_port 127.0.0.1:%d\npid_filename %[2]s/squid.pid\ncache_log %[2]s/cache.log\naccess_log %[2]s/access.log\ncache deny all\ncache_mem 8 MB\ncoredump_dir %[2]s\npinger_enable off\nnetdb_filename none\nshutdown_lifetime 0 seconds\n", port, dir)
	if len(opt.DenyConnectPorts) > 0 {
		var ports []string
		for _, p := range opt.DenyConnectPorts {
			ports = append(ports, strconv.Itoa(p))
		}
		fmt.Fprintf(&conf, "acl denied_port port %s\nhttp_access deny CONNECT denied_port\n", strings.Join(ports, " "))
	}
	if opt.NTLM {
		if _, err := os.Stat(ntlmFakeAuth); err != nil {
			tb.Skipf("%s missing (Debian package squid): %v", ntlmFakeAuth, err)
		}
		fmt.Fprintf(&conf, "auth_param ntlm program %s -S\nauth_param ntlm children 2\nauth_param ntlm keep_alive on\n", ntlmFakeAuth)
	}
	if opt.Negotiate != "" {
		helper := "/usr/lib/squid/negotiate_kerberos_auth"
		if _, err := os.Stat(helper); err != nil {
			tb.Skipf("%s missing (Debian package squid): %v", helper, err)
		}
		fmt.Fprintf(&conf, "auth_param negotiate program %s -k %s -s %s\nauth_param negotiate children 2\nauth_param negotiate keep_alive on\n", helper, opt.NegotiateKeytab, opt.Negotiate)
	}
	if opt.Auth.User != "" || opt.NTLM || opt.Negotiate != "" {
		if opt.Auth.User != "" {
			helper := filepath.Join(dir, "auth.sh")
			script := fmt.Sprintf("#!/bin/sh\nwhile read user pass; do\n  if [ \"$user\" = %q ] && [ \"$pass\" = %q ]; then echo OK; else echo ERR; fi\ndone\n", opt.Auth.User, opt.Auth.Pass)
			if err := os.WriteFile(helper, []byte(script), 0o755); err != nil {
				tb.Fatal(err)
			}
			fmt.Fprintf(&conf, "auth_param basic program %s\nauth_param basic realm wsdoctor-test\n", helper)
		}
		users := "REQUIRED"
		if len(opt.Users) > 0 {
			users = strings.Join(opt.Users, " ")
		}
		// A deny whose last ACL is proxy_auth answers 407: the user
		// may sign in again.
		fmt.Fprintf(&conf, "acl authed proxy_auth %s\nhttp_access deny !authed\nhttp_access allow all\n", users)
	} else {
		conf.WriteString("http_access allow all\n")
	}
	return conf.String()
}

// StartMicrosocks runs the microsocks SOCKS5 server on 127.0.0.1, with
// user/password authentication when auth is set.
func StartMicrosocks(tb testing.TB, auth ProxyAuth) *Proxy {
	tb.Helper()
	bin := needBinary(tb, "microsocks", "microsocks")
	dir := proxyDir(tb)
	port := FreePort(tb)
	args := []string{"-i", "127.0.0.1", "-p", strconv.Itoa(port)}
	if auth.User != "" {
		args = append(args, "-u", auth.User, "-P", auth.Pass)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	startDaemon(tb, cmd, addr, daemonStartTimeout, nil)
	return &Proxy{Addr: addr, Dir: dir}
}

// StartMitmproxy runs mitmdump (Debian package mitmproxy) on 127.0.0.1 as a
// forward proxy that inspects TLS, as the security products the support
// articles name do: it accepts CONNECT, answers the client's TLS handshake
// with a certificate for the target signed by its own CA (CN=mitmproxy,
// O=mitmproxy, made on start in Dir/mitmproxy-ca-cert.pem), and makes its
// own TLS connection to the target without verifying it (--ssl-insecure:
// the targets are the tests' own loopback servers). Its configuration
// directory is Dir, so ~/.mitmproxy is left alone.
func StartMitmproxy(tb testing.TB) *Proxy {
	tb.Helper()
	return StartMitmproxyCA(tb, nil)
}

// StartMitmproxyCA is StartMitmproxy signing with ca instead of an
// authority of its own making (named mitmproxy): a company's inspection
// device, whose name no list of products knows. A nil ca is mitmproxy's.
func StartMitmproxyCA(tb testing.TB, ca *CA) *Proxy {
	tb.Helper()
	bin := needBinary(tb, "mitmdump", "mitmproxy")
	dir := proxyDir(tb)
	if ca != nil {
		if err := os.WriteFile(filepath.Join(dir, "mitmproxy-ca.pem"), ca.KeyAndCertPEM(tb), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	port := FreePort(tb)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "--listen-host", "127.0.0.1", "--listen-port", strconv.Itoa(port),
		"--set", "confdir="+dir, "--ssl-insecure", "--quiet")
	cmd.Dir = dir
	startDaemon(tb, cmd, addr, mitmStartTimeout, nil)
	return &Proxy{Addr: addr, Dir: dir}
}
