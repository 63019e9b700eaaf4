package main

import (
	"context"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/ui"
)

// TestExportTellsTheMachine: the window's reports say which proxy route
// the run took, the VPN the window read, and the OS release; a VPN the
// window did not look at is "not checked".
func TestExportTellsTheMachine(t *testing.T) {
	e := engine{preset: &preset.Preset{}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := ui.Request{Proxy: ui.ProxyNone} // the self-test, directly
	out, err := e.check(ctx, req, func(checks.Event) {})
	if err != nil {
		t.Fatal(err)
	}
	env, err := e.environment(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := env.Raw.(machine); !ok {
		t.Fatalf("environment keeps %T, want the machine it read", env.Raw)
	}
	wg := netenv.VPN{
		Interfaces: []netenv.VPNInterface{{Name: "wg0", Product: "WireGuard", Why: "name wg0", DefaultRoute: []string{"ipv4"}}},
		Active:     true, Via: "wg0", Product: "WireGuard",
	}
	// What environment makes of a WireGuard that carries the traffic.
	env.Raw, env.VPN = machine{vpn: wg}, &ui.VPNInfo{Name: "WireGuard", Interface: "wg0"}

	parse := func(run ui.Run) report.Report {
		t.Helper()
		b, err := e.export(run, "json")
		if err != nil {
			t.Fatal(err)
		}
		r, err := report.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := parse(ui.Run{Request: req, Env: &env, Outcome: out})
	if p := r.Environment.Proxy; p == nil || p.Configured || p.Source != "option" || p.Origin != "--proxy none" {
		t.Errorf("proxy %+v", p)
	}
	if v := r.Environment.VPN; v == nil || !v.Active || !v.DefaultRoute || v.Name != "WireGuard" || v.Interface != "wg0" {
		t.Errorf("vpn %+v", v)
	}
	if r.Environment.OSVersion != osVersion() {
		t.Errorf("os_version %q, want %q", r.Environment.OSVersion, osVersion())
	}
	if osVersion() == "" && netenv.ReadOSVersion(ctx, nil) != "" {
		t.Error("the OS release was not read")
	}
	found := false
	for _, f := range r.Findings {
		found = found || f.ID == "vpn-active"
	}
	if !found {
		t.Errorf("the diagnosis was not told of the VPN: %+v", r.Findings)
	}

	// Without Raw, what the window showed; without a look, not checked.
	env.Raw, env.VPN = nil, nil
	if v := parse(ui.Run{Env: &env, Outcome: out}).Environment.VPN; v == nil || v.Active {
		t.Errorf("no VPN shown, report says %+v", v)
	}
	env.VPN = &ui.VPNInfo{Name: "Corp VPN", Interface: "tun0"}
	if v := parse(ui.Run{Env: &env, Outcome: out}).Environment.VPN; v == nil || !v.Active || v.Name != "Corp VPN" || v.Interface != "tun0" {
		t.Errorf("VPN shown, report says %+v", v)
	}
	r = parse(ui.Run{Outcome: out})
	if r.Environment.VPN != nil || r.Environment.Proxy == nil {
		t.Errorf("no look: vpn %+v (want not checked), proxy %+v (want the run's route)", r.Environment.VPN, r.Environment.Proxy)
	}
}
