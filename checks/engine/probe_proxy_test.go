//go:build unix

package engine_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

func proxyProbes() []engine.Probe {
	return []engine.Probe{engine.DNSProbe(), engine.TCPProbe(), engine.ProxyProbe(), engine.TLSProbe()}
}

// runRoute runs the proxy probes against target with the route given
// (nil: the one Options.Proxy says).
func runRoute(t *testing.T, target string, opts engine.Options, route *netenv.Route) engine.Outcome {
	t.Helper()
	return runProbesRoute(t, proxyProbes(), target, opts, route)
}

func runProbesRoute(t *testing.T, probes []engine.Probe, target string, opts engine.Options, route *netenv.Route) engine.Outcome {
	t.Helper()
	tg, err := engine.ParseTarget(target)
	if err != nil {
		t.Fatal(err)
	}
	rn := &engine.Runner{Probes: probes}
	if route != nil {
		rn.Route = func(context.Context, engine.Target, engine.Options) netenv.Route { return *route }
	}
	ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
	defer cancel()
	out, err := rn.Run(ctx, tg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestProxyProbeThroughRealProxies(t *testing.T) {
	ca := checktest.NewCA(t)
	caFile := ca.WriteFile(t)
	srv := checktest.StartCertServer(t, ca.Valid(t), 0, 0)
	target := "wss://127.0.0.1:" + strconv.Itoa(srv.Port) + "/socket"
	open := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{ConnectPorts: []int{srv.Port}})
	refusing := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{ConnectPorts: []int{1}})
	squidAuth := checktest.StartSquid(t, checktest.SquidOptions{Auth: checktest.ProxyAuth{User: "alice", Pass: "s3cret"}})
	socks := checktest.StartMicrosocks(t, checktest.ProxyAuth{User: "alice", Pass: "s3cret"})
	dead := "http://127.0.0.1:" + strconv.Itoa(checktest.FreePort(t))

	for _, tc := range []struct {
		name     string
		proxy    string
		status   engine.Status
		code     string
		evidence map[string]string
	}{
		{"tinyproxy tunnel", open.URL("http", "", "").String(), engine.Pass, "ok",
			map[string]string{"route_source": "option", "route_origin": "--proxy", "proxy_source": "option", "proxy_status": "200 Connection established", "proxy_server": "tinyproxy*"}},
		{"tinyproxy refuses the port", refusing.URL("http", "", "").String(), engine.Fail, "proxy_refused_connect",
			map[string]string{"proxy_status": "403 *", "proxy_stage": "handshake", "proxy_body": "*"}},
		{"squid wants a password", squidAuth.URL("http", "", "").String(), engine.Fail, "proxy_auth_required",
			map[string]string{"proxy_status": "407 Proxy Authentication Required", "proxy_authenticate": `Basic realm="wsdoctor-test"`, "proxy_via": "1.1 *", "proxy_server": "squid*"}},
		{"squid with the password", squidAuth.URL("http", "alice", "s3cret").String(), engine.Pass, "ok",
			map[string]string{"proxy": "http://alice:xxxxx@" + squidAuth.Addr, "proxy_status": "200*"}},
		{"socks5 with the password", socks.URL("socks5", "alice", "s3cret").String(), engine.Pass, "ok",
			map[string]string{"proxy_status": "succeeded"}},
		{"socks5 without it", socks.URL("socks5", "", "").String(), engine.Fail, "proxy_auth_required",
			map[string]string{"proxy_status": "authentication refused"}},
		{"nothing listens", dead, engine.Fail, "proxy_unreachable",
			map[string]string{"proxy_stage": "connect", "proxy_error": "proxy http://127.0.0.1:*"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := runRoute(t, target, engine.Options{CAFile: caFile, Proxy: mustMode(t, tc.proxy)}, nil)
			p := result(t, out, "proxy")
			wantStatus(t, p, tc.status, tc.code)
			wantEvidence(t, p, tc.evidence)
			if strings.Contains(p.Error, "s3cret") || strings.Contains(p.Evidence.Value("route"), "s3cret") {
				t.Errorf("password shown: %q %q", p.Error, p.Evidence)
			}
			// The tls probe dials through the same proxy, so it fails
			// the same way, and the direct tcp probe does not explain it.
			tr := result(t, out, "tls")
			wantStatus(t, tr, tc.status, tc.code)
			wantEvidence(t, tr, map[string]string{"proxy_source": "option"})
			if tc.status == engine.Pass {
				for _, ph := range []engine.Phase{engine.PhaseConnect, engine.PhaseProxy, engine.PhaseTLS} {
					if _, ok := tr.Timing(ph); !ok {
						t.Errorf("tls: no %s timing in %v", ph, tr.Timings)
					}
				}
			}
		})
	}
}

