package netenv

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Interface is what the VPN detection needs to know of a network
// interface.
type Interface struct {
	Name string `json:"name"`
	// Description is the adapter's description (Windows), which often
	// names the VPN product.
	Description  string `json:"description,omitempty"`
	Up           bool   `json:"up"`
	PointToPoint bool   `json:"point_to_point,omitempty"`
	Loopback     bool   `json:"loopback,omitempty"`
	// IfType is the Windows interface type (23 PPP, 131 tunnel, 53
	// virtual); 0 elsewhere.
	IfType uint32 `json:"if_type,omitempty"`
}

// DefaultRoute is a route that sends all traffic of a family somewhere:
// 0.0.0.0/0 and ::/0, or the pair of halves (0.0.0.0/1 and 128.0.0.0/1)
// VPNs install to win over the real default without removing it.
type DefaultRoute struct {
	Family  string `json:"family"` // "ipv4" or "ipv6"
	Iface   string `json:"iface"`
	Gateway string `json:"gateway,omitempty"`
	Metric  int    `json:"metric"`
	// Split is set for a /1 half.
	Split bool `json:"split,omitempty"`
}

// VPNInterface is an interface that looks like a VPN.
type VPNInterface struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Product names the VPN where the name or description tells.
	Product string `json:"product,omitempty"`
	// Why says what makes it look like a VPN.
	Why string `json:"why"`
	// DefaultRoute lists the families ("ipv4", "ipv6") whose default
	// route goes through it.
	DefaultRoute []string `json:"default_route,omitempty"`
}

// VPN is what the VPN detection found.
type VPN struct {
	// Interfaces are the VPN-like interfaces that are up.
	Interfaces []VPNInterface `json:"interfaces"`
	// DefaultRoutes are the default routes, the one in use first per
	// family.
	DefaultRoutes []DefaultRoute `json:"default_routes"`
	// Active is set when a VPN interface carries a default route:
	// everything goes through the VPN.
	Active bool `json:"active"`
	// Via and Product name the first such interface.
	Via     string   `json:"via,omitempty"`
	Product string   `json:"product,omitempty"`
	Notes   []string `json:"notes,omitempty"`
	Error   string   `json:"error,omitempty"`
}

// NoDefaultRoute reports whether the routes were read without error and
// there is no default route in either family: nothing outside the local
// networks can be reached, whatever the proxy or the server.
func (v VPN) NoDefaultRoute() bool {
	return v.Error == "" && len(v.DefaultRoutes) == 0
}

// vpnNamePrefixes are interface name prefixes that VPN software uses.
var vpnNamePrefixes = []string{"tun", "tap", "utun", "ppp", "wg", "ipsec", "vti", "xfrm", "tailscale", "zt", "nordlynx", "cscotun", "gpd", "zcctun", "proton", "mullvad", "fortissl", "vpn", "ovpn"}

// vpnProducts map a fragment of an interface's name or description to
// the product, most specific first.
var vpnProducts = []struct{ frag, product string }{
	{"wireguard", "WireGuard"},
	{"tailscale", "Tailscale"},
	{"zerotier", "ZeroTier"},
	{"nordlynx", "NordVPN"},
	{"nordvpn", "NordVPN"},
	{"anyconnect", "Cisco AnyConnect"},
	{"cisco", "Cisco AnyConnect"},
	{"cscotun", "Cisco AnyConnect"},
	{"pangp", "GlobalProtect"},
	{"globalprotect", "GlobalProtect"},
	{"gpd", "GlobalProtect"},
	{"fortinet", "FortiClient"},
	{"forticlient", "FortiClient"},
	{"fortissl", "FortiClient"},
	{"zscaler", "Zscaler"},
	{"zcctun", "Zscaler"},
	{"tap-windows", "OpenVPN"},
	{"tap0901", "OpenVPN"},
	{"openvpn", "OpenVPN"},
	{"ovpn", "OpenVPN"},
	{"mullvad", "Mullvad"},
	{"proton", "Proton VPN"},
	{"expressvpn", "ExpressVPN"},
	{"pulse secure", "Ivanti (Pulse) Secure"},
	{"ivanti", "Ivanti (Pulse) Secure"},
	{"juniper", "Juniper"},
	{"check point", "Check Point"},
	{"checkpoint", "Check Point"},
	{"sonicwall", "SonicWall"},
	{"f5 networks", "F5 BIG-IP Edge"},
	{"netskope", "Netskope"},
	{"cloudflare warp", "Cloudflare WARP"},
	{"wintun", "Wintun (WireGuard or another)"},
	{"wg", "WireGuard"},
	{"ipsec", "IPsec"},
	{"xfrm", "IPsec"},
	{"vti", "IPsec"},
	{"ppp", "PPP (L2TP, PPTP or a mobile modem)"},
	{"utun", "a macOS VPN (IKEv2, WireGuard, Tailscale, iCloud Private Relay, ...)"},
	{"tap", "OpenVPN (TAP)"},
	{"tun", "tun (OpenVPN or another)"},
}

