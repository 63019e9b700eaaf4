package cli

import (
	"context"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// machineTimeout bounds reading the VPN state and the OS release beside a
// check: they take milliseconds (files, a system call, sw_vers), and a hung
// one must not hold up the report.
var machineTimeout = 5 * time.Second

// The readers of what check tells of this computer; tests replace them.
var (
	readVPN       = netenv.ReadVPN
	readOSVersion = func(ctx context.Context) string { return netenv.ReadOSVersion(ctx, nil) }
	readCaptive   = netenv.ReadCaptive
)

// machine is what check read of this computer beside the run.
type machine struct {
	// vpn is nil when it was not read in time.
	vpn       *netenv.VPN
	osVersion string
	// captive is what the OS says of a sign-in the network wants.
	captive netenv.Captive
}

// readMachine starts reading the VPN state and the OS release at once, to
// run alongside the check. wait returns what was read, waiting at most
// until machineTimeout after the start (or until ctx ends); stop releases
// the readers.
func readMachine(ctx context.Context) (wait func() machine, stop func()) {
	ctx, stop = context.WithTimeout(ctx, machineTimeout)
	vpnc, osc := make(chan netenv.VPN, 1), make(chan string, 1)
	vpnOf, osOf := readVPN, readOSVersion
	go func() { vpnc <- vpnOf(ctx) }()
	go func() { osc <- osOf(ctx) }()
	capc, capOf := make(chan netenv.Captive, 1), readCaptive
	go func() { capc <- capOf(ctx) }()
	wait = func() machine {
		var m machine
		take := func(v netenv.VPN) { m.vpn = &v }
		for n := 0; n < 3; n++ {
			select {
			case v := <-vpnc:
				take(v)
			case s := <-osc:
				m.osVersion = s
			case c := <-capc:
				m.captive = c
			case <-ctx.Done():
				// Keep what came in just as time ran out.
				select {
				case v := <-vpnc:
					take(v)
				default:
				}
				select {
				case s := <-osc:
					m.osVersion = s
				default:
				}
				return m
			}
		}
		return m
	}
	return wait, stop
}

// diagnosisEnv is what the diagnosis is told of this computer: the proxy
// the run's route went through and a VPN that carries the traffic.
func diagnosisEnv(out checks.Outcome, m machine) diagnose.Environment {
	var env diagnose.Environment
	if r := out.Route; r != nil {
		if p := r.Proxy(); p != nil {
			env.ProxyURL, env.ProxySource, env.ProxyOrigin = p.Redacted(), string(r.Source), r.Origin
		}
	}
	env.CaptivePortal = m.captive == netenv.CaptivePortal
	if v := m.vpn; v != nil && v.NoDefaultRoute() {
		env.NoRoute = true
	}
	if v := m.vpn; v != nil && v.Active {
		env.VPNActive, env.VPNName = true, v.Product
		if env.VPNName == "" {
			env.VPNName = v.Via
		}
	}
	return env
}
