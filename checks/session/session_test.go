package session

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// fakeMachine is a Checker that reads vpn and the OS release os, and no
// captive-portal hint.
func fakeMachine(vpn func(context.Context) netenv.VPN, os string) *Checker {
	return &Checker{Tool: report.Tool{Name: "wsdoctor", Version: "test"}, ReadVPN: vpn,
		ReadOSVersion: func(context.Context) string { return os },
		ReadCaptive:   func(context.Context) netenv.Captive { return netenv.CaptiveUnknown }}
}

// TestCheckTellsTheCaptivePortal: when the system says the network wants
// a sign-in (NetworkManager's "portal"), the diagnosis puts that first.
func TestCheckTellsTheCaptivePortal(t *testing.T) {
	c := fakeMachine(func(context.Context) netenv.VPN { return netenv.VPN{} }, "Test OS 1.0")
	c.ReadCaptive = func(context.Context) netenv.Captive { return netenv.CaptivePortal }
	rep, out := check(t, c, "none", "ws://"+closedPort(t)+"/ws")
	if ids := findingIDs(rep); len(ids) == 0 || ids[0] != "captive-portal" || rep.TopFinding != "captive-portal" {
		t.Errorf("findings %v, top %q; want captive-portal first\n%s", ids, rep.TopFinding, out)
	}
	if !strings.Contains(out, "This computer itself says the network needs you to sign in") {
		t.Errorf("the finding does not say the system told so:\n%s", out)
	}
}

// check runs c on address with proxy mode proxy and returns the report.
func check(t *testing.T, c *Checker, proxy, address string) (report.Report, string) {
	t.Helper()
	mode, err := netenv.ParseMode(proxy)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := c.Check(ctx, Request{Address: address, Proxy: mode, ProbeTimeout: 3 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := run.Report(false)
	b, err := rep.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return rep, string(b)
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(checktest.FreePort(t)))
}

func wireGuard(context.Context) netenv.VPN {
	return netenv.VPN{
		Interfaces: []netenv.VPNInterface{{Name: "wg0", Product: "WireGuard", Why: "name wg0", DefaultRoute: []string{"ipv4"}}},
		Active:     true, Via: "wg0", Product: "WireGuard",
	}
}

func findingIDs(r report.Report) []string {
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.ID)
	}
	return ids
}

// TestCheckTellsTheMachine: a check reads the VPN and the OS release
// beside the run, tells the diagnosis of the VPN and the proxy the run
// went through, and fills the report's "This computer" and path with them.
func TestCheckTellsTheMachine(t *testing.T) {
	c := fakeMachine(wireGuard, "Test OS 1.0")
	ws, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })

	rep, _ := check(t, c, "none", ws.URL)
	env := rep.Environment
	if env.OSVersion != "Test OS 1.0" {
		t.Errorf("os_version %q", env.OSVersion)
	}
	if v := env.VPN; v == nil || !v.Active || !v.DefaultRoute || v.Name != "WireGuard" || v.Interface != "wg0" {
		t.Errorf("vpn %+v", v)
	}
	if p := env.Proxy; p == nil || p.Configured || p.Source != "option" || p.Origin != "--proxy none" {
		t.Errorf("proxy %+v", p)
	}
	if ids := findingIDs(rep); !strings.Contains(strings.Join(ids, " "), "vpn-active") {
		t.Errorf("findings %v lack vpn-active", ids)
	}
	if p := rep.Path; p == nil || len(p.Hops) != 3 || p.Hops[1].Kind != diagnose.HopVPN || p.Hops[1].Detail != "WireGuard" || p.StopsAt != "" {
		t.Errorf("path %+v", p)
	}
	var text strings.Builder
	report.Render(&text, rep, report.FormatText, nil)
	for _, want := range []string{"Operating system: Test OS 1.0", "Proxy: none (direct connection; from option --proxy none)", "VPN: WireGuard, wg0; carries all traffic"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}

	// Through a proxy that is not there: the report names it (password
	// hidden) and the diagnosis blames it.
	proxy := "http://jane:s3cretpass@" + closedPort(t)
	rep, raw := check(t, c, proxy, ws.URL)
	if p := rep.Environment.Proxy; p == nil || !p.Configured || p.Source != "option" || p.Origin != "--proxy" || !strings.HasSuffix(p.URL, strings.TrimPrefix(proxy, "http://jane:s3cretpass")) {
		t.Errorf("proxy %+v", p)
	}
	if strings.Contains(raw, "s3cretpass") {
		t.Error("the report shows the proxy's password")
	}
	ids := strings.Join(findingIDs(rep), " ")
	for _, want := range []string{"proxy-unreachable", "proxy-configured"} {
		if !strings.Contains(ids, want) {
			t.Errorf("findings %s lack %s", ids, want)
		}
	}
	for _, f := range rep.Findings {
		if f.ID == "proxy-configured" && !strings.Contains(f.Explanation+f.Title, closedPortHost(proxy)) {
			t.Errorf("proxy-configured does not name the proxy: %+v", f)
		}
	}
	if p := rep.Path; p == nil || p.StopsAt != diagnose.HopProxy || p.Hops[2].Detail != closedPortHost(proxy) {
		t.Errorf("path %+v, want it to stop at the proxy %s", p, closedPortHost(proxy))
	}
}

