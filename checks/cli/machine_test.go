package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// fakeMachine makes check read vpn and the OS release os, and puts the
// real readers back at the end of the test.
func fakeMachine(t *testing.T, vpn func(context.Context) netenv.VPN, os string) {
	t.Helper()
	oldVPN, oldOS, oldCaptive, oldTimeout := readVPN, readOSVersion, readCaptive, machineTimeout
	t.Cleanup(func() { readVPN, readOSVersion, readCaptive, machineTimeout = oldVPN, oldOS, oldCaptive, oldTimeout })
	readVPN = vpn
	readOSVersion = func(context.Context) string { return os }
	readCaptive = func(context.Context) netenv.Captive { return netenv.CaptiveUnknown }
}

// TestCheckTellsTheCaptivePortal: when the system says the network wants
// a sign-in (NetworkManager's "portal"), the diagnosis puts that first.
func TestCheckTellsTheCaptivePortal(t *testing.T) {
	fakeMachine(t, func(context.Context) netenv.VPN { return netenv.VPN{} }, "Test OS 1.0")
	readCaptive = func(context.Context) netenv.Captive { return netenv.CaptivePortal }
	rep, out := checkJSON(t, "--proxy", "none", "ws://"+closedPort(t)+"/ws")
	if ids := findingIDs(rep); len(ids) == 0 || ids[0] != "captive-portal" || rep.TopFinding != "captive-portal" {
		t.Errorf("findings %v, top %q; want captive-portal first\n%s", ids, rep.TopFinding, out)
	}
	if !strings.Contains(out, "This computer itself says the network needs you to sign in") {
		t.Errorf("the finding does not say the system told so:\n%s", out)
	}
}

func wireGuard(context.Context) netenv.VPN {
	return netenv.VPN{
		Interfaces: []netenv.VPNInterface{{Name: "wg0", Product: "WireGuard", Why: "name wg0", DefaultRoute: []string{"ipv4"}}},
		Active:     true, Via: "wg0", Product: "WireGuard",
	}
}

func checkJSON(t *testing.T, args ...string) (report.Report, string) {
	t.Helper()
	out, errOut, _ := run(t, append([]string{"--json"}, args...)...)
	rep, err := report.Parse([]byte(out))
	if err != nil {
		t.Fatalf("not a report: %v\n%s\n%s", err, out, errOut)
	}
	return rep, out
}

func findingIDs(r report.Report) []string {
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.ID)
	}
	return ids
}

// TestCheckTellsTheMachine: check reads the VPN and the OS release beside
// the run, tells the diagnosis of the VPN and the proxy the run went
// through, and fills the report's "This computer" with them.
func TestCheckTellsTheMachine(t *testing.T) {
	fakeMachine(t, wireGuard, "Test OS 1.0")
	ws, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })

	rep, _ := checkJSON(t, "--proxy", "none", ws.URL)
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
	var text strings.Builder
	report.Render(&text, rep, report.FormatText)
	for _, want := range []string{"Operating system: Test OS 1.0", "Proxy: none (direct connection; from option --proxy none)", "VPN: WireGuard, wg0; carries all traffic"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}

	// Through a proxy that is not there: the report names it (password
	// hidden) and the diagnosis blames it.
	proxy := "http://jane:s3cretpass@" + closedPort(t)
	rep, raw := checkJSON(t, "--proxy", proxy, ws.URL)
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
}

func closedPortHost(proxy string) string {
	_, hp, _ := strings.Cut(proxy, "@")
	return hp
}

// TestCheckMachineBounded: a VPN reader that hangs holds the report up for
// machineTimeout at most, and the report then says the VPN was not
// checked.
func TestCheckMachineBounded(t *testing.T) {
	fakeMachine(t, func(ctx context.Context) netenv.VPN {
		<-ctx.Done()
		return netenv.VPN{Error: ctx.Err().Error()}
	}, "Test OS 1.0")
	machineTimeout = 300 * time.Millisecond
	ws, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	start := time.Now()
	rep, _ := checkJSON(t, "--proxy", "none", ws.URL)
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
