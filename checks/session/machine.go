package session

import (
	"context"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// readMachine starts reading the VPN state, the OS release and the OS's
// captive-portal hint at once, to run alongside the check. wait returns what was read, waiting at most
// MachineTimeout after the start (or until ctx ends); stop releases the
// readers.
func (c *Checker) readMachine(ctx context.Context) (wait func() Machine, stop func()) {
	limit := c.MachineTimeout
	if limit <= 0 {
		limit = engine.MachineTimeout
	}
	ctx, stop = context.WithTimeout(ctx, limit)
	vpnOf, osOf := c.ReadVPN, c.ReadOSVersion
	if vpnOf == nil {
		vpnOf = netenv.ReadVPN
	}
	if osOf == nil {
		osOf = func(ctx context.Context) string { return netenv.ReadOSVersion(ctx, nil) }
	}
	capOf := c.ReadCaptive
	if capOf == nil {
		capOf = netenv.ReadCaptive
	}
	vpnc, osc, capc := make(chan netenv.VPN, 1), make(chan string, 1), make(chan netenv.Captive, 1)
	go func() { vpnc <- vpnOf(ctx) }()
	go func() { osc <- osOf(ctx) }()
	go func() { capc <- capOf(ctx) }()
	wait = func() Machine {
		var m Machine
		take := func(v netenv.VPN) { m.VPN = &v }
		for n := 0; n < 3; n++ {
			select {
			case v := <-vpnc:
				take(v)
			case s := <-osc:
				m.OSVersion = s
			case cp := <-capc:
				m.Captive = cp
			case <-ctx.Done():
				// Keep what came in just as time ran out.
				select {
				case v := <-vpnc:
					take(v)
				default:
				}
				select {
				case s := <-osc:
					m.OSVersion = s
				default:
				}
				select {
				case cp := <-capc:
					m.Captive = cp
				default:
				}
				return m
			}
		}
		return m
	}
	return wait, stop
}

// Connection is how this computer reaches an address, as the window's
// "Your connection" screen shows it before the check: the proxy that
// applies and where it was set, and a VPN that carries the traffic. (The
// machine as the diagnosis reads it is diagnose.Environment.)
type Connection struct {
	// Proxy is the proxy that applies to the address; nil means none.
	Proxy *ProxyInfo
	// VPN is the VPN carrying the default route; nil means none.
	VPN *VPNInfo
}

// ProxyInfo describes the proxy a connection goes through.
type ProxyInfo struct {
	// Address is the proxy as host:port or URL, without credentials.
	Address string
	// Source is where the setting was found, a netenv source name ("env",
	// "wininet", "winhttp", "macos", "gnome", "kde", "option", "pac",
	// "wpad").
	Source string
	// Managed is set when the setting comes from an administrator (a
	// policy, a PAC or WPAD on the company network).
	Managed bool
	// Auto is set when a PAC script or WPAD chooses the proxy.
	Auto bool
}

// VPNInfo describes an active VPN.
type VPNInfo struct {
	// Name is the VPN's product or protocol ("WireGuard"); may be empty.
	Name string
	// Interface is the network interface ("wg0").
	Interface string
}

// Connection works out how this computer reaches req's address, within
// engine.RouteTimeout.
func (c *Checker) Connection(ctx context.Context, req Request) (Connection, error) {
	var env Connection
	raw := PlanOf(c.request(req)).Address
	if raw == "" {
		raw = "ws://127.0.0.1/" // the self-test's server
	}
	t, err := engine.ParseTarget(raw)
	if err != nil {
		return env, err
	}
	ctx, cancel := context.WithTimeout(ctx, engine.RouteTimeout)
	defer cancel()
	rv := c.Resolver
	if rv == nil {
		rv = &netenv.Resolver{}
	}
	route := rv.Route(ctx, req.Proxy, t.Secure(), t.Host, t.Port, t.Path)
	if p := route.Proxy(); p != nil {
		auto := route.Source == netenv.SourcePAC || route.Source == netenv.SourceWPAD
		env.Proxy = &ProxyInfo{Address: p.Redacted(), Source: string(route.Source), Managed: auto, Auto: auto}
	}
	vpnOf := c.ReadVPN
	if vpnOf == nil {
		vpnOf = netenv.ReadVPN
	}
	if v := vpnOf(ctx); v.Active {
		env.VPN = &VPNInfo{Name: v.Product, Interface: v.Via}
	}
	return env, nil
}