func TestProxyProbeRoutes(t *testing.T) {
	ca := checktest.NewCA(t)
	caFile := ca.WriteFile(t)
	srv := checktest.StartCertServer(t, ca.Valid(t), 0, 0)
	target := "wss://127.0.0.1:" + strconv.Itoa(srv.Port) + "/"
	open := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{})
	dead, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(checktest.FreePort(t)))

	t.Run("none", func(t *testing.T) {
		out := runRoute(t, target, engine.Options{CAFile: caFile, Proxy: netenv.Direct}, nil)
		wantStatus(t, result(t, out, "proxy"), engine.Skip, engine.CodeNoProxy)
		tr := result(t, out, "tls")
		wantStatus(t, tr, engine.Pass, "ok")
		if _, ok := tr.Evidence.Get("proxy"); ok {
			t.Errorf("direct tls has proxy evidence: %v", tr.Evidence)
		}
	})
	t.Run("system setting with failover", func(t *testing.T) {
		route := netenv.Route{Proxies: []*url.URL{dead, open.URL("http", "", "")}, Source: netenv.SourcePAC, Origin: "http://pac.corp.example/proxy.pac", Setting: netenv.SourceWinINET, PACResult: "PROXY a:1; PROXY b:2"}
		out := runRoute(t, target, engine.Options{CAFile: caFile}, &route)
		p := result(t, out, "proxy")
		wantStatus(t, p, engine.Pass, "ok")
		wantEvidence(t, p, map[string]string{
			"route_source": "pac", "route_setting": "wininet", "route_origin": "http://pac.corp.example/proxy.pac",
			"pac_result": "PROXY a:1; PROXY b:2", "proxy_failover": dead.String(), "proxy": open.URL("http", "", "").String(), "settings": "*",
		})
	})
	t.Run("broken PAC falls back to direct", func(t *testing.T) {
		route := netenv.Route{Source: netenv.SourcePAC, Err: errors.New("PAC: the script threw: boom")}
		out := runRoute(t, target, engine.Options{CAFile: caFile}, &route)
		p := result(t, out, "proxy")
		wantStatus(t, p, engine.Warn, engine.CodeProxyRouteError)
		tr := result(t, out, "tls")
		wantStatus(t, tr, engine.Pass, "ok")
		wantEvidence(t, tr, map[string]string{"proxy_route_error": "PAC: the script threw*"})
	})
	t.Run("bad --proxy", func(t *testing.T) {
		if m, err := netenv.ParseMode("gopher://x"); err == nil {
			t.Errorf("gopher://x is a proxy mode: %+v", m)
		}
	})
}

func TestClassifyProxyError(t *testing.T) {
	for _, code := range []string{engine.CodeProxyUnreachable, engine.CodeProxyAuthRequired, engine.CodeProxyRefusedConnect, engine.CodeProxyError} {
		err := &netenv.ProxyError{Proxy: "http://p:1", Code: code, Err: errors.New("x")}
		if got := engine.Classify(errors.Join(errors.New("upgrade"), err)); got != code {
			t.Errorf("Classify(%s) = %s", code, got)
		}
	}
	cancelled := &netenv.ProxyError{Code: engine.CodeProxyUnreachable, Err: context.Canceled}
	if got := engine.Classify(cancelled); got != engine.CodeCancelled {
		t.Errorf("cancelled proxy dial = %s", got)
	}
}

