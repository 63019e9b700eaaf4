package netenv

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// ReadVPN finds VPN adapters (GetAdaptersAddresses: interface type and
// description) and the default routes (GetIpForwardTable2).
func ReadVPN(ctx context.Context) VPN {
	var errs []string
	ifs, byIndex, err := windowsAdapters()
	if err != nil {
		errs = append(errs, "adapters: "+err.Error())
	}
	routes, err := windowsDefaultRoutes(byIndex)
	if err != nil {
		errs = append(errs, "routes: "+err.Error())
	}
	v := DetectVPN("windows", ifs, routes)
	v.Error = strings.Join(errs, "; ")
	return v
}

func windowsAdapters() ([]Interface, map[uint32]string, error) {
	size := uint32(16 << 10)
	var buf []byte
	for range 4 {
		buf = make([]byte, size)
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC, windows.GAA_FLAG_SKIP_ANYCAST|windows.GAA_FLAG_SKIP_MULTICAST|windows.GAA_FLAG_SKIP_DNS_SERVER, 0, (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0])), &size)
		if errors.Is(err, windows.ERROR_BUFFER_OVERFLOW) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		var out []Interface
		byIndex := map[uint32]string{}
		for a := (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0])); a != nil; a = a.Next {
			name := windows.UTF16PtrToString(a.FriendlyName)
			out = append(out, Interface{
				Name:        name,
				Description: windows.UTF16PtrToString(a.Description),
				Up:          a.OperStatus == windows.IfOperStatusUp,
				Loopback:    a.IfType == windows.IF_TYPE_SOFTWARE_LOOPBACK,
				IfType:      a.IfType,
			})
			if a.IfIndex != 0 {
				byIndex[a.IfIndex] = name
			}
			if a.Ipv6IfIndex != 0 {
				byIndex[a.Ipv6IfIndex] = name
			}
		}
		return out, byIndex, nil
	}
	return nil, nil, errors.New("the adapter list kept growing")
}

func windowsDefaultRoutes(byIndex map[uint32]string) ([]DefaultRoute, error) {
	var table *windows.MibIpForwardTable2
	if err := windows.GetIpForwardTable2(windows.AF_UNSPEC, &table); err != nil {
		return nil, err
	}
	defer windows.FreeMibTable(unsafe.Pointer(table))
	var out []DefaultRoute
	for _, row := range table.Rows() {
		p := row.DestinationPrefix
		fam, dst := sockaddrAddr(&p.Prefix)
		if !dst.IsValid() {
			continue
		}
		whole := p.PrefixLength == 0
		half := p.PrefixLength == 1 && (dst.IsUnspecified() || dst == netip.AddrFrom4([4]byte{128}) || dst == netip.MustParseAddr("8000::"))
		if !whole && !half {
			continue
		}
		r := DefaultRoute{Family: fam, Iface: byIndex[row.InterfaceIndex], Metric: int(row.Metric), Split: half}
		if _, gw := sockaddrAddr(&row.NextHop); gw.IsValid() && !gw.IsUnspecified() {
			r.Gateway = gw.String()
		}
		out = append(out, r)
	}
	return out, nil
}

func sockaddrAddr(sa *windows.RawSockaddrInet) (string, netip.Addr) {
	switch sa.Family {
	case windows.AF_INET:
		a := (*windows.RawSockaddrInet4)(unsafe.Pointer(sa))
		return "ipv4", netip.AddrFrom4(a.Addr)
	case windows.AF_INET6:
		a := (*windows.RawSockaddrInet6)(unsafe.Pointer(sa))
		return "ipv6", netip.AddrFrom16(a.Addr)
	}
	return "", netip.Addr{}
}
