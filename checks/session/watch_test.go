package session

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// TestWatchAfterTheCheck: a watch after a self-test gets a reference
// server of its own, logs its three connections and the machine's changes
// (the sampler's second reading differs from its first), calls onEvent for
// each event in the log's order, and joins the run as its Watch; the run
// it started from is unchanged.
func TestWatchAfterTheCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	t.Parallel()
	c := fakeMachine(func(context.Context) netenv.VPN { return netenv.VPN{} }, "")
	var mu sync.Mutex
	samples := 0
	c.NewSampler = func(engine.Target) Sampler {
		return func(context.Context) []engine.WatchEvent {
			mu.Lock()
			defer mu.Unlock()
			samples++
			if samples == 2 {
				return []engine.WatchEvent{{At: time.Now(), What: engine.ChangeWiFi, From: "home", To: "cafe"}}
			}
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := c.Check(ctx, Request{SelfTest: true, Proxy: netenv.Direct}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var seen []engine.WatchEvent
	done := c.Watch(ctx, run, WatchRequest{For: 5 * time.Second, PingEvery: time.Second, DataEvery: time.Second, SampleEvery: time.Second}, func(e engine.WatchEvent) { seen = append(seen, e) })
	if run.Watch != nil || done == run || done.Watch == nil {
		t.Fatalf("watch %v, run's %v", done.Watch, run.Watch)
	}
	w := done.Watch
	if len(seen) != len(w.Events) {
		t.Fatalf("onEvent saw %d events, the log has %d", len(seen), len(w.Events))
	}
	kinds := map[engine.WatchKind]int{}
	for i, e := range w.Events {
		kinds[e.Kind]++
		if e != seen[i] {
			t.Errorf("event %d: log %+v, onEvent %+v", i, e, seen[i])
		}
		if i > 0 && e.At.Before(w.Events[i-1].At.Add(-time.Second)) {
			t.Errorf("event %d out of order: %v after %v", i, e.At, w.Events[i-1].At)
		}
	}
	if kinds[engine.WatchStart] != 1 || kinds[engine.WatchStop] != 1 || kinds[engine.WatchOpen] != 3 || kinds[engine.WatchChange] != 1 || w.DropCount() != 0 {
		t.Errorf("events by kind %v, drops %d", kinds, w.DropCount())
	}
	if w.Summary.Changes[engine.ChangeWiFi] != 1 || w.Events[0].Kind != engine.WatchStart || w.Events[len(w.Events)-1].Kind != engine.WatchStop {
		t.Errorf("summary %+v; first %v, last %v", w.Summary, w.Events[0].Kind, w.Events[len(w.Events)-1].Kind)
	}
	if w.Target == "" || w.End.Sub(w.Start) < 5*time.Second || w.PingEvery != time.Second {
		t.Errorf("log target %q, %v to %v, ping every %v", w.Target, w.Start, w.End, w.PingEvery)
	}
}

// TestWatchCancelled: a watch that ends with its context keeps what it
// saw.
func TestWatchCancelled(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	t.Parallel()
	c := fakeMachine(func(context.Context) netenv.VPN { return netenv.VPN{} }, "")
	run, err := c.Check(context.Background(), Request{SelfTest: true, Proxy: netenv.Direct}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	done := c.Watch(ctx, run, WatchRequest{}, nil)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the watch took %v after its context ended at 2 s", took)
	}
	if done.Watch == nil || len(done.Watch.Events) < 5 {
		t.Fatalf("watch %+v", done.Watch)
	}
	if last := done.Watch.Events[len(done.Watch.Events)-1]; last.Kind != engine.WatchStop || last.Detail != "cancelled" {
		t.Errorf("last event %+v", last)
	}
}

// TestWatchSamplesTheRequestsPAC: a watch of a check told to go as a PAC
// file answers (--pac URL) samples that file's answer, not the one of the
// machine's proxy setting (none here). The PAC server answers each load
// with a new script, every answer DIRECT first so that the connections
// work: each sample after the first is a change of the PAC's answer.
func TestWatchSamplesTheRequestsPAC(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	t.Parallel()
	var mu sync.Mutex
	loads := 0
	pac := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		loads++
		n := loads
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		fmt.Fprintf(w, "function FindProxyForURL(url, host) { return \"DIRECT; PROXY 127.0.0.1:%d\"; }\n", 1000+n)
	}))
	defer pac.Close()
	ws, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()

	c := fakeMachine(func(context.Context) netenv.VPN { return netenv.VPN{} }, "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := c.Check(ctx, Request{Address: ws.URL, Proxy: netenv.PACMode(pac.URL + "/proxy.pac"), NoLadder: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := run.Verdict(); v != diagnose.Works && v != diagnose.WorksWithWarnings {
		t.Fatalf("the check through the PAC's DIRECT: %v", v)
	}
	done := c.Watch(ctx, run, WatchRequest{For: 3 * time.Second, SampleEvery: 500 * time.Millisecond}, nil)
	var pacChanges []engine.WatchEvent
	for _, e := range done.Watch.Events {
		if e.Kind == engine.WatchChange && e.What == engine.ChangePAC {
			pacChanges = append(pacChanges, e)
		}
	}
	if len(pacChanges) == 0 {
		t.Fatalf("no change of the PAC's answer in %d events: the watch did not sample --pac's file", len(done.Watch.Events))
	}
	if e := pacChanges[0]; !strings.HasPrefix(e.From, "DIRECT; PROXY 127.0.0.1:") || !strings.HasPrefix(e.To, "DIRECT; PROXY 127.0.0.1:") || e.From == e.To {
		t.Errorf("PAC change %q to %q, want two of the script's answers", e.From, e.To)
	}
	if done.Watch.DropCount() != 0 {
		t.Errorf("%d drops through the PAC's DIRECT", done.Watch.DropCount())
	}
}
