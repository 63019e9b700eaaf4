package report

import "codeberg.org/wsdoctor/wsdoctor/checks/netenv"

// ProxyOf is the proxy a run's route says applies to the target, as a
// report shows it: the first proxy of the route with its password hidden,
// where the setting came from, and the PAC file that chose it. A direct
// route still says which setting sent it direct.
func ProxyOf(r netenv.Route) *Proxy {
	p := &Proxy{Source: string(r.Source), Origin: r.Origin}
	if r.Source == netenv.SourcePAC || r.Source == netenv.SourceWPAD {
		// The origin of a PAC answer is the script's address.
		p.PACURL, p.Origin = r.Origin, ""
	}
	if u := r.Proxy(); u != nil {
		p.Configured, p.URL = true, u.Redacted()
	}
	return p
}

// VPNOf is what a report shows of the VPN detection: active when a
// VPN-like interface is up, named after the one that carries the default
// route (else the first), and whether one does. Nil when the detection
// could not read anything.
func VPNOf(v netenv.VPN) *VPN {
	if v.Error != "" && len(v.Interfaces) == 0 && len(v.DefaultRoutes) == 0 {
		return nil
	}
	out := &VPN{Active: len(v.Interfaces) > 0, DefaultRoute: v.Active}
	switch {
	case v.Active:
		out.Name, out.Interface = v.Product, v.Via
	case len(v.Interfaces) > 0:
		out.Name, out.Interface = v.Interfaces[0].Product, v.Interfaces[0].Name
	}
	return out
}
