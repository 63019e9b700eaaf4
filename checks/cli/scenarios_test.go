//go:build unix

package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// labEnv names the Markdown file TestScenarios writes its table to, one
// row per scenario: `make lab` sets it and prints the file.
const labEnv = "WSDOCTOR_LAB"

// scenarioTimeout bounds one check: the default deadline is 25 s, and the
// idle scenario holds its WebSockets 4 s more.
const scenarioTimeout = time.Minute

// nsCheck is a check run as a process of its own inside a network
// namespace the scenario made: its environment gets env too.
type nsCheck struct {
	ns   *checktest.Netns
	env  []string
	args []string
}

// TestScenarios runs `wsdoctor check --json` through the real middle boxes
// the support articles blame, started on loopback from Debian's packages
// (or inside a network namespace the test makes, where only it can reach
// them), and checks the diagnosis names the right cause first. Each skips
// when its package is missing, and those in a namespace when not root.
func TestScenarios(t *testing.T) {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	tests := []struct {
		name string
		args func(t *testing.T) []string
		// netns, instead of args, sets up a namespace and the check to
		// run in it.
		netns  func(t *testing.T) nsCheck
		code   int
		first  string   // the finding listed first (and the report's top_finding)
		has    []string // other findings that must be there
		not    []string // findings that must not be there
		secret string   // must appear nowhere in the output
		// evidence are "probe key value" a result must carry (the value
		// as a substring).
		evidence []string
		// words must appear in the report (a finding's own words);
		// unsaid must not.
		words, unsaid []string
		// within, when set, bounds the check's own time.
		within time.Duration
	}{
		{
			name: "tinyproxy asks for a password",
			args: func(t *testing.T) []string {
				p := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{Auth: checktest.ProxyAuth{User: "alice", Pass: "s3cretpass"}})
				return []string{"--proxy", "http://" + p.Addr, srv.URL}
			},
			code: ExitProblem, first: "proxy-auth-required", has: []string{"proxy-configured"},
		},
		{
			name: "tinyproxy with the password works",
			args: func(t *testing.T) []string {
				p := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{Auth: checktest.ProxyAuth{User: "alice", Pass: "s3cretpass"}})
				return []string{"--proxy", "http://alice:s3cretpass@" + p.Addr, srv.URL}
			},
			code: ExitOK, first: "websocket-ok", has: []string{"proxy-configured"}, secret: "s3cretpass",
		},
		{
			name: "tinyproxy refuses the tunnel to this port",
			args: func(t *testing.T) []string {
				p := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{ConnectPorts: []int{443}})
				return []string{"--proxy", "http://" + p.Addr, srv.URL}
			},
			code: ExitProblem, first: "proxy-blocks-connect",
		},
		{
			name: "the proxy given with --proxy is not running",
			args: func(t *testing.T) []string {
				return []string{"--proxy", "http://127.0.0.1:" + strconv.Itoa(checktest.FreePort(t)), srv.URL}
			},
			code: ExitProblem, first: "proxy-unreachable", not: []string{"proxy-strips-upgrade"},
		},
		{
			// Go (x/net/http/httpproxy) never proxies a loopback target, and
			// a real name would be looked up by the system's resolver: the
			// target is an address of the namespace's own, 10.77.0.2.
			name: "HTTPS_PROXY names a proxy that is not running (network namespace)",
			netns: func(t *testing.T) nsCheck {
				ns, wss, caFile := netnsService(t)
				dead := "http://127.0.0.1:" + strconv.Itoa(ns.FreePort(t))
				return nsCheck{ns: ns, env: []string{"HTTPS_PROXY=" + dead},
					args: []string{"--proxy", "system", "--ca", caFile, wss.URL}}
			},
			code: ExitProblem, first: "proxy-unreachable", has: []string{"proxy-configured"}, not: []string{"proxy-strips-upgrade"},
		},
		{
			// The proxy set the way most machines set it: HTTPS_PROXY.
			name: "squid named by HTTPS_PROXY asks for a password (network namespace)",
			netns: func(t *testing.T) nsCheck {
				ns, wss, caFile := netnsService(t)
				p := ns.StartSquid(t, checktest.SquidOptions{Auth: checktest.ProxyAuth{User: "alice", Pass: "s3cretpass"}})
				return nsCheck{ns: ns, env: []string{"HTTPS_PROXY=http://" + p.Addr},
					args: []string{"--proxy", "system", "--ca", caFile, wss.URL}}
			},
			code: ExitProblem, first: "proxy-auth-required", has: []string{"proxy-configured"},
			evidence: []string{"proxy proxy_status 407", "proxy proxy_authenticate Basic", "proxy proxy_source env",
				"upgrade_direct status 101"},
		},
		{
			name: "squid named by HTTPS_PROXY, with the password, works (network namespace)",
			netns: func(t *testing.T) nsCheck {
				ns, wss, caFile := netnsService(t)
				p := ns.StartSquid(t, checktest.SquidOptions{Auth: checktest.ProxyAuth{User: "alice", Pass: "s3cretpass"}})
				return nsCheck{ns: ns, env: []string{"HTTPS_PROXY=http://alice:s3cretpass@" + p.Addr},
					args: []string{"--proxy", "system", "--ca", caFile, wss.URL}}
			},
			code: ExitOK, first: "websocket-ok", has: []string{"proxy-configured"}, secret: "s3cretpass",
			evidence: []string{"upgrade status 101", "upgrade_direct status 101", "proxy proxy_source env"},
		},
		{
			// A company proxy that signs people in with NTLM: squid with
			// Debian's ntlm_fake_auth runs the real three-leg handshake.
			name: "squid wants an NTLM (Windows) sign-in, no user given",
			args: func(t *testing.T) []string {
				p := checktest.StartSquid(t, checktest.SquidOptions{NTLM: true, Users: []string{"alice"}})
				return []string{"--proxy", "http://" + p.Addr, srv.URL}
			},
			code: ExitProblem, first: "proxy-signin-unavailable", has: []string{"proxy-configured"},
			evidence: []string{"proxy proxy_status 407", "proxy proxy_auth_offered NTLM", "proxy proxy_auth_result no_credentials"},
			words:    []string{"wants you to sign in with your Windows account"},
		},
		{
			name: "squid wants NTLM, --proxy-user and a password file sign in",
			args: func(t *testing.T) []string {
				p := checktest.StartSquid(t, checktest.SquidOptions{NTLM: true, Users: []string{"alice"}})
				pw := filepath.Join(t.TempDir(), "pw")
				if err := os.WriteFile(pw, []byte("s3cretpass\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				return []string{"--proxy", "http://" + p.Addr, "--proxy-user", `LAB\alice`, "--proxy-password-file", pw, srv.URL}
			},
			code: ExitOK, first: "websocket-ok", has: []string{"proxy-configured"}, secret: "s3cretpass",
			evidence: []string{"proxy proxy_auth_scheme NTLM", "proxy proxy_auth_rounds 3", "proxy proxy_auth_result ok",
				"proxy proxy_auth_domain LAB", "upgrade proxy_auth_result ok", "upgrade status 101"},
			words: []string{"asks computers to sign in (NTLM)"},
		},
		{
			name: "squid wants NTLM, DOMAIN%5Cuser in the proxy URL signs in",
			args: func(t *testing.T) []string {
				p := checktest.StartSquid(t, checktest.SquidOptions{NTLM: true, Users: []string{"alice"}})
				return []string{"--proxy", "http://LAB%5Calice:s3cretpass@" + p.Addr, srv.URL}
			},
			code: ExitOK, first: "websocket-ok", has: []string{"proxy-configured"}, secret: "s3cretpass",
			evidence: []string{"proxy proxy_auth_scheme NTLM", "proxy proxy_auth_result ok", "upgrade status 101"},
		},
		{
			// squid cannot connect to the service (nothing listens there):
			// it answers 503 with ERR_CONNECT_FAIL, a failure of the way
			// on, not a rule of the network. (Its ERR_DNS_FAIL case is a
			// rules test: squid would ask the machine's name server.)
			name: "squid cannot reach the service (nothing listens on its port)",
			args: func(t *testing.T) []string {
				p := checktest.StartSquid(t, checktest.SquidOptions{})
				return []string{"--proxy", "http://" + p.Addr, "ws://127.0.0.1:" + strconv.Itoa(checktest.FreePort(t)) + "/ws"}
			},
			code: ExitProblem, first: "tcp-blocked", has: []string{"proxy-cannot-reach"}, not: []string{"proxy-blocks-connect"},
			evidence: []string{"proxy proxy_status 503", "proxy proxy_reason ERR_CONNECT_FAIL"},
			words:    []string{"Nothing is listening on port", "could not reach", "nothing accepted the proxy's connection", "not an access rule"},
		},
		{
			name: "squid refuses the NTLM user given",
			args: func(t *testing.T) []string {
				p := checktest.StartSquid(t, checktest.SquidOptions{NTLM: true, Users: []string{"alice"}})
				return []string{"--proxy", "http://LAB%5Cmallory:s3cretpass@" + p.Addr, srv.URL}
			},
			code: ExitProblem, first: "proxy-auth-required", secret: "s3cretpass",
			evidence: []string{"proxy proxy_auth_scheme NTLM", "proxy proxy_auth_result refused", "proxy proxy_auth_rounds 3"},
			words:    []string{"did not accept the user name and password", "user's domain LAB"},
		},
		{
			name: "squid with Basic, --proxy-user signs in",
			args: func(t *testing.T) []string {
				p := checktest.StartSquid(t, checktest.SquidOptions{Auth: checktest.ProxyAuth{User: "alice", Pass: "s3cretpass"}})
				pw := filepath.Join(t.TempDir(), "pw")
				if err := os.WriteFile(pw, []byte("s3cretpass"), 0o600); err != nil {
					t.Fatal(err)
				}
				return []string{"--proxy", "http://" + p.Addr, "--proxy-user", "alice", "--proxy-password-file", pw, srv.URL}
			},
			code: ExitOK, first: "websocket-ok", secret: "s3cretpass",
			evidence: []string{"proxy proxy_auth_scheme Basic", "proxy proxy_auth_rounds 2", "proxy proxy_auth_result ok"},
		},
		{
			// A company proxy that signs people in with Kerberos: squid's
			// negotiate_kerberos_auth, a realm on loopback (MIT krb5kdc),
			// and the user's ticket from kinit. The proxy is named
			// localhost, so its service name is HTTP/localhost.
			name: "squid wants Kerberos (Negotiate), the ticket from kinit signs in",
			args: func(t *testing.T) []string {
				p := kerberosSquid(t, true)
				return []string{"--proxy", "http://localhost:" + p, srv.URL}
			},
			code: ExitOK, first: "websocket-ok", has: []string{"proxy-configured"},
			evidence: []string{"proxy proxy_auth_scheme Negotiate", "proxy proxy_auth_identity ticket", "proxy proxy_auth_domain LAB.TEST",
				"proxy proxy_auth_rounds 2", "proxy proxy_auth_result ok", "upgrade status 101"},
			words: []string{"asks computers to sign in (Negotiate)"},
		},
		{
			name: "squid wants Kerberos (Negotiate), no ticket",
			args: func(t *testing.T) []string {
				p := kerberosSquid(t, false)
				return []string{"--proxy", "http://localhost:" + p, srv.URL}
			},
			code: ExitProblem, first: "proxy-signin-unavailable",
			evidence: []string{"proxy proxy_auth_offered Negotiate", "proxy proxy_auth_result no_credentials"},
			words:    []string{"wants you to sign in with your Windows account", "kinit"},
		},
		{
			// The sign-in cannot be made here (as SSPI fails under Wine or
			// without a domain session): no sign-in reaches squid, and the
			// words say so rather than that squid refused one.
			name: "squid wants Kerberos (Negotiate), the ticket cache is unreadable",
			args: func(t *testing.T) []string {
				p := kerberosSquid(t, false)
				cc := filepath.Join(t.TempDir(), "broken")
				if err := os.WriteFile(cc, []byte("not a ticket cache"), 0o600); err != nil {
					t.Fatal(err)
				}
				t.Setenv("KRB5CCNAME", "FILE:"+cc)
				return []string{"--proxy", "http://localhost:" + p, srv.URL}
			},
			code: ExitProblem, first: "proxy-signin-unavailable",
			evidence: []string{"proxy proxy_auth_offered Negotiate", "proxy proxy_auth_result failed"},
			words:    []string{"could not sign you in", "it has not refused you", "Proxy user name", "ticket cache"},
		},
		{
			// "Automatically detect settings" (KDE's WPAD here): the
			// namespace's name server knows wpad.corp.test, where the test
			// serves a PAC file that names squid.
			name: "WPAD by DNS finds wpad.corp.test, its PAC names squid (network namespace)",
			netns: func(t *testing.T) nsCheck {
				ns, wss, caFile := netnsService(t)
				p := ns.StartSquid(t, checktest.SquidOptions{})
				var pc net.PacketConn
				if err := ns.Do(func() (err error) {
					pc, err = net.ListenPacket("udp", "127.0.0.1:53")
					return err
				}); err != nil {
					t.Fatal(err)
				}
				dns := checktest.ServeDNS(t, pc, map[string]netip.Addr{"wpad.corp.test": netip.MustParseAddr(netnsHost)})
				ns.SetResolvConf(t, "search corp.test\nnameserver 127.0.0.1\noptions timeout:2 attempts:1\n")
				pac := `function FindProxyForURL(url, host) { return "PROXY ` + p.Addr + `; DIRECT"; }`
				servePAC(t, ns.Listen(t, netnsHost+":80"), "/wpad.dat", pac)
				conf := t.TempDir()
				if err := os.WriteFile(filepath.Join(conf, "kioslaverc"), []byte("[Proxy Settings]\nProxyType=3\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					if !slices.Contains(dns.Names(), "wpad.corp.test.") {
						t.Errorf("the namespace's name server was asked %v, not wpad.corp.test", dns.Names())
					}
				})
				return nsCheck{ns: ns, env: []string{"XDG_CURRENT_DESKTOP=KDE", "XDG_CONFIG_HOME=" + conf},
					args: []string{"--proxy", "system", "--ca", caFile, wss.URL}}
			},
			code: ExitOK, first: "websocket-ok", has: []string{"proxy-configured"},
			evidence: []string{"proxy route_source wpad", "proxy route_origin http://wpad.corp.test/wpad.dat",
				"proxy pac_found_by DNS wpad.corp.test", "proxy proxy_status 200", "upgrade status 101"},
		},
		{
			name: "a PAC file sends the check through squid (--pac)",
			args: func(t *testing.T) []string {
				ca := checktest.NewCA(t)
				wss := startRefserver(t, ca.Valid(t))
				p := checktest.StartSquid(t, checktest.SquidOptions{})
				pac := writePAC(t, `function FindProxyForURL(url, host) { return "PROXY `+p.Addr+`; DIRECT"; }`)
				return []string{"--pac", pac, "--ca", ca.WriteFile(t), wss.URL}
			},
			code: ExitOK, first: "websocket-ok", has: []string{"proxy-configured"},
			evidence: []string{"proxy proxy_source pac", "proxy pac_result PROXY 127.0.0.1", "proxy proxy_status 200", "upgrade_direct status 101"},
		},
		{
			name: "a PAC file's first proxy is down, DIRECT after it is used (--pac)",
			args: func(t *testing.T) []string {
				pac := writePAC(t, `function FindProxyForURL(url, host) { return "PROXY 127.0.0.1:`+strconv.Itoa(checktest.FreePort(t))+`; DIRECT"; }`)
				return []string{"--pac", pac, srv.URL}
			},
			code: ExitOK, first: "websocket-ok",
			evidence: []string{"upgrade proxy_failover 127.0.0.1", "upgrade status 101"},
		},
		{
			name: "microsocks (SOCKS5) works",
			args: func(t *testing.T) []string {
				p := checktest.StartMicrosocks(t, checktest.ProxyAuth{})
				return []string{"--proxy", "socks5://" + p.Addr, srv.URL}
			},
			code: ExitOK, first: "websocket-ok",
		},
		{
			// Browsers and WebSocket libraries send ws:// through an HTTP
			// proxy in a CONNECT tunnel too, and squid passes it untouched.
			name: "squid as the proxy for ws:// (a CONNECT tunnel) works",
			args: func(t *testing.T) []string {
				p := checktest.StartSquid(t, checktest.SquidOptions{})
				return []string{"--proxy", "http://" + p.Addr, srv.URL}
			},
			code: ExitOK, first: "websocket-ok", has: []string{"proxy-configured"},
		},
		{
			// A proxy the computer does not know of: squid intercepting
			// port-80-style traffic forwards the upgrade as a plain GET.
			name: "a transparent squid drops Upgrade (network namespace)",
			netns: func(t *testing.T) nsCheck {
				ns := checktest.NewNetns(t)
				ws := startRefserverIn(t, ns, "127.0.0.1:0", tls.Certificate{})
				_, port, _ := net.SplitHostPort(ws.Addr)
				p, _ := strconv.Atoi(port)
				ns.StartTransparentSquid(t, "127.0.0.1", p)
				return nsCheck{ns: ns, args: []string{ws.URL}}
			},
			code: ExitProblem, first: "proxy-strips-upgrade", not: []string{"server-no-websocket"},
			words: []string{"The proxy in the way is Squid", "Squid: let WebSocket upgrades", "http_upgrade_request_protocols"},
		},
		{
			// The same squid on port 80 of a service that also has wss://
			// on 443: the check tries that at the same time.
			name: "plain ws:// on port 80 is filtered, wss:// on 443 works (network namespace)",
			netns: func(t *testing.T) nsCheck {
				ns := netnsWithAddress(t)
				ca := checktest.NewCA(t)
				startRefserverIn(t, ns, "10.77.0.2:80", tls.Certificate{})
				startRefserverIn(t, ns, "10.77.0.2:443", ca.Leaf(t, checktest.LeafSpec{Hosts: []string{"10.77.0.2"}}))
				ns.StartTransparentSquid(t, "10.77.0.2", 80)
				return nsCheck{ns: ns, args: []string{"--ca", ca.WriteFile(t), "ws://10.77.0.2/ws"}}
			},
			code: ExitProblem, first: "plain-ws-blocked", not: []string{"server-no-websocket"},
		},
		{
			name: "mitmproxy re-signs wss:// (TLS inspection)",
			args: func(t *testing.T) []string {
				ca := checktest.NewCA(t)
				wss := startRefserver(t, ca.Valid(t))
				p := checktest.StartMitmproxy(t)
				return []string{"--proxy", "http://" + p.Addr, "--ca", ca.WriteFile(t), wss.URL}
			},
			code: ExitProblem, first: "tls-intercepted", has: []string{"proxy-configured"}, not: []string{"tls-cert-invalid"},
		},
		{
			// An inspection device whose name is on no list: the direct
			// handshake's certificate, from the server's own CA, shows the
			// proxy is the one re-signing.
			name: "a company proxy re-signs wss:// with its own CA (mitmproxy)",
			args: func(t *testing.T) []string {
				ca := checktest.NewCA(t)
				wss := startRefserver(t, ca.Valid(t))
				corp := checktest.NewNamedCA(t, pkix.Name{CommonName: "Example Corp Inspection CA", Organization: []string{"Example Corp"}})
				p := checktest.StartMitmproxyCA(t, corp)
				return []string{"--proxy", "http://" + p.Addr, "--ca", ca.WriteFile(t), wss.URL}
			},
			code: ExitProblem, first: "tls-intercepted", has: []string{"proxy-configured"},
		},
		{
			// The product named by its maker (assets/middleboxes.json):
			// mitmproxy signing as Zscaler's authority does.
			name: "a Zscaler-like inspection CA re-signs wss:// (mitmproxy)",
			args: func(t *testing.T) []string {
				ca := checktest.NewCA(t)
				wss := startRefserver(t, ca.Valid(t))
				zs := checktest.NewNamedCA(t, pkix.Name{CommonName: "Zscaler Intermediate Root CA (zscaler.net)", Organization: []string{"Zscaler Inc."}})
				p := checktest.StartMitmproxyCA(t, zs)
				return []string{"--proxy", "http://" + p.Addr, "--ca", ca.WriteFile(t), wss.URL}
			},
			code: ExitProblem, first: "tls-intercepted", has: []string{"proxy-configured"},
			evidence: []string{"tls leaf_issuer_org Zscaler Inc."},
			words:    []string{"The device is Zscaler", "Zscaler: exempt", "Cloud App Control"},
		},
		{
			name: "the server's certificate has expired",
			args: func(t *testing.T) []string {
				ca := checktest.NewCA(t)
				wss := startRefserver(t, ca.Expired(t))
				return []string{"--ca", ca.WriteFile(t), wss.URL}
			},
			code: ExitProblem, first: "tls-cert-invalid", not: []string{"tls-intercepted"},
		},
		{
			// The namespace's resolv.conf names a server the test runs in
			// it, which answers NXDOMAIN: nothing asks the system resolver.
			name: "the name does not exist (.invalid, network namespace)",
			netns: func(t *testing.T) nsCheck {
				ns := checktest.NewNetns(t)
				var pc net.PacketConn
				if err := ns.Do(func() (err error) {
					pc, err = net.ListenPacket("udp", "127.0.0.1:53")
					return err
				}); err != nil {
					t.Fatal(err)
				}
				dns := checktest.ServeNXDOMAIN(t, pc)
				ns.SetResolvConf(t, "nameserver 127.0.0.1\noptions timeout:2 attempts:1\n")
				const host = "chat.wsdoctor.invalid"
				t.Cleanup(func() {
					if !slices.Contains(dns.Names(), host+".") {
						t.Errorf("the namespace's name server was asked %v, not %s", dns.Names(), host)
					}
				})
				return nsCheck{ns: ns, args: []string{"ws://" + host + "/ws"}}
			},
			code: ExitProblem, first: "dns-failure",
		},
		{
			// A firewall that drops the packets instead of refusing them:
			// the connection times out, one probe timeout in all.
			name: "a firewall drops packets to the port (network namespace, iptables)",
			netns: func(t *testing.T) nsCheck {
				ns := netnsWithAddress(t)
				ws := startRefserverIn(t, ns, "10.77.0.2:0", tls.Certificate{})
				_, port, _ := net.SplitHostPort(ws.Addr)
				ns.Run(t, "iptables", "-A", "OUTPUT", "-p", "tcp", "-d", "10.77.0.2", "--dport", port, "-j", "DROP")
				return nsCheck{ns: ns, args: []string{"--timeout", "2s", ws.URL}}
			},
			code: ExitProblem, first: "tcp-blocked",
		},
		{
			// A namespace has no default route until one is added: the
			// computer is cut off, whatever the address.
			name: "no default route: not connected (network namespace)",
			netns: func(t *testing.T) nsCheck {
				return nsCheck{ns: checktest.NewNetns(t), args: []string{"wss://192.0.2.10/ws"}}
			},
			code: ExitProblem, first: "no-network", not: []string{"tcp-blocked"},
		},
		{
			name: "nginx in front of the service does not pass WebSockets",
			args: func(t *testing.T) []string {
				return []string{"ws://" + checktest.NginxWithoutWebSocket(t, srv.Addr) + "/ws"}
			},
			code: ExitProblem, first: "server-no-websocket",
		},
		{
			name: "nginx configured for WebSockets works",
			args: func(t *testing.T) []string {
				return []string{"ws://" + checktest.Nginx(t, srv.Addr, "") + "/ws"}
			},
			code: ExitOK, first: "websocket-ok",
		},
		{
			// A host with an AAAA and an A record where IPv6 is black-holed:
			// the tcp probe gives IPv6 a second once IPv4 connected.
			name: "IPv6 dropped (ip6tables), IPv4 works (network namespace)",
			netns: func(t *testing.T) nsCheck {
				ns := checktest.NewNetns(t)
				ns.SetHosts(t, "127.0.0.1 dual.test\n::1 dual.test\n")
				s := startRefserverIn(t, ns, "[::]:0", tls.Certificate{})
				_, port, _ := net.SplitHostPort(s.Addr)
				ns.Run(t, "ip6tables", "-A", "INPUT", "-p", "tcp", "--dport", port, "-j", "DROP")
				return nsCheck{ns: ns, args: []string{"ws://dual.test:" + port + "/ws"}}
			},
			code: ExitOK, first: "ipv6-broken", not: []string{"tcp-blocked"},
			evidence: []string{"tcp connect_ipv6 timeout", "tcp connect_ipv4 ok"},
			// About 1.3 s on an idle machine (1 s once IPv4 connects);
			// 6 s leaves room for -race on a busy one (4.7 s seen) and
			// still fails on the whole 10 s IPv6 timeout this replaced.
			within: 6 * time.Second,
		},
		{
			name: "a compression answer without client_no_context_takeover (RFC 7692 allows it) works",
			args: func(t *testing.T) []string {
				return []string{checktest.DeflateServer(t, checktest.DeflateAnswerValid)}
			},
			code: ExitOK, first: "websocket-ok", has: []string{"compression-answer-refused"}, not: []string{"server-no-websocket"},
			evidence: []string{"upgrade compression_answer valid", "upgrade retry_without_compression ok"},
		},
		{
			name: "a compression answer that breaks RFC 7692 (client_max_window_bits=20)",
			args: func(t *testing.T) []string {
				return []string{checktest.DeflateServer(t, checktest.DeflateAnswerInvalid)}
			},
			code: ExitProblem, first: "compression-answer-invalid", not: []string{"server-no-websocket"},
			evidence: []string{"upgrade extension_parameter " + checktest.DeflateAnswerInvalidParam},
			words:    []string{checktest.DeflateAnswerInvalidParam},
		},
		{
			// 2 s is shorter than the 120 s the app needs: it does not
			// work for this app (issue 27).
			name: "haproxy cuts quiet WebSockets after 2 s",
			args: func(t *testing.T) []string {
				return []string{"--idle", "4s", "--ping-interval", "1s", "ws://" + checktest.HAProxy(t, srv.Addr, "timeout tunnel 2s") + "/ws"}
			},
			code: ExitProblem, first: "proxy-idle-timeout", has: []string{"websocket-ok"},
			evidence: []string{"idle limit_s 2."},
		},
		{
			name: "a middle box silently forgets quiet connections after 2 s",
			args: func(t *testing.T) []string {
				return []string{"--idle", "5s", "--ping-interval", "1s", "ws://" + checktest.NewDropRelay(t, srv.Addr, 2*time.Second).Addr + "/ws"}
			},
			code: ExitProblem, first: "proxy-idle-timeout", has: []string{"websocket-ok"},
			evidence: []string{"idle ended_by silent"},
			words:    []string{"silently drops quiet live connections after 2 seconds"},
		},
		{
			// A relay of our own: haproxy's timeout tunnel counts
			// idleness, not age.
			name: "a relay ends every connection 3 s after it opens, busy or not",
			args: func(t *testing.T) []string {
				return []string{"--idle", "6s", "--ping-interval", "1s", "ws://" + checktest.LifetimeRelay(t, srv.Addr, 3*time.Second) + "/ws"}
			},
			code: ExitProblem, first: "connection-max-lifetime", not: []string{"connection-dropped"},
			evidence: []string{"idle lifetime_s 3.", "idle busy_end fin"},
			words:    []string{"ends every live connection 3 seconds after it opens"},
		},
		{
			name: "the same relay, a preset needing 2 s of quiet: a warning",
			args: func(t *testing.T) []string {
				return []string{"--preset", presetFile(t, `{"required_idle_seconds": 2}`), "--idle", "6s", "--ping-interval", "1s",
					"ws://" + checktest.LifetimeRelay(t, srv.Addr, 3*time.Second) + "/ws"}
			},
			code: ExitOK, first: "connection-max-lifetime",
			evidence: []string{"idle required_from preset"},
		},
		{
			// 6 s: longer than the echo probe waits for a pong, which
			// this relay drops too.
			name: "a load balancer counts data frames only, drops pings, cuts after 6 s without data",
			args: func(t *testing.T) []string {
				return []string{"--idle", "9s", "--ping-interval", "1s", checktest.DataOnlyRelay(t, srv.Addr, "/ws", 6*time.Second)}
			},
			code: ExitProblem, first: "pings-not-enough", not: []string{"proxy-idle-timeout", "connection-dropped"},
			evidence: []string{"idle data_helps yes", "idle pings_help no", "idle limit_s 6."},
			words:    []string{"only send keep-alive signals after 6 seconds"},
		},
		{
			name: "a relay sets RSV1 on the server's frames",
			args: func(t *testing.T) []string {
				return []string{checktest.FrameRelay(t, srv.Addr, "/ws", checktest.FlipRSV1, 0)}
			},
			code: ExitProblem, first: "messages-altered",
			evidence: []string{"echo ladder_how frame_broken"},
		},
		{
			name: "a relay changes a byte of messages above 64 KiB",
			args: func(t *testing.T) []string {
				return []string{checktest.FrameRelay(t, srv.Addr, "/ws", checktest.AlterAbove, 64<<10)}
			},
			code: ExitProblem, first: "messages-altered",
			evidence: []string{"echo ladder_passed_bytes 65536"},
		},
		{
			name: "a relay closes with 1009 above 1 MiB (the preset's messages go to 16 MiB)",
			args: func(t *testing.T) []string {
				return []string{"--preset", presetFile(t, `{"max_message_bytes": 16777216}`),
					checktest.FrameRelay(t, hostOf(t, checktest.DeflateServer(t, checktest.DeflateAnswerValid)), "/ws", checktest.Close1009Above, 1<<20)}
			},
			code: ExitOK, first: "message-size-limit",
			evidence: []string{"echo ladder_how close_1009", "echo ladder_passed_bytes 1048576"},
		},
		{
			name: "a relay drops messages above 4 MiB (the preset's messages go to 16 MiB)",
			args: func(t *testing.T) []string {
				// Under -race 4 MiB takes seconds each way: time enough for
				// the 16 MiB step to be judged a limit, not a slow path.
				timeout := "10s"
				if checktest.Race() {
					timeout = "40s"
				}
				return []string{"--preset", presetFile(t, `{"max_message_bytes": 16777216}`), "--timeout", timeout,
					checktest.FrameRelay(t, hostOf(t, checktest.DeflateServer(t, checktest.DeflateAnswerValid)), "/ws", checktest.DropAbove, 4<<20)}
			},
			code: ExitOK, first: "message-size-limit",
			evidence: []string{"echo ladder_how timeout", "echo ladder_passed_bytes 4194304"},
		},
		{
			name: "nginx wants a client certificate (ssl_verify_client on), none given",
			args: func(t *testing.T) []string { return clientCertArgs(t, srv, "nginx on", "") },
			code: ExitProblem, first: "client-cert-required", not: []string{"server-no-websocket"},
			evidence: []string{"upgrade body_title No required SSL certificate was sent", "upgrade client_cert_cas Acme Client CA"},
		},
		{
			name: "nginx wants a client certificate (on), one from another CA given",
			args: func(t *testing.T) []string { return clientCertArgs(t, srv, "nginx on", "wrong") },
			code: ExitProblem, first: "client-cert-required", not: []string{"server-no-websocket"},
			evidence: []string{"upgrade client_cert_not_accepted yes"},
		},
		{
			name: "nginx wants a client certificate (on), the right one works",
			args: func(t *testing.T) []string { return clientCertArgs(t, srv, "nginx on", "right") },
			code: ExitOK, first: "websocket-ok",
			evidence: []string{"upgrade client_cert_offered yes"},
		},
		{
			name: "nginx asks for a client certificate (optional), 403 without one",
			args: func(t *testing.T) []string { return clientCertArgs(t, srv, "nginx optional", "") },
			code: ExitProblem, first: "client-cert-required", not: []string{"server-refused"},
			evidence: []string{"upgrade status 403", "upgrade client_cert_requested yes"},
		},
		{
			name: "nginx asks for a client certificate (optional), one from another CA: 403",
			args: func(t *testing.T) []string { return clientCertArgs(t, srv, "nginx optional", "wrong") },
			code: ExitProblem, first: "client-cert-required", not: []string{"server-refused"},
		},
		{
			name: "nginx asks for a client certificate (optional), the right one works",
			args: func(t *testing.T) []string { return clientCertArgs(t, srv, "nginx optional", "right") },
			code: ExitOK, first: "websocket-ok",
		},
		{
			name: "a Go TLS server requires a client certificate, none given (TLS 1.3 alert)",
			args: func(t *testing.T) []string { return clientCertArgs(t, srv, "go", "") },
			code: ExitProblem, first: "client-cert-required", not: []string{"tcp-blocked", "cause-unknown"},
			evidence: []string{"tls tls_alert certificate_required"},
		},
		{
			name: "a Go TLS server requires a client certificate, one from another CA given",
			args: func(t *testing.T) []string { return clientCertArgs(t, srv, "go", "wrong") },
			code: ExitProblem, first: "client-cert-required",
		},
		{
			name: "a Go TLS server requires a client certificate, the right one works",
			args: func(t *testing.T) []string { return clientCertArgs(t, srv, "go", "right") },
			code: ExitOK, first: "websocket-ok",
		},
		{
			// A guest network's gateway sends every connection to port
			// 80 to its sign-in page (iptables REDIRECT in the namespace).
			name: "a captive portal answers ws:// with its sign-in page (network namespace, iptables)",
			netns: func(t *testing.T) nsCheck {
				ns := netnsWithAddress(t)
				ln := ns.Listen(t, "127.0.0.1:0")
				checktest.ServePortal(t, ln, tls.Certificate{})
				redirectIn(t, ns, netnsHost, 80, ln.Addr())
				return nsCheck{ns: ns, args: []string{"ws://" + netnsHost + "/ws"}}
			},
			code: ExitProblem, first: "captive-portal", not: []string{"server-no-websocket"},
			evidence: []string{"upgrade location " + checktest.PortalHost, "http title " + checktest.PortalTitle},
		},
		{
			// The same portal on 443 with its own certificate, for its own
			// name, and on 80 with its redirect.
			name: "a captive portal answers wss:// with a certificate for login.portal.test (network namespace, iptables)",
			netns: func(t *testing.T) nsCheck {
				ns := netnsWithAddress(t)
				ca := checktest.NewCA(t)
				plain, secure := ns.Listen(t, "127.0.0.1:0"), ns.Listen(t, "127.0.0.1:0")
				checktest.ServePortal(t, plain, tls.Certificate{})
				checktest.ServePortal(t, secure, ca.Leaf(t, checktest.LeafSpec{Hosts: []string{checktest.PortalHost}}))
				redirectIn(t, ns, netnsHost, 80, plain.Addr())
				redirectIn(t, ns, netnsHost, 443, secure.Addr())
				return nsCheck{ns: ns, args: []string{"--ca", ca.WriteFile(t), "wss://" + netnsHost + "/ws"}}
			},
			code: ExitProblem, first: "captive-portal", not: []string{"tls-cert-invalid", "server-no-websocket"},
			evidence: []string{"tls cert0_sans " + checktest.PortalHost, "tls plain_http_location " + checktest.PortalHost},
		},
		{
			name: "a proxy opens the tunnel, then sends its own block page (ws://)",
			args: func(t *testing.T) []string {
				return []string{"--proxy", "http://" + checktest.TunnelBlockProxy(t), srv.URL}
			},
			code: ExitProblem, first: "proxy-blocks-connect", not: []string{"cause-unknown", "server-no-websocket"},
			evidence: []string{"upgrade tunnel_title " + checktest.BlockPageTitle, "upgrade proxy_server " + checktest.BlockProxyServer, "upgrade_direct status 101"},
			// A product no fingerprint knows: today's words, no name.
			unsaid: []string{"The proxy in the way is"},
		},
		{
			name: "a proxy opens the tunnel, then answers the TLS handshake with its block page (wss://)",
			args: func(t *testing.T) []string {
				ca := checktest.NewCA(t)
				wss := startRefserver(t, ca.Valid(t))
				return []string{"--proxy", "http://" + checktest.TunnelBlockProxy(t), "--ca", ca.WriteFile(t), wss.URL}
			},
			code: ExitProblem, first: "proxy-blocks-connect", not: []string{"cause-unknown", "tcp-blocked"},
			evidence: []string{"upgrade tunnel_title " + checktest.BlockPageTitle},
		},
		{
			// The product named by its maker from its answer (two weak
			// signs): the block proxy with a Blue Coat ProxySG's Via on
			// its CONNECT answer and its block page's title.
			name: "a Blue Coat-like proxy sends its block page into the tunnel (ws://)",
			args: func(t *testing.T) []string {
				return []string{"--proxy", "http://" + checktest.TunnelBlockProxyLike(t, "Via: 1.1 proxysg.corp.test", "Symantec Web Security - Access Denied"), srv.URL}
			},
			code: ExitProblem, first: "proxy-blocks-connect", not: []string{"cause-unknown"},
			evidence: []string{"upgrade tunnel_title Symantec Web Security", "upgrade proxy_via proxysg"},
			words:    []string{"The proxy in the way is Symantec (Blue Coat) ProxySG", "Symantec (Blue Coat) ProxySG: allow 127.0.0.1", "Web Access Layer"},
		},
		{
			// squid's own refusal of CONNECT (403, Server: squid,
			// X-Squid-Error: ERR_ACCESS_DENIED) names Squid.
			name: "squid refuses the tunnel to this port (named Squid)",
			args: func(t *testing.T) []string {
				port, _ := strconv.Atoi(srv.URL[strings.LastIndex(srv.URL, ":")+1 : strings.LastIndex(srv.URL, "/")])
				p := checktest.StartSquid(t, checktest.SquidOptions{DenyConnectPorts: []int{port}})
				return []string{"--proxy", "http://" + p.Addr, srv.URL}
			},
			code: ExitProblem, first: "proxy-blocks-connect", has: []string{"proxy-configured"},
			evidence: []string{"proxy proxy_server squid", "proxy proxy_reason ERR_ACCESS_DENIED"},
			words:    []string{"The proxy in the way is Squid", "Squid: allow 127.0.0.1", "http_access allow CONNECT"},
		},
		{
			// A server that accepts the connection and never answers the
			// upgrade: the verdict comes in one --timeout, not two.
			name: "a server never answers the upgrade (--timeout 2s)",
			args: func(t *testing.T) []string {
				return []string{"--timeout", "2s", checktest.Silent(t)}
			},
			code: ExitProblem, first: "handshake-timeout", within: 2200 * time.Millisecond,
			evidence: []string{"upgrade failed_at response"},
		},
		{
			name: "nothing listens on the port",
			args: func(t *testing.T) []string {
				return []string{"ws://127.0.0.1:" + strconv.Itoa(checktest.FreePort(t)) + "/ws"}
			},
			code: ExitProblem, first: "tcp-blocked",
		},
		{
			// RFC 8441: Go's HTTP/2 server with GODEBUG=http2xconnect=1
			// invites browsers to open WebSockets over it, and its handler,
			// gorilla's Upgrader, knows only HTTP/1.1 (golang/go#71128).
			name: "Go's HTTP/2 server invites WebSockets over it, gorilla answers them 400",
			args: func(t *testing.T) []string { return h2Args(t, checktest.H2Gorilla, "") },
			code: ExitProblem, first: "h2-websocket-broken", not: []string{"websocket-ok"},
			evidence: []string{"h2 alpn h2", "h2 enable_connect_protocol 1", "h2 h2_status 400", "h2 browser_way h2", "upgrade status 101"},
			words:    []string{"Switching to another browser will not help", ":status 400"},
		},
		{
			name: "an HTTP/2 server invites WebSockets over it and resets them, through squid",
			args: func(t *testing.T) []string {
				return h2Args(t, checktest.H2Reset, checktest.StartSquid(t, checktest.SquidOptions{}).Addr)
			},
			code: ExitProblem, first: "h2-websocket-broken", not: []string{"websocket-ok"},
			evidence: []string{"h2 h2_reset INTERNAL_ERROR", "h2 proxy_status 200", "upgrade status 101"},
			words:    []string{"RST_STREAM INTERNAL_ERROR"},
		},
		{
			name: "WebSockets over HTTP/2 work, as browsers open them",
			args: func(t *testing.T) []string { return h2Args(t, checktest.H2Echo, "") },
			code: ExitOK, first: "websocket-ok", has: []string{"h2-websocket-ok"}, not: []string{"h2-websocket-broken"},
			evidence: []string{"h2 h2_status 200", "h2 h2_echo ok", "h2 browser_way h2"},
		},
		{
			name: "WebSockets over HTTP/2 work through squid",
			args: func(t *testing.T) []string {
				return h2Args(t, checktest.H2Echo, checktest.StartSquid(t, checktest.SquidOptions{}).Addr)
			},
			code: ExitOK, first: "websocket-ok", has: []string{"h2-websocket-ok"},
			evidence: []string{"h2 h2_echo ok", "h2 proxy_status 200"},
		},
		{
			name: "an HTTP/2 server that does not invite WebSockets over it (Go's default)",
			args: func(t *testing.T) []string { return h2Args(t, checktest.H2Plain, "") },
			code: ExitOK, first: "websocket-ok", not: []string{"h2-websocket-ok", "h2-websocket-broken"},
			evidence: []string{"h2 alpn h2", "h2 enable_connect_protocol absent", "h2 browser_way http/1.1"},
		},
		{
			// The app's own fallback (issue 23): a real Socket.IO app
			// (python3-socketio on aiohttp) behind a relay that drops the
			// WebSocket upgrade's headers, as nginx without
			// proxy_set_header Upgrade does: long polling still works.
			name: "a relay drops WebSocket upgrades to a Socket.IO app, its long polling works",
			args: func(t *testing.T) []string { return socketIOArgs(t, checktest.RelayNoUpgrade) },
			code: ExitProblem, first: "server-no-websocket", has: []string{"proxy-strips-upgrade", "fallback-works"}, not: []string{"websocket-ok", "fallback-broken"},
			evidence: []string{"fallback fallback_answer connected", "fallback fallback_open_status 200"},
			words:    []string{"can still work, more slowly"},
		},
		{
			name: "a relay blocks a Socket.IO app's path, WebSocket and long polling alike",
			args: func(t *testing.T) []string { return socketIOArgs(t, checktest.RelayBlockPath) },
			code: ExitProblem, first: "proxy-blocks-connect", has: []string{"fallback-broken"}, not: []string{"websocket-ok", "fallback-works"},
			evidence: []string{"fallback fallback_open_status 403", "fallback fallback_stage open"},
		},
		{
			name: "a relay accepts a Socket.IO app's requests and closes them unanswered",
			args: func(t *testing.T) []string { return socketIOArgs(t, checktest.RelayClose) },
			// Sure that both ways fail, while why the upgrade failed is
			// only likely: the finding that says both leads.
			code: ExitProblem, first: "fallback-broken", has: []string{"server-no-websocket"}, not: []string{"websocket-ok", "fallback-works"},
			evidence: []string{"fallback fallback_stage open", "fallback fallback_open_ms "},
			words:    []string{"was cut off or got no answer"},
		},
		{
			// The WebSocket opens, so nothing is said of the fallback. The
			// echo speaks Socket.IO's own packets (a plain message would be
			// a protocol error the app closes on): it works.
			name: "a Socket.IO app reached directly: its WebSocket opens, no word of the fallback",
			args: func(t *testing.T) []string { return socketIOArgs(t, "") },
			code: ExitOK, first: "websocket-ok", not: []string{"fallback-works", "fallback-broken", "messages-blocked"},
			evidence: []string{"upgrade status 101", "echo framework socketio", "echo socketio_answer connected", "fallback fallback_answer connected"},
		},
		{
			// SignalR and SockJS (issue 23), on test servers written from
			// their documented wire protocols (checktest.StartSignalR,
			// StartSockJS: no WebSocket), behind a real nginx set up the
			// usual way (proxy_pass: HTTP/1.0 to the app). With
			// proxy_buffering on, nginx holds the stream back until the
			// response ends; long polling still works.
			name: "SignalR behind nginx with proxy_buffering on: its stream is held back, long polling works",
			args: func(t *testing.T) []string { return streamAppArgs(t, "signalr", true) },
			code: ExitProblem, first: "server-no-websocket", has: []string{"fallback-buffered"}, not: []string{"websocket-ok", "fallback-works", "fallback-broken"},
			evidence: []string{"fallback fallback_streaming held", "fallback fallback_stream_transport sse", "fallback fallback_answer connected", "fallback fallback_held_by nginx"},
			words:    []string{"proxy_buffering off", "X-Accel-Buffering: no"},
		},
		{
			name: "SignalR behind nginx with proxy_buffering off: its stream comes live",
			args: func(t *testing.T) []string { return streamAppArgs(t, "signalr", false) },
			code: ExitProblem, first: "server-no-websocket", has: []string{"fallback-works"}, not: []string{"websocket-ok", "fallback-buffered", "fallback-broken"},
			evidence: []string{"fallback fallback_streaming live", "fallback fallback_answer connected"},
			words:    []string{"it uses SignalR"},
		},
		{
			name: "SockJS behind nginx with proxy_buffering on: xhr_streaming is held back, xhr polling works",
			args: func(t *testing.T) []string { return streamAppArgs(t, "sockjs", true) },
			code: ExitProblem, first: "server-no-websocket", has: []string{"fallback-buffered"}, not: []string{"websocket-ok", "fallback-works", "fallback-broken"},
			evidence: []string{"fallback fallback_streaming held", "fallback fallback_stream_transport xhr_streaming", "fallback fallback_send_status 204"},
			words:    []string{"it uses SockJS"},
		},
		{
			name: "SockJS behind nginx with proxy_buffering off: xhr_streaming comes live",
			args: func(t *testing.T) []string { return streamAppArgs(t, "sockjs", false) },
			code: ExitProblem, first: "server-no-websocket", has: []string{"fallback-works"}, not: []string{"websocket-ok", "fallback-buffered", "fallback-broken"},
			evidence: []string{"fallback fallback_streaming live", "fallback fallback_answer open"},
		},
	}
	lab := newLabTable(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := lab.row(t, tc.name, tc.first)
			ctx, cancel := context.WithTimeout(context.Background(), scenarioTimeout)
			defer cancel()
			// A scenario's own --proxy comes later and wins.
			args := []string{"--json", "--quiet", "--proxy", "none"}
			var out, errOut bytes.Buffer
			var code int
			if tc.netns != nil {
				c := tc.netns(t)
				code = checkInNetns(ctx, t, c, append(args, c.args...), &out, &errOut)
			} else {
				code = Edges{}.Check(ctx, append(args, tc.args(t)...), &out, &errOut)
			}
			var rep struct {
				Verdict    string                `json:"verdict"`
				TopFinding string                `json:"top_finding"`
				DurationMS float64               `json:"duration_ms"`
				Findings   []struct{ ID string } `json:"findings"`
				Results    []struct {
					Probe    string            `json:"probe"`
					Evidence map[string]string `json:"evidence"`
				} `json:"results"`
			}
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("exit %d, output is not JSON: %v\n%s\n%s", code, err, out.String(), errOut.String())
			}
			var ids []string
			for _, f := range rep.Findings {
				ids = append(ids, f.ID)
			}
			row.verdict, row.took = rep.Verdict, time.Duration(rep.DurationMS*float64(time.Millisecond))
			if len(ids) > 0 {
				row.top = ids[0]
			}
			if code != tc.code || len(ids) == 0 || ids[0] != tc.first {
				t.Errorf("exit %d, findings %v; want exit %d, %s first\n%s\n%s", code, ids, tc.code, tc.first, out.String(), errOut.String())
			}
			// The report's top finding explains the verdict: through a
			// proxy that works, websocket-ok, not proxy-configured.
			if rep.TopFinding != tc.first {
				t.Errorf("top_finding %q, want %s", rep.TopFinding, tc.first)
			}
			for _, id := range tc.has {
				if !slices.Contains(ids, id) {
					t.Errorf("findings %v lack %s", ids, id)
				}
			}
			for _, id := range tc.not {
				if slices.Contains(ids, id) {
					t.Errorf("findings %v have %s", ids, id)
				}
			}
			for _, e := range tc.evidence {
				f := strings.SplitN(e, " ", 3)
				found := false
				for _, r := range rep.Results {
					found = found || (r.Probe == f[0] && strings.Contains(r.Evidence[f[1]], f[2]))
				}
				if !found {
					t.Errorf("no %s result with %s containing %q\n%s", f[0], f[1], f[2], out.String())
				}
			}
			for _, w := range tc.words {
				if !strings.Contains(out.String(), w) {
					t.Errorf("the report does not say %q\n%s", w, out.String())
				}
			}
			for _, w := range tc.unsaid {
				if strings.Contains(out.String(), w) {
					t.Errorf("the report says %q\n%s", w, out.String())
				}
			}
			if tc.within > 0 && row.took > tc.within {
				t.Errorf("the check took %v, more than %v", row.took, tc.within)
			}
			if tc.secret != "" && (strings.Contains(out.String(), tc.secret) || strings.Contains(errOut.String(), tc.secret)) {
				t.Errorf("the proxy password is in the output")
			}
		})
	}
}