// TestUpgradeThroughProxyAndDirect runs the WebSocket upgrade through a
// real proxy and, with upgrade_direct, around it, against the reference
// echo server; echo uses the proxied connection.
func TestUpgradeThroughProxyAndDirect(t *testing.T) {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	tiny := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{})
	probes := []engine.Probe{engine.DNSProbe(), engine.TCPProbe(), engine.ProxyProbe(), engine.UpgradeProbe(), engine.UpgradeDirectProbe(), engine.EchoProbe()}

	out := runProbesRoute(t, probes, srv.URL, engine.Options{Proxy: netenv.Mode{Kind: netenv.ModeURL, URL: tiny.URL("http", "", "")}}, nil)
	wantStatus(t, result(t, out, "proxy"), engine.Pass, "ok")
	up := result(t, out, "upgrade")
	wantStatus(t, up, engine.Pass, "ok")
	wantEvidence(t, up, map[string]string{"proxy": tiny.URL("http", "", "").String(), "proxy_status": "200 Connection established"})
	if _, ok := up.Timing(engine.PhaseProxy); !ok {
		t.Errorf("upgrade: no proxy timing in %v", up.Timings)
	}
	direct := result(t, out, "upgrade_direct")
	wantStatus(t, direct, engine.Pass, "ok")
	wantEvidence(t, direct, map[string]string{"bypassed_proxy": tiny.URL("http", "", "").String()})
	if _, ok := direct.Evidence.Get("proxy_status"); ok {
		t.Errorf("upgrade_direct went through the proxy: %v", direct.Evidence)
	}
	wantStatus(t, result(t, out, "echo"), engine.Pass, "ok")

	// With no proxy, upgrade_direct has nothing to compare.
	out = runProbesRoute(t, probes, srv.URL, engine.Options{Proxy: netenv.Direct}, nil)
	wantStatus(t, result(t, out, "upgrade_direct"), engine.Skip, engine.CodeNoProxy)
	wantStatus(t, result(t, out, "echo"), engine.Pass, "ok")
}

// mustMode is the proxy mode s, which must parse.
func mustMode(t *testing.T, s string) netenv.Mode {
	t.Helper()
	m, err := netenv.ParseMode(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestProxyProbeFirefox: Firefox's own proxy setting is noted, and how its
// way to the target differs from the route the check took.
func TestProxyProbeFirefox(t *testing.T) {
	tg, err := engine.ParseTarget("wss://chat.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	run := func(prefs string) engine.Outcome {
		t.Helper()
		firefox := netenv.ParseFirefoxPrefs(prefs, "/p/prefs.js")
		rn := &engine.Runner{Probes: []engine.Probe{engine.ProxyProbe()},
			Route:    func(context.Context, engine.Target, engine.Options) netenv.Route { return netenv.Route{} },
			Settings: func(context.Context) netenv.Settings { return netenv.Settings{} },
			Firefox:  func() (netenv.FirefoxProxy, bool) { return firefox, true }}
		ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
		defer cancel()
		out, err := rn.Run(ctx, tg, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	out := run("user_pref(\"network.proxy.type\", 1);\nuser_pref(\"network.proxy.ssl\", \"proxy.corp.example\");\nuser_pref(\"network.proxy.ssl_port\", 3128);\n")
	wantEvidence(t, result(t, out, "proxy"), map[string]string{
		"firefox_proxy":   "manual: https=http://proxy.corp.example:3128",
		"firefox_differs": "Firefox uses the proxy http://proxy.corp.example:3128",
	})
	out = run("")
	if v, ok := result(t, out, "proxy").Evidence.Get("firefox_proxy"); ok {
		t.Errorf("Firefox following the system noted: %q", v)
	}
}
