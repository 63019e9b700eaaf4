//go:build unix

package engine_test

import (
	"context"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// TestH2Probe opens WebSockets over HTTP/2 (RFC 8441) as browsers do,
// against Go's own HTTP/2 server in a process of its own (with
// GODEBUG=http2xconnect=1 where it invites them), directly and through
// squid's CONNECT tunnel; the WebSocket over HTTP/1.1 works on every one.
func TestH2Probe(t *testing.T) {
	ca := checktest.NewCA(t)
	caFile := ca.WriteFile(t)
	cert := ca.Valid(t)
	servers := map[string]string{}
	for _, mode := range []string{checktest.H2Echo, checktest.H2Gorilla, checktest.H2Reset, checktest.H2Plain, checktest.H2Off} {
		servers[mode] = checktest.StartH2Server(t, mode, cert)
	}
	squid := checktest.StartSquid(t, checktest.SquidOptions{})

	for _, tc := range []struct {
		mode     string
		status   engine.Status
		code     string
		evidence map[string]string
	}{
		{checktest.H2Echo, engine.Pass, engine.CodeOK, map[string]string{
			"alpn": "h2", "enable_connect_protocol": "1", "h2_status": "200", "h2_echo": "ok", "browser_way": "h2", "server": "checktest-h2-echo"}},
		{checktest.H2Gorilla, engine.Fail, "status_400", map[string]string{
			"alpn": "h2", "enable_connect_protocol": "1", "h2_status": "400", "h2_stage": "stream", "browser_way": "h2", "body": "Bad Request*"}},
		{checktest.H2Reset, engine.Fail, engine.CodeH2StreamReset, map[string]string{
			"alpn": "h2", "enable_connect_protocol": "1", "h2_reset": "INTERNAL_ERROR", "h2_stage": "stream", "browser_way": "h2"}},
		{checktest.H2Plain, engine.Pass, engine.CodeH2NoWebSocket, map[string]string{
			"alpn": "h2", "enable_connect_protocol": "absent", "browser_way": "http/1.1"}},
		{checktest.H2Off, engine.Pass, engine.CodeH2NotOffered, map[string]string{
			"alpn": "http/1.1", "browser_way": "http/1.1"}},
	} {
		for _, via := range []string{"direct", "squid"} {
			t.Run(tc.mode+" "+via, func(t *testing.T) {
				opts := engine.Options{CAFile: caFile, Proxy: netenv.Direct, NoLadder: true}
				if via == "squid" {
					opts.Proxy = mustMode(t, squid.URL("http", "", "").String())
				}
				target, err := engine.ParseTarget(servers[tc.mode])
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
				defer cancel()
				out, err := (&engine.Runner{}).Run(ctx, target, opts)
				if err != nil {
					t.Fatal(err)
				}
				// The check's own way, HTTP/1.1, works on every server.
				wantStatus(t, result(t, out, engine.ProbeUpgrade), engine.Pass, engine.CodeOK)
				wantStatus(t, result(t, out, engine.ProbeEcho), engine.Pass, engine.CodeOK)
				h := result(t, out, engine.ProbeH2)
				wantStatus(t, h, tc.status, tc.code)
				wantEvidence(t, h, tc.evidence)
				if via == "squid" {
					wantEvidence(t, h, map[string]string{"proxy_status": "200*", "proxy_source": "option"})
				} else if _, ok := h.Evidence.Get("proxy"); ok {
					t.Errorf("direct h2 probe has proxy evidence: %v", h.Evidence)
				}
			})
		}
	}
}

// TestH2ProbeLeftOut: a ws:// target has no h2 probe in the default run
// (browsers use HTTP/2 only over TLS), nor a wss:// one with NoH2; the
// probe itself skips a ws:// target.
func TestH2ProbeLeftOut(t *testing.T) {
	ca := checktest.NewCA(t)
	srv := checktest.StartH2Server(t, checktest.H2Echo, ca.Valid(t))
	caFile := ca.WriteFile(t)
	for _, tc := range []struct {
		url  string
		opts engine.Options
	}{
		{srv, engine.Options{CAFile: caFile, NoH2: true, NoLadder: true, Proxy: netenv.Direct}},
		{strings.Replace(srv, "wss://", "ws://", 1), engine.Options{NoLadder: true, Proxy: netenv.Direct}},
	} {
		target, _ := engine.ParseTarget(tc.url)
		out, err := (&engine.Runner{}).Run(context.Background(), target, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := out.Result(engine.ProbeH2); ok {
			t.Errorf("%s: h2 probe ran: %+v", tc.url, r)
		}
	}
	target, _ := engine.ParseTarget(strings.Replace(srv, "wss://", "ws://", 1))
	out, err := (&engine.Runner{Probes: []engine.Probe{engine.DNSProbe(), engine.H2Probe()}}).Run(context.Background(), target, engine.Options{Proxy: netenv.Direct})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, result(t, out, engine.ProbeH2), engine.Skip, engine.CodeNotApplicable)
}
