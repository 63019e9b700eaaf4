//go:build unix

package engine_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// startBlocker answers every request 403 with a block page, as a filter
// that blocks the app's host does.
func startBlocker(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("<html><title>Blocked</title><body>This address is blocked.</body></html>"))
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// TestFallbackStreaming runs SignalR's and SockJS's fallbacks (Server-Sent
// Events and long polling; xhr_streaming and xhr polling) against servers
// that refuse WebSockets: directly, through squid's CONNECT tunnel, behind
// a real nginx with proxy_buffering on (the stream is held: the polling
// works, the streaming is "held", and nginx is named) and off (live), with
// buffering on but the app sending X-Accel-Buffering: no (live), and
// behind a filter that blocks everything (failed).
func TestFallbackStreaming(t *testing.T) {
	squid := checktest.StartSquid(t, checktest.SquidOptions{})
	blocker := startBlocker(t)
	for _, fw := range []struct {
		name, path string
		start      func(testing.TB, checktest.StreamAppOptions) string
		stream     string
	}{
		{"signalr", "/chathub?id=abc", checktest.StartSignalR, "sse"},
		{"sockjs", "/echo/123/abcdef/websocket", checktest.StartSockJS, "xhr_streaming"},
	} {
		app := fw.start(t, checktest.StreamAppOptions{})
		appNoBuf := fw.start(t, checktest.StreamAppOptions{NoBuffering: true})
		buffering := checktest.NginxBuffering(t, app, true)
		for _, tc := range []struct {
			name      string
			addr      string
			proxy     bool
			status    engine.Status
			code      string
			streaming string
			heldBy    string
		}{
			{"direct", app, false, engine.Pass, engine.CodeOK, engine.StreamLive, ""},
			{"via squid", app, true, engine.Pass, engine.CodeOK, engine.StreamLive, ""},
			{"nginx buffering on", buffering, false, engine.Pass, engine.CodeFallbackBuffered, engine.StreamHeld, "nginx"},
			{"nginx buffering on via squid", buffering, true, engine.Pass, engine.CodeFallbackBuffered, engine.StreamHeld, "nginx"},
			{"nginx buffering off", checktest.NginxBuffering(t, app, false), false, engine.Pass, engine.CodeOK, engine.StreamLive, ""},
			{"nginx buffering on, app says X-Accel-Buffering no", checktest.NginxBuffering(t, appNoBuf, true), false, engine.Pass, engine.CodeOK, engine.StreamLive, ""},
			{"blocked", blocker, false, engine.Fail, "status_403", "", ""},
		} {
			t.Run(fw.name+"/"+tc.name, func(t *testing.T) {
				opts := engine.Options{Proxy: netenv.Direct, NoLadder: true}
				if tc.proxy {
					opts.Proxy = mustMode(t, squid.URL("http", "", "").String())
				}
				target, err := engine.ParseTarget("ws://" + tc.addr + fw.path)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
				defer cancel()
				t0 := time.Now()
				out, err := (&engine.Runner{}).Run(ctx, target, opts)
				if err != nil {
					t.Fatal(err)
				}
				if up := result(t, out, engine.ProbeUpgrade); up.OK() {
					t.Errorf("upgrade: %s %s, want it refused", up.Status, up.Code)
				}
				f := result(t, out, engine.ProbeFallback)
				wantStatus(t, f, tc.status, tc.code)
				want := map[string]string{"fallback_framework": fw.name}
				if tc.streaming != "" {
					want["fallback_streaming"] = tc.streaming
					want["fallback_stream_transport"] = fw.stream
					want["fallback_open_status"] = "200"
				} else {
					want["fallback_stage"] = map[string]string{"signalr": "open", "sockjs": "info"}[fw.name]
				}
				wantEvidence(t, f, want)
				if got := f.Evidence.Value("fallback_held_by"); !strings.HasPrefix(got, tc.heldBy) || (tc.heldBy == "") != (got == "") {
					t.Errorf("held by %q, want %q", got, tc.heldBy)
				}
				ms, _ := strconv.Atoi(f.Evidence.Value("fallback_stream_wait_ms"))
				switch tc.streaming {
				case engine.StreamLive:
					// The first frame comes at once; the bound is generous
					// for a loaded machine, and still under the wait.
					if ms >= 4000 {
						t.Errorf("a live stream's first frame took %d ms", ms)
					}
				case engine.StreamHeld:
					// Held: the probe waited its few seconds (4 s), and not
					// until the stream ended (20 s).
					if ms < 3900 || ms > 15000 {
						t.Errorf("a held stream was waited for %d ms, want about 4000", ms)
					}
				}
				if strings.Contains(f.Error, "chathub") || strings.Contains(f.Error, "/echo/") {
					t.Errorf("the error quotes the address: %q", f.Error)
				}
				t.Logf("%s %s streaming=%s wait=%s ms, whole run %s", f.Status, f.Code, f.Evidence.Value("fallback_streaming"), f.Evidence.Value("fallback_stream_wait_ms"), time.Since(t0).Round(time.Millisecond))
			})
		}
	}
}