// Windows interface types that VPN adapters use.
const (
	ifTypePPP         = 23
	ifTypeTunnel      = 131
	ifTypePropVirtual = 53
)

// VPNProduct names the VPN product an interface's name or description
// tells, or "".
func VPNProduct(name, description string) string {
	d := strings.ToLower(description)
	n := strings.ToLower(name)
	for _, p := range vpnProducts {
		if strings.Contains(d, p.frag) {
			return p.product
		}
	}
	for _, p := range vpnProducts {
		if strings.HasPrefix(n, p.frag) || (len(p.frag) > 4 && strings.Contains(n, p.frag)) {
			return p.product
		}
	}
	return ""
}

// vpnWhy says why ifc looks like a VPN, or "" when it does not.
func vpnWhy(ifc Interface) string {
	n := strings.ToLower(ifc.Name)
	for _, p := range vpnNamePrefixes {
		if strings.HasPrefix(n, p) {
			return "name " + ifc.Name
		}
	}
	switch ifc.IfType {
	case ifTypePPP:
		return "interface type PPP"
	case ifTypeTunnel:
		return "interface type tunnel"
	}
	if ifc.Description != "" && VPNProduct("", ifc.Description) != "" {
		return "description " + ifc.Description
	}
	if ifc.PointToPoint {
		return "point-to-point"
	}
	return ""
}

// DetectVPN finds the VPN-like interfaces that are up and whether a default
// route goes through one. On macOS an idle utun (the system keeps several)
// is listed only when it carries a default route.
func DetectVPN(goos string, ifaces []Interface, routes []DefaultRoute) VPN {
	v := VPN{DefaultRoutes: bestRoutes(routes)}
	carries := map[string][]string{}
	for _, r := range v.DefaultRoutes {
		if !slices.Contains(carries[r.Iface], r.Family) {
			carries[r.Iface] = append(carries[r.Iface], r.Family)
		}
	}
	for _, ifc := range ifaces {
		if !ifc.Up || ifc.Loopback {
			continue
		}
		why := vpnWhy(ifc)
		if why == "" {
			continue
		}
		fams := carries[ifc.Name]
		if goos == "darwin" && strings.HasPrefix(ifc.Name, "utun") && len(fams) == 0 {
			continue
		}
		vi := VPNInterface{Name: ifc.Name, Description: ifc.Description, Product: VPNProduct(ifc.Name, ifc.Description), Why: why, DefaultRoute: fams}
		v.Interfaces = append(v.Interfaces, vi)
		if len(fams) > 0 && !v.Active {
			v.Active, v.Via, v.Product = true, vi.Name, vi.Product
		}
	}
	return v
}

// bestRoutes orders default routes so that the one in use comes first
// per family: the halves of a split default beat a whole one (they are
// more specific), then the lowest metric.
func bestRoutes(routes []DefaultRoute) []DefaultRoute {
	out := slices.Clone(routes)
	slices.SortStableFunc(out, func(a, b DefaultRoute) int {
		if a.Family != b.Family {
			return strings.Compare(b.Family, a.Family) // ipv6 after ipv4
		}
		if a.Split != b.Split {
			if a.Split {
				return -1
			}
			return 1
		}
		return a.Metric - b.Metric
	})
	// Keep, per family, the routes that win: the splits, or else the
	// lowest-metric whole route(s).
	var keep []DefaultRoute
	for i, r := range out {
		first := i == 0 || out[i-1].Family != r.Family
		if first {
			keep = append(keep, r)
			continue
		}
		prev := keep[len(keep)-1]
		if prev.Family == r.Family && ((prev.Split && r.Split) || (!prev.Split && !r.Split && prev.Metric == r.Metric)) {
			keep = append(keep, r)
		}
	}
	return keep
}