func closedPortHost(proxy string) string {
	_, hp, _ := strings.Cut(proxy, "@")
	return hp
}

// TestCheckMachineBounded: a VPN reader that hangs holds the report up for
// MachineTimeout at most, and the report then says the VPN was not
// checked.
func TestCheckMachineBounded(t *testing.T) {
	c := fakeMachine(func(ctx context.Context) netenv.VPN {
		<-ctx.Done()
		return netenv.VPN{Error: ctx.Err().Error()}
	}, "Test OS 1.0")
	c.MachineTimeout = 300 * time.Millisecond
	ws, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	start := time.Now()
	rep, _ := check(t, c, "none", ws.URL)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("check took %v", d)
	}
	if rep.Environment.VPN != nil || rep.Environment.OSVersion != "Test OS 1.0" {
		t.Errorf("vpn %+v, os %q; want not checked, Test OS 1.0", rep.Environment.VPN, rep.Environment.OSVersion)
	}
	if rep.Verdict != "works" {
		t.Errorf("verdict %s", rep.Verdict)
	}
}

// TestIdleRowOnce: a report saved after the idle test lists its row once,
// however often the test ran, and the diagnosis reads it.
func TestIdleRowOnce(t *testing.T) {
	c := fakeMachine(func(context.Context) netenv.VPN { return netenv.VPN{} }, "Test OS 1.0")
	ws, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := c.Check(ctx, Request{Address: ws.URL, Proxy: netenv.Direct}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cut := engine.Result{Probe: engine.ProbeIdle, Status: engine.Fail, Code: "idle_timeout"}
	cut.Evidence.Set(engine.KeyIdleLimit, "60")
	cut.Evidence.Set(engine.KeyIdleEndedBy, "fin")
	withIdle := run.WithIdle(cut).WithIdle(cut)
	if n := len(run.Outcome.Results); n != len(withIdle.Outcome.Results)-1 {
		t.Errorf("the first run changed: %d results", n)
	}
	for _, format := range []report.Format{report.FormatJSON, report.FormatText, report.FormatMarkdown} {
		b, err := withIdle.Export(format, false)
		if err != nil {
			t.Fatal(err)
		}
		rep := withIdle.Report(false)
		rows := 0
		for _, r := range rep.Results {
			if r.Probe == engine.ProbeIdle {
				rows++
			}
		}
		if rows != 1 || len(b) == 0 {
			t.Errorf("%s: %d idle rows", format, rows)
		}
	}
	if ids := strings.Join(findingIDs(withIdle.Report(false)), " "); !strings.Contains(ids, "proxy-idle-timeout") {
		t.Errorf("findings %s lack proxy-idle-timeout", ids)
	}
	if withIdle.Diagnosis.Path.StopsAt == "" {
		t.Errorf("the idle cut stops nowhere: %+v", withIdle.Diagnosis.Path)
	}
	// The live run in the window is replaced, never changed underneath.
	if run.Idle != nil || run.Diagnosis.Verdict != diagnose.Works {
		t.Errorf("the first run changed: idle %v, verdict %s", run.Idle, run.Diagnosis.Verdict)
	}
}

// TestSelfTestScope: no address and no preset target is the self-test of
// this computer alone; a preset's target is checked when no address is.
func TestSelfTestScope(t *testing.T) {
	c := fakeMachine(func(context.Context) netenv.VPN { return netenv.VPN{} }, "")
	run, err := c.Check(context.Background(), Request{Proxy: netenv.Direct}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if run.Scope != ScopeSelfTest || !run.Outcome.Target.IsLoopback() || !run.Verdict().Works() {
		t.Errorf("scope %s, target %s, verdict %s", run.Scope, run.Outcome.Target, run.Verdict())
	}
	if p := PlanOf(Request{Preset: &preset.Preset{Targets: []preset.Target{{URL: "wss://chat.example.com/ws"}}}}); p.Scope != ScopePreset || p.Address != "wss://chat.example.com/ws" {
		t.Errorf("plan %+v", p)
	}
}

// TestIdleAfterTheCheck: the window's idle test after a self-test gets a
// reference server of its own (the check's has stopped) and its result
// joins the run, diagnosed again; a cancelled one leaves the run as it was.
func TestIdleAfterTheCheck(t *testing.T) {
	c := fakeMachine(func(context.Context) netenv.VPN { return netenv.VPN{} }, "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := c.Check(ctx, Request{SelfTest: true, Proxy: netenv.Direct}, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := c.Idle(ctx, run, 2*time.Second)
	if done == run || done.Idle == nil || done.Idle.Probe != engine.ProbeIdle || done.Idle.Status == engine.Skip {
		t.Fatalf("idle %+v", done.Idle)
	}
	if r, ok := done.Outcome.Result(engine.ProbeIdle); !ok || r.Status != done.Idle.Status {
		t.Errorf("the idle result is not in the run: %+v", done.Outcome.Results)
	}
	stopped, stop := context.WithCancel(ctx)
	stop()
	if c.Idle(stopped, run, 2*time.Second) != run {
		t.Error("a cancelled idle test changed the run")
	}
}
