package engine_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// testDeadline bounds a whole test run; the probes have their own, shorter
// bounds, so reaching it means a probe did not honour its context.
const testDeadline = 20 * time.Second

// runChecks runs probes against target through the real runner. lookup, when
// not nil, answers the dns probe instead of the system resolver.
func runChecks(t *testing.T, probes []engine.Probe, target string, opts engine.Options, lookup engine.LookupFunc) engine.Outcome {
	t.Helper()
	tg, err := engine.ParseTarget(target)
	if err != nil {
		t.Fatalf("ParseTarget(%q): %v", target, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
	defer cancel()
	rn := &engine.Runner{Probes: probes, Lookup: lookup}
	out, err := rn.Run(ctx, tg, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if out.DeadlineHit || out.Cancelled {
		t.Fatalf("run was cut short: deadline %v cancelled %v", out.DeadlineHit, out.Cancelled)
	}
	return out
}

func result(t *testing.T, out engine.Outcome, name string) engine.Result {
	t.Helper()
	r, ok := out.Result(name)
	if !ok {
		t.Fatalf("no %s result in %+v", name, out.Results)
	}
	return r
}

// wantEvidence checks that every key has the value given; a value ending in
// "*" is a prefix.
func wantEvidence(t *testing.T, r engine.Result, want map[string]string) {
	t.Helper()
	for k, w := range want {
		got, ok := r.Evidence.Get(k)
		if !ok {
			t.Errorf("%s: evidence %q missing; have %v", r.Probe, k, r.Evidence)
			continue
		}
		if p, isPrefix := strings.CutSuffix(w, "*"); isPrefix {
			if !strings.HasPrefix(got, p) {
				t.Errorf("%s: evidence %q = %q, want prefix %q", r.Probe, k, got, p)
			}
		} else if got != w {
			t.Errorf("%s: evidence %q = %q, want %q", r.Probe, k, got, w)
		}
	}
}

func wantStatus(t *testing.T, r engine.Result, status engine.Status, code string) {
	t.Helper()
	if r.Status != status || r.Code != code {
		t.Errorf("%s: status %s code %q, want %s %q (reason %q, error %q)", r.Probe, r.Status, r.Code, status, code, r.Reason, r.Error)
	}
}

// staticLookup answers the dns probe with fixed addresses per family.
func staticLookup(v4, v6 []netip.Addr) engine.LookupFunc {
	return func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		a := v4
		if network == "ip6" {
			a = v6
		}
		if len(a) == 0 {
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		return a, nil
	}
}

// listen opens a TCP listener on addr that the test closes at its end.
func listen(t *testing.T, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// closedPort is a loopback port nothing listens on (one that was just
// released).
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return p
}

// dualStackPort listens on the same port on 127.0.0.1 and ::1, or skips the
// test when this machine has no IPv6 loopback.
func dualStackPort(t *testing.T) int {
	t.Helper()
	probe, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	probe.Close()
	for range 20 {
		ln4 := listen(t, "127.0.0.1:0")
		p := ln4.Addr().(*net.TCPAddr).Port
		if ln6, err := net.Listen("tcp", net.JoinHostPort("::1", strconv.Itoa(p))); err == nil {
			t.Cleanup(func() { ln6.Close() })
			return p
		}
	}
	t.Skip("could not find a port free on both 127.0.0.1 and ::1")
	return 0
}

var (
	v4Loop = []netip.Addr{netip.MustParseAddr("127.0.0.1")}
	v6Loop = []netip.Addr{netip.MustParseAddr("::1")}
)

func tcpProbes() []engine.Probe { return []engine.Probe{engine.DNSProbe(), engine.TCPProbe()} }

func TestTCPProbe(t *testing.T) {
	type want struct {
		status   engine.Status
		code     string
		evidence map[string]string
		reason   string // substring
		errText  string // substring
	}
	tests := []struct {
		name  string
		setup func(t *testing.T) (target string, lookup engine.LookupFunc)
		want  want
	}{
		{
			name: "ipv4 literal connects",
			setup: func(t *testing.T) (string, engine.LookupFunc) {
				ln := listen(t, "127.0.0.1:0")
				return "ws://" + ln.Addr().String() + "/", nil
			},
			want: want{status: engine.Pass, code: "ok", evidence: map[string]string{
				"connect 127.0.0.1": "ok *", "connect_ipv4": "ok",
			}},
		},
		{
			name: "refused port",
			setup: func(t *testing.T) (string, engine.LookupFunc) {
				return "ws://127.0.0.1:" + strconv.Itoa(closedPort(t)) + "/", nil
			},
			want: want{status: engine.Fail, code: "refused", errText: "refused", evidence: map[string]string{
				"connect 127.0.0.1": "refused *", "connect_ipv4": "refused", "error 127.0.0.1": "*",
			}},
		},
		{
			name: "both families connect",
			setup: func(t *testing.T) (string, engine.LookupFunc) {
				p := dualStackPort(t)
				return "ws://wsdoctor.test:" + strconv.Itoa(p) + "/", staticLookup(v4Loop, v6Loop)
			},
			want: want{status: engine.Pass, code: "ok", evidence: map[string]string{
				"connect ::1": "ok *", "connect 127.0.0.1": "ok *", "connect_ipv4": "ok", "connect_ipv6": "ok",
			}},
		},
		{
			name: "ipv6 refused while ipv4 connects",
			setup: func(t *testing.T) (string, engine.LookupFunc) {
				ln := listen(t, "127.0.0.1:0")
				p := ln.Addr().(*net.TCPAddr).Port
				// Nothing listens on [::1]:p (if something else did, the
				// case would not be partial).
				if c, err := net.Dial("tcp", net.JoinHostPort("::1", strconv.Itoa(p))); err == nil {
					c.Close()
					t.Skipf("something listens on [::1]:%d", p)
				}
				return "ws://wsdoctor.test:" + strconv.Itoa(p) + "/", staticLookup(v4Loop, v6Loop)
			},
			want: want{status: engine.Warn, code: "partial", reason: "IPv6", evidence: map[string]string{
				"connect 127.0.0.1": "ok *", "connect_ipv4": "ok", "error ::1": "*",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, lookup := tt.setup(t)
			out := runChecks(t, tcpProbes(), target, engine.Options{}, lookup)
			r := result(t, out, "tcp")
			wantStatus(t, r, tt.want.status, tt.want.code)
			wantEvidence(t, r, tt.want.evidence)
			tg, _ := engine.ParseTarget(target)
			wantEvidence(t, r, map[string]string{"port": strconv.Itoa(tg.Port)})
			if !strings.Contains(r.Reason, tt.want.reason) {
				t.Errorf("reason %q, want it to contain %q", r.Reason, tt.want.reason)
			}
			if !strings.Contains(r.Error, tt.want.errText) {
				t.Errorf("error %q, want it to contain %q", r.Error, tt.want.errText)
			}
			if (r.Status == engine.Pass) != (r.Error == "") {
				t.Errorf("status %s with error %q", r.Status, r.Error)
			}
			if _, ok := r.Timing(engine.PhaseConnect); !ok {
				t.Errorf("no connect timing in %v", r.Timings)
			}
		})
	}
}

// TestTCPProbeClosesConnections checks that the probe hangs up every
// connection it opens: the server side reads EOF.
func TestTCPProbeClosesConnections(t *testing.T) {
	ln := listen(t, "127.0.0.1:0")
	out := runChecks(t, tcpProbes(), "ws://"+ln.Addr().String()+"/", engine.Options{}, nil)
	wantStatus(t, result(t, out, "tcp"), engine.Pass, "ok")
	// The connection waits in the accept queue.
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var b [1]byte
	if n, err := c.Read(b[:]); !errors.Is(err, io.EOF) {
		t.Errorf("server read %d bytes, %v; want EOF (the probe must close its connection)", n, err)
	}
}