// Linux route flags.
const (
	rtfUp     = 0x0001
	rtfReject = 0x0200
)

// ParseProcRoute reads Linux's /proc/net/route and returns the IPv4
// default routes (0.0.0.0/0 and the /1 halves) that are up.
func ParseProcRoute(text string) ([]DefaultRoute, error) {
	var out []DefaultRoute
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 0; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if line == 0 || len(f) < 8 {
			continue
		}
		dst, err1 := strconv.ParseUint(f[1], 16, 32)
		gw, err2 := strconv.ParseUint(f[2], 16, 32)
		flags, err3 := strconv.ParseUint(f[3], 16, 32)
		metric, err4 := strconv.Atoi(f[6])
		mask, err5 := strconv.ParseUint(f[7], 16, 32)
		if err := firstErr(err1, err2, err3, err4, err5); err != nil {
			return nil, fmt.Errorf("/proc/net/route line %d: %w", line+1, err)
		}
		if flags&rtfUp == 0 || flags&rtfReject != 0 {
			continue
		}
		d, m := le4(uint32(dst)), le4(uint32(mask))
		whole := dst == 0 && mask == 0
		half := m == netip.AddrFrom4([4]byte{128}) && (d == netip.AddrFrom4([4]byte{}) || d == netip.AddrFrom4([4]byte{128}))
		if !whole && !half {
			continue
		}
		r := DefaultRoute{Family: "ipv4", Iface: f[0], Metric: metric, Split: half}
		if gw != 0 {
			r.Gateway = le4(uint32(gw)).String()
		}
		out = append(out, r)
	}
	return out, nil
}

func le4(v uint32) netip.Addr {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// ParseProcIPv6Route reads Linux's /proc/net/ipv6_route and returns the
// IPv6 default routes (::/0 and the /1 halves) that are up, leaving out
// the unreachable routes the kernel keeps on lo.
func ParseProcIPv6Route(text string) ([]DefaultRoute, error) {
	var out []DefaultRoute
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) < 10 {
			continue
		}
		dst, err1 := hexAddr6(f[0])
		plen, err2 := strconv.ParseUint(f[1], 16, 8)
		gw, err3 := hexAddr6(f[4])
		metric, err4 := strconv.ParseUint(f[5], 16, 32)
		flags, err5 := strconv.ParseUint(f[8], 16, 32)
		if err := firstErr(err1, err2, err3, err4, err5); err != nil {
			return nil, fmt.Errorf("/proc/net/ipv6_route line %d: %w", line, err)
		}
		if flags&rtfUp == 0 || flags&rtfReject != 0 || f[9] == "lo" {
			continue
		}
		whole := plen == 0
		half := plen == 1 && (dst == netip.IPv6Unspecified() || dst == netip.MustParseAddr("8000::"))
		if !whole && !half {
			continue
		}
		r := DefaultRoute{Family: "ipv6", Iface: f[9], Metric: int(metric), Split: half}
		if !gw.IsUnspecified() {
			r.Gateway = gw.String()
		}
		out = append(out, r)
	}
	return out, nil
}

func hexAddr6(s string) (netip.Addr, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 16 {
		return netip.Addr{}, fmt.Errorf("bad IPv6 address %q", s)
	}
	return netip.AddrFrom16([16]byte(b)), nil
}

// goInterfaces lists the interfaces as the net package sees them.
func goInterfaces() ([]Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	out := make([]Interface, 0, len(ifs))
	for _, i := range ifs {
		out = append(out, Interface{
			Name:         i.Name,
			Up:           i.Flags&net.FlagUp != 0,
			PointToPoint: i.Flags&net.FlagPointToPoint != 0,
			Loopback:     i.Flags&net.FlagLoopback != 0,
		})
	}
	return out, nil
}
