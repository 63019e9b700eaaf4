package netenv

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"syscall"

	"golang.org/x/net/route"
)

// ReadVPN finds VPN interfaces and the default routes, read from the
// kernel's routing table with golang.org/x/net/route.
func ReadVPN(ctx context.Context) VPN {
	var errs []string
	ifs, err := goInterfaces()
	if err != nil {
		errs = append(errs, err.Error())
	}
	routes, err := darwinDefaultRoutes()
	if err != nil {
		errs = append(errs, "routes: "+err.Error())
	}
	v := DetectVPN("darwin", ifs, routes)
	v.Error = strings.Join(errs, "; ")
	return v
}

func darwinDefaultRoutes() ([]DefaultRoute, error) {
	rib, err := route.FetchRIB(syscall.AF_UNSPEC, route.RIBTypeRoute, 0)
	if err != nil {
		return nil, err
	}
	msgs, err := route.ParseRIB(route.RIBTypeRoute, rib)
	if err != nil {
		return nil, err
	}
	var out []DefaultRoute
	for _, m := range msgs {
		rm, ok := m.(*route.RouteMessage)
		// Interface-scoped defaults exist per interface and are not
		// the machine's default.
		if !ok || rm.Flags&syscall.RTF_UP == 0 || rm.Flags&syscall.RTF_IFSCOPE != 0 || len(rm.Addrs) <= syscall.RTAX_NETMASK {
			continue
		}
		fam, dst := routeAddr(rm.Addrs[syscall.RTAX_DST])
		if !dst.IsValid() {
			continue
		}
		_, mask := routeAddr(rm.Addrs[syscall.RTAX_NETMASK])
		bits := 0
		if mask.IsValid() {
			for _, b := range mask.AsSlice() {
				for ; b != 0; b <<= 1 {
					bits++
				}
			}
		}
		whole := dst.IsUnspecified() && bits == 0
		half := bits == 1 && (dst.IsUnspecified() || dst == netip.AddrFrom4([4]byte{128}) || dst == netip.MustParseAddr("8000::"))
		if !whole && !half {
			continue
		}
		r := DefaultRoute{Family: fam, Split: half}
		if ifc, err := net.InterfaceByIndex(rm.Index); err == nil {
			r.Iface = ifc.Name
		}
		if _, gw := routeAddr(rm.Addrs[syscall.RTAX_GATEWAY]); gw.IsValid() && !gw.IsUnspecified() {
			r.Gateway = gw.String()
		}
		out = append(out, r)
	}
	return out, nil
}

func routeAddr(a route.Addr) (string, netip.Addr) {
	switch a := a.(type) {
	case *route.Inet4Addr:
		return "ipv4", netip.AddrFrom4(a.IP)
	case *route.Inet6Addr:
		return "ipv6", netip.AddrFrom16(a.IP)
	}
	return "", netip.Addr{}
}
