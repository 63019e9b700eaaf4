//go:build unix

package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// TestFallbackProbe runs Socket.IO's polling fallback against a real
// Socket.IO server (python3-socketio on aiohttp): reached directly, behind
// a relay that drops WebSocket upgrades (the WebSocket fails, polling
// works), behind one that blocks /socket.io/ (both fail), and through
// squid's CONNECT tunnel.
func TestFallbackProbe(t *testing.T) {
	app := checktest.StartSocketIO(t)
	noUpgrade := checktest.StartSocketIORelay(t, app, checktest.RelayNoUpgrade)
	blocked := checktest.StartSocketIORelay(t, app, checktest.RelayBlockPath)
	closing := checktest.StartSocketIORelay(t, app, checktest.RelayClose)
	squid := checktest.StartSquid(t, checktest.SquidOptions{})
	const path = "/socket.io/?EIO=4&transport=websocket"

	for _, tc := range []struct {
		name     string
		addr     string
		proxy    bool
		upgrade  bool
		status   engine.Status
		code     string
		evidence map[string]string
	}{
		{"direct", app, false, true, engine.Pass, engine.CodeOK, map[string]string{
			"fallback_framework": "socketio", "fallback_transport": "polling", "fallback_answer": "connected",
			"fallback_open_status": "200", "fallback_send_status": "200", "fallback_receive_status": "200"}},
		{"no upgrade", noUpgrade, false, false, engine.Pass, engine.CodeOK, map[string]string{
			"fallback_answer": "connected", "fallback_open_status": "200", "fallback_receive_status": "200"}},
		{"no upgrade via squid", noUpgrade, true, false, engine.Pass, engine.CodeOK, map[string]string{
			"fallback_answer": "connected", "proxy_status": "200*", "proxy_source": "option"}},
		{"blocked", blocked, false, false, engine.Fail, "status_403", map[string]string{
			"fallback_stage": "open", "fallback_open_status": "403"}},
		{"accepts and closes", closing, false, false, engine.Fail, "closed", map[string]string{
			"fallback_stage": "open"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := engine.Options{Proxy: netenv.Direct, NoLadder: true}
			if tc.proxy {
				opts.Proxy = mustMode(t, squid.URL("http", "", "").String())
			}
			target, err := engine.ParseTarget("ws://" + tc.addr + path)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
			defer cancel()
			out, err := (&engine.Runner{}).Run(ctx, target, opts)
			if err != nil {
				t.Fatal(err)
			}
			if up := result(t, out, engine.ProbeUpgrade); up.OK() != tc.upgrade {
				t.Errorf("upgrade: %s %s, want ok=%v", up.Status, up.Code, tc.upgrade)
			}
			f := result(t, out, engine.ProbeFallback)
			wantStatus(t, f, tc.status, tc.code)
			wantEvidence(t, f, tc.evidence)
			if strings.Contains(f.Error, "/socket.io/") {
				t.Errorf("the error quotes the address: %q", f.Error)
			}
			for _, k := range []string{"fallback_open_ms"} {
				if _, ok := f.Evidence.Get(k); !ok {
					t.Errorf("no %s in %v", k, f.Evidence)
				}
			}
		})
	}
}

// TestFallbackProbeLeftOut: an address of no framework has no fallback
// probe in the default run; the probe itself skips it.
func TestFallbackProbeLeftOut(t *testing.T) {
	srv := checktest.StartSocketIO(t)
	target, _ := engine.ParseTarget("ws://" + srv + "/chat")
	out, err := (&engine.Runner{}).Run(context.Background(), target, engine.Options{Proxy: netenv.Direct, NoLadder: true})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := out.Result(engine.ProbeFallback); ok {
		t.Errorf("fallback probe ran: %+v", r)
	}
	out, err = (&engine.Runner{Probes: []engine.Probe{engine.DNSProbe(), engine.FallbackProbe()}}).Run(context.Background(), target, engine.Options{Proxy: netenv.Direct})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, result(t, out, engine.ProbeFallback), engine.Skip, engine.CodeNotApplicable)

	// A preset that names the framework: its fallback is tried at
	// Socket.IO's default path although the address does not show it.
	out, err = (&engine.Runner{}).Run(context.Background(), target, engine.Options{Proxy: netenv.Direct, NoLadder: true, Framework: engine.NeedSocketIO})
	if err != nil {
		t.Fatal(err)
	}
	f := result(t, out, engine.ProbeFallback)
	wantStatus(t, f, engine.Pass, engine.CodeOK)
	wantEvidence(t, f, map[string]string{"fallback_answer": "connected"})
	if _, err := (&engine.Runner{}).Run(context.Background(), target, engine.Options{Proxy: netenv.Direct, Framework: "meteor"}); err == nil {
		t.Error("an unknown framework was accepted")
	}
}

// TestIdleLeftOutForSocketIO: a Socket.IO app closes connections that
// miss its heartbeat and takes plain messages as protocol errors, so the
// idle test would measure the app and blame the network: it is skipped,
// and says why.
func TestIdleLeftOutForSocketIO(t *testing.T) {
	out := runCheck(t, &engine.Runner{Probes: engine.IdleProbes()}, startRef(t, nil), engine.Options{Framework: engine.NeedSocketIO, Idle: 3 * time.Second})
	idle, ok := out.Result(engine.ProbeIdle)
	if !ok || idle.Status != engine.Skip || idle.Code != engine.CodeNotApplicable || !strings.Contains(idle.Reason, "Socket.IO") {
		t.Fatalf("idle %+v, want skipped: not applicable to a Socket.IO app", idle)
	}
}