// TestFallbackFrameworks: SignalR and SockJS addresses get the fallback
// probe; a preset naming the framework sends it to the address as given.
func TestFallbackFrameworks(t *testing.T) {
	for _, tc := range []struct {
		path, framework string
		applies         bool
	}{
		{"/chathub?id=abc", "", true},
		{"/chathub/negotiate", "", true},
		{"/echo/123/abcdef/websocket", "", true},
		{"/socket.io/?EIO=4&transport=websocket", "", true},
		{"/chat", "", false},
		{"/cable", "", false},
		{"/live", engine.NeedSignalR, true},
		{"/live", engine.NeedPhoenix, false},
	} {
		target, err := engine.ParseTarget("ws://127.0.0.1:1" + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := engine.FallbackApplies(target, engine.Options{Framework: tc.framework}); got != tc.applies {
			t.Errorf("%s (%q): applies %v, want %v", tc.path, tc.framework, got, tc.applies)
		}
	}
	// Classic ASP.NET SignalR (2.x) negotiates its own way: the probe
	// steps aside rather than call its answer a block.
	classic := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"Url":"/signalr","ConnectionToken":"abc","ConnectionId":"d1","KeepAliveTimeout":20.0,"TryWebSockets":true,"ProtocolVersion":"1.5"}`))
	}))
	defer classic.Close()
	var out engine.Outcome
	for _, p := range []string{"/signalr/connect?transport=webSockets", "/signalr"} {
		target, _ := engine.ParseTarget("ws://" + strings.TrimPrefix(classic.URL, "http://") + p)
		var err error
		out, err = (&engine.Runner{}).Run(context.Background(), target, engine.Options{Proxy: netenv.Direct, NoLadder: true})
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, result(t, out, engine.ProbeFallback), engine.Skip, engine.CodeNotApplicable)
	}

	app := checktest.StartSockJS(t, checktest.StreamAppOptions{})
	target, _ := engine.ParseTarget("ws://" + app + "/echo")
	out, err := (&engine.Runner{}).Run(context.Background(), target, engine.Options{Proxy: netenv.Direct, NoLadder: true, Framework: engine.NeedSockJS})
	if err != nil {
		t.Fatal(err)
	}
	f := result(t, out, engine.ProbeFallback)
	wantStatus(t, f, engine.Pass, engine.CodeOK)
	wantEvidence(t, f, map[string]string{"fallback_answer": "open", "fallback_streaming": "live", "fallback_send_status": "204"})
}

// TestFallbackStreamingCancelled: a run cancelled while the probe waits
// on a held stream ends at once, and says it was stopped, not what it
// could not measure.
func TestFallbackStreamingCancelled(t *testing.T) {
	app := checktest.StartSignalR(t, checktest.StreamAppOptions{})
	front := checktest.NginxBuffering(t, app, true)
	target, err := engine.ParseTarget("ws://" + front + "/chathub?id=abc")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The probes before the fallback take milliseconds; the stream is
	// held for 4 s. Cancelling after 1.5 s lands in that wait.
	time.AfterFunc(1500*time.Millisecond, cancel)
	t0 := time.Now()
	out, err := (&engine.Runner{}).Run(ctx, target, engine.Options{Proxy: netenv.Direct, NoLadder: true})
	took := time.Since(t0)
	if err != nil {
		t.Fatal(err)
	}
	if took > 3500*time.Millisecond {
		t.Errorf("the cancelled run took %v, want it to end soon after 1.5 s", took)
	}
	f := result(t, out, engine.ProbeFallback)
	if f.Status != engine.Fail || f.Code != "cancelled" {
		t.Errorf("fallback %s %s (%s), want failed: cancelled", f.Status, f.Code, f.Reason)
	}
	if v := f.Evidence.Value("fallback_streaming"); v == engine.StreamHeld || v == engine.StreamLive {
		t.Errorf("a cancelled wait says the stream was %q", v)
	}
}