// presetFile writes a preset for --preset.
func presetFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "preset.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// hostOf is a URL's host:port.
func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// startRefserver starts the reference server on loopback, over TLS with
// cert, and stops it when the test ends.
func startRefserver(t *testing.T, cert tls.Certificate) *refserver.Server {
	t.Helper()
	s, err := refserver.StartTLS("127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// startRefserverIn starts the reference server on addr inside ns, over TLS
// with cert unless it is the zero value, and stops it when the test ends.
func startRefserverIn(t *testing.T, ns *checktest.Netns, addr string, cert tls.Certificate) *refserver.Server {
	t.Helper()
	var cfg *tls.Config
	if cert.Certificate != nil {
		cfg = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	var s *refserver.Server
	if err := ns.Do(func() (err error) {
		s, err = refserver.StartTLS(addr, cfg)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// checkInNetns runs `wsdoctor check args` inside the namespace as a process
// of its own (this test binary, see TestMain) and returns its exit code.
// Its environment names no proxy and no desktop, so only c.env decides the
// route; it uses Go's own resolver, which reads the namespace's
// resolv.conf (glibc's could ask systemd-resolved over a socket that no
// namespace separates).
func checkInNetns(ctx context.Context, t *testing.T, c nsCheck, args []string, stdout, stderr io.Writer) int {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := c.ns.Command(ctx, exe, append([]string{"check"}, args...)...)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		// REQUEST_METHOD would make Go ignore HTTP_PROXY, as under CGI.
		switch strings.ToUpper(name) {
		case "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD",
			"XDG_CURRENT_DESKTOP", "XDG_CONFIG_HOME", "GSETTINGS_BACKEND", "GODEBUG", cliHelperEnv:
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, cliHelperEnv+"=1", "GODEBUG=netdns=go", "GSETTINGS_BACKEND=memory", "XDG_CONFIG_HOME="+t.TempDir())
	cmd.Env = append(cmd.Env, c.env...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	}
	t.Fatalf("run the check in namespace %s: %v\n%s", c.ns.Name, err, stderr)
	return -1
}

// labTable collects a row per scenario and, when labEnv names a file,
// writes them there as a Markdown table when the test ends.
type labTable struct {
	rows []*labRow
}

type labRow struct {
	name, want, verdict, top string
	// took is the check's own time; all the scenario's, with its parts
	// started and stopped.
	took, all       time.Duration
	skipped, failed bool
}

func newLabTable(t *testing.T) *labTable {
	lab := &labTable{}
	path := os.Getenv(labEnv)
	if path == "" {
		return lab
	}
	t.Cleanup(func() {
		if err := os.WriteFile(path, []byte(lab.markdown()), 0o644); err != nil {
			t.Errorf("write the lab table: %v", err)
		}
	})
	return lab
}

// row adds the row of the running scenario; it is marked skipped or failed
// when the scenario ends.
func (l *labTable) row(t *testing.T, name, want string) *labRow {
	r := &labRow{name: name, want: want}
	l.rows = append(l.rows, r)
	start := time.Now()
	// The first cleanup registered runs last, after the parts are stopped.
	t.Cleanup(func() { r.skipped, r.failed, r.all = t.Skipped(), t.Failed(), time.Since(start) })
	return r
}

func (l *labTable) markdown() string {
	var b strings.Builder
	b.WriteString("| Scenario | Verdict | Top finding | Check took | With set-up |\n|---|---|---|---:|---:|\n")
	for _, r := range l.rows {
		verdict, top, took := "`"+r.verdict+"`", "`"+r.top+"`", seconds(r.took)
		switch {
		case r.skipped:
			verdict, top, took = "skipped", "", ""
		case r.failed && r.verdict == "":
			verdict, top, took = "**failed**", "(want `"+r.want+"`)", ""
		case r.failed:
			top += " **failed** (want `" + r.want + "`)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.name, verdict, top, took, seconds(r.all))
	}
	return b.String()
}

// seconds is d as the table shows it: "0.4 ms", "40 ms", "4.1 s".
func seconds(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// writePAC writes a PAC script to a file and returns its path.
func writePAC(t *testing.T, script string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "proxy.pac")
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// netnsHost is the address a namespace scenario's service has: an
// address of the namespace's own, so no name is looked up and Go's
// proxy rules (which never proxy loopback) apply as to any server.
const netnsHost = "10.77.0.2"

// netnsWithAddress makes a network namespace with netnsHost on its
// loopback interface.
func netnsWithAddress(t *testing.T) *checktest.Netns {
	t.Helper()
	ns := checktest.NewNetns(t)
	ns.Run(t, "ip", "addr", "add", netnsHost+"/32", "dev", "lo")
	return ns
}

// netnsService is netnsWithAddress with a wss:// reference server on
// netnsHost, its certificate from a new test CA, and that CA's file.
func netnsService(t *testing.T) (*checktest.Netns, *refserver.Server, string) {
	t.Helper()
	ns := netnsWithAddress(t)
	ca := checktest.NewCA(t)
	wss := startRefserverIn(t, ns, netnsHost+":0", ca.Leaf(t, checktest.LeafSpec{Hosts: []string{netnsHost}}))
	return ns, wss, ca.WriteFile(t)
}

// servePAC serves script as a PAC file at path on ln until the test ends.
func servePAC(t *testing.T, ln net.Listener, path, script string) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		io.WriteString(w, script)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
}

// kerberosSquid starts a realm (LAB.TEST) on loopback and squid asking for
// Negotiate as HTTP/localhost, points this process's Kerberos at them
// (KRB5_CONFIG, and KRB5CCNAME at a ticket for alice when withTicket, at
// an empty cache otherwise) and returns squid's port.
func kerberosSquid(t *testing.T, withTicket bool) string {
	t.Helper()
	kdc := checktest.StartKDC(t, "LAB.TEST")
	keytab := kdc.AddService(t, "HTTP/localhost")
	cc := filepath.Join(t.TempDir(), "none")
	if withTicket {
		cc = kdc.Kinit(t, "alice")
	}
	t.Setenv("KRB5_CONFIG", kdc.Config)
	t.Setenv("KRB5CCNAME", "FILE:"+cc)
	p := checktest.StartSquid(t, checktest.SquidOptions{Negotiate: "HTTP/localhost", NegotiateKeytab: keytab, Env: kdc.Env()})
	_, port, _ := net.SplitHostPort(p.Addr)
	return port
}

// clientCertArgs starts a service that wants a client certificate from the
// "Acme Client CA" in front of srv ("nginx on", "nginx optional": nginx's
// ssl_verify_client; "go": a Go TLS server with RequireAndVerifyClientCert)
// and returns the check's arguments: with no certificate (cert ""), one
// from another CA ("wrong") or the right one ("right").
func clientCertArgs(t *testing.T, srv *refserver.Server, kind, cert string) []string {
	t.Helper()
	serverCA := checktest.NewCA(t)
	clientCA := checktest.NewNamedCA(t, pkix.Name{CommonName: "Acme Client CA", Organization: []string{"Acme"}})
	var url string
	switch kind {
	case "nginx on", "nginx optional":
		url = "wss://" + checktest.NginxClientCert(t, srv.Addr, serverCA.Valid(t), clientCA, strings.TrimPrefix(kind, "nginx ")) + "/ws"
	default:
		s, err := refserver.StartTLS("127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{serverCA.Valid(t)},
			ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCA.Pool()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		url = s.URL
	}
	args := []string{"--ca", serverCA.WriteFile(t)}
	switch cert {
	case "wrong":
		other := checktest.NewNamedCA(t, pkix.Name{CommonName: "Somebody Else CA"})
		c, k := checktest.WriteKeyPair(t, other.ClientLeaf(t, "jane"))
		args = append(args, "--cert", c, "--key", k)
	case "right":
		c, k := checktest.WriteKeyPair(t, clientCA.ClientLeaf(t, "jane"))
		args = append(args, "--cert", c, "--key", k)
	}
	return append(args, url)
}

// redirectIn sends the namespace's connections to dst:port to to (an
// address on the namespace's loopback), with an iptables nat REDIRECT, as
// a guest network's gateway sends them to its portal.
func redirectIn(t *testing.T, ns *checktest.Netns, dst string, port int, to net.Addr) {
	t.Helper()
	if _, err := exec.LookPath("iptables"); err != nil {
		t.Skip("iptables is not installed")
	}
	_, toPort, _ := net.SplitHostPort(to.String())
	ns.Run(t, "iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", dst, "--dport", strconv.Itoa(port), "-j", "REDIRECT", "--to-ports", toPort)
}

// TestProxyGoesAway: a proxy that opens one tunnel and then goes away
// (its listener closed: the next connections are refused or cut before
// an answer) is proxy-unreachable with case went_away, for IT, with the
// time it went away, never cause-unknown or "the setting is wrong". The
// probes race for the one tunnel, so the WebSocket itself may have got
// it: the exit code follows whether the upgrade worked.
func TestProxyGoesAway(t *testing.T) {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for i := range 4 {
		var out, errOut bytes.Buffer
		code := Edges{}.Check(context.Background(), []string{"--json", "--timeout", "5s", "--proxy", "http://" + checktest.DyingProxy(t, 1), srv.URL}, &out, &errOut)
		var rep struct {
			Findings []struct {
				ID          string `json:"id"`
				Title       string `json:"title"`
				Explanation string `json:"explanation"`
				WhoCanFix   string `json:"who_can_fix"`
			} `json:"findings"`
			AdminNote string `json:"admin_note"`
			Results   []struct {
				Probe  string `json:"probe"`
				Status string `json:"status"`
			} `json:"results"`
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Findings) == 0 {
			t.Fatalf("run %d: exit %d, no findings (%v)\n%s\n%s", i, code, err, out.String(), errOut.String())
		}
		first := rep.Findings[0]
		if first.ID != "proxy-unreachable" || !strings.Contains(first.Title, "stopped answering during the check") ||
			!regexp.MustCompile(`at \d\d:\d\d:\d\d`).MatchString(first.Explanation) || first.WhoCanFix != "network_admin" {
			t.Errorf("run %d: first finding %+v, want proxy-unreachable, went away at a time, for IT\n%s", i, first, out.String())
		}
		if !strings.Contains(rep.AdminNote, "Check its logs around that time") {
			t.Errorf("run %d: the admin note does not say when: %q", i, rep.AdminNote)
		}
		upgraded := false
		for _, r := range rep.Results {
			upgraded = upgraded || (r.Probe == "upgrade" && r.Status == "pass")
		}
		if want := map[bool]int{true: ExitOK, false: ExitProblem}[upgraded]; code != want {
			t.Errorf("run %d: exit %d, the upgrade passed: %v", i, code, upgraded)
		}
	}
}

// h2Args are the arguments of a check of Go's HTTP/2 server in mode
// (checktest.StartH2Server), through the proxy at proxyAddr when given.
func h2Args(t *testing.T, mode, proxyAddr string) []string {
	ca := checktest.NewCA(t)
	args := []string{"--ca", ca.WriteFile(t)}
	if proxyAddr != "" {
		args = append(args, "--proxy", "http://"+proxyAddr)
	}
	return append(args, checktest.StartH2Server(t, mode, ca.Valid(t)))
}

// socketIOArgs are the arguments of a check of a real Socket.IO app's
// WebSocket address, behind a checktest.StartSocketIORelay in mode when
// mode is not empty.
// streamAppArgs starts a SignalR or SockJS test server (no WebSocket)
// behind nginx with proxy_buffering on or off, and returns the address
// its client would open a WebSocket to.
func streamAppArgs(t *testing.T, framework string, buffering bool) []string {
	t.Helper()
	if framework == "signalr" {
		return []string{"ws://" + checktest.NginxBuffering(t, checktest.StartSignalR(t, checktest.StreamAppOptions{}), buffering) + "/chathub?id=abc"}
	}
	return []string{"ws://" + checktest.NginxBuffering(t, checktest.StartSockJS(t, checktest.StreamAppOptions{}), buffering) + "/echo/123/abcdef/websocket"}
}

func socketIOArgs(t *testing.T, mode string) []string {
	t.Helper()
	addr := checktest.StartSocketIO(t)
	if mode != "" {
		addr = checktest.StartSocketIORelay(t, addr, mode)
	}
	return []string{"ws://" + addr + "/socket.io/?EIO=4&transport=websocket"}
}
