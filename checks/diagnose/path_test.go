package diagnose_test

import (
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// pathStates writes a path as kind:state pairs.
func pathStates(p diagnose.Path) string {
	var s []string
	for _, h := range p.Hops {
		s = append(s, string(h.Kind)+":"+string(h.State))
	}
	return strings.Join(s, " ")
}

// TestPath: the hops the run went through, the one where it stops, and
// the ones after it unknown, for the rule cases that stand for each place.
func TestPath(t *testing.T) {
	want := map[string]string{
		"works":               "computer:ok internet:ok service:ok",
		"no route at all":     "computer:stops internet:unknown service:unknown",
		"port refused":        "computer:ok internet:stops service:unknown",
		"name does not exist": "computer:ok internet:stops service:unknown",
		"VPN active and port blocked: both, the block first":   "computer:ok vpn:ok internet:stops service:unknown",
		"proxy refuses the tunnel":                             "computer:ok proxy:stops internet:unknown service:unknown",
		"TLS inspection by Zscaler, WebSockets still work":     "computer:ok internet:ok service:ok",
		"IIS over wss end to end: the service, for sure":       "computer:ok internet:ok service:stops",
		"idle WebSockets cut after 60 s by the proxy":          "computer:ok proxy:stops internet:unknown service:unknown",
		"every WebSocket ends 8 s after it opens, busy or not": "computer:ok proxy:stops internet:unknown service:unknown",
		"pings do not count, data does: cut after 6 s":         "computer:ok internet:stops service:unknown",
		"VPN on, all good":                                     "computer:ok vpn:ok internet:ok service:ok",
		"expired certificate":                                  "computer:ok internet:ok service:stops",
		"stopped by hand":                                      "computer:ok internet:unknown service:unknown",
		"the self-test works: only this computer was tested":   "computer:ok service:ok",
		"a web page's address answers with its page: the live connection's address is needed, the service is not blamed": "computer:ok internet:ok service:unknown",
	}
	seen := 0
	for _, tc := range ruleCases() {
		w, ok := want[tc.name]
		if !ok {
			continue
		}
		seen++
		t.Run(tc.name, func(t *testing.T) {
			d := diagnose.Diagnose(tc.in)
			if got := pathStates(d.Path); got != w {
				t.Errorf("path %s (why %s)\n want %s", got, d.Path.Why, w)
			}
			if stop, ok := d.Path.Stop(); ok != (d.Path.StopsAt != "") || stop.Kind != d.Path.StopsAt {
				t.Errorf("Stop() = %v, %v; StopsAt %q", stop, ok, d.Path.StopsAt)
			}
			for _, h := range d.Path.Hops {
				if h.Label == "" || strings.Contains(h.Detail, "s3cret") || strings.Contains(h.Detail, "jane") {
					t.Errorf("hop %+v", h)
				}
			}
		})
	}
	if seen != len(want) {
		t.Errorf("%d of %d cases found: a rule case was renamed", seen, len(want))
	}
}

// TestPathLoopback: nothing lies between this computer and itself, so the
// path has no Internet hop and a refused local port stops at the service.
func TestPathLoopback(t *testing.T) {
	o := outcome("ws://127.0.0.1:8765/ws", res("dns", engine.Pass, "ok", "literal", "127.0.0.1"),
		res("tcp", engine.Fail, "refused", "port", "8765"), res("tls", engine.Skip, "not_applicable"),
		res("http", engine.Skip, "after_tcp"), skipUp, skipEcho)
	d := diagnose.Diagnose(diagnose.Input{Outcome: o})
	if got, w := pathStates(d.Path), "computer:ok service:stops"; got != w {
		t.Errorf("path %s, want %s", got, w)
	}
	if d.Path.Hops[len(d.Path.Hops)-1].Detail != "127.0.0.1:8765" {
		t.Errorf("service hop %+v", d.Path.Hops[len(d.Path.Hops)-1])
	}
}

// TestPathPrivate: a private address is reached over the local network,
// not the Internet, whether typed or the only kind a name gave; a name
// with a public address crosses the Internet.
func TestPathPrivate(t *testing.T) {
	for _, tc := range []struct{ url, dnsKey, addrs, want string }{
		{"ws://192.168.1.20:8765/ws", "literal", "192.168.1.20", "computer:ok network:stops service:unknown"},
		{"ws://chat.lan:8765/ws", "a", "10.0.0.5, 10.0.0.6", "computer:ok network:stops service:unknown"},
		{"ws://chat.example.com:8765/ws", "a", "10.0.0.5, 203.0.113.9", "computer:ok internet:stops service:unknown"},
	} {
		o := outcome(tc.url, res("dns", engine.Pass, "ok", tc.dnsKey, tc.addrs),
			res("tcp", engine.Fail, "timeout", "port", "8765"), res("tls", engine.Skip, "not_applicable"),
			res("http", engine.Skip, "after_tcp"), skipUp, skipEcho)
		d := diagnose.Diagnose(diagnose.Input{Outcome: o})
		if got := pathStates(d.Path); got != tc.want {
			t.Errorf("%s: path %s, want %s", tc.url, got, tc.want)
		}
	}
}
