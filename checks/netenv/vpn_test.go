package netenv

import (
	"reflect"
	"testing"
)

func TestParseProcRoute(t *testing.T) {
	r, err := ParseProcRoute(fixture(t, "proc_net_route_openvpn"))
	if err != nil {
		t.Fatal(err)
	}
	want := []DefaultRoute{
		{Family: "ipv4", Iface: "eth0", Gateway: "192.168.2.1", Metric: 100},
		{Family: "ipv4", Iface: "tun0", Gateway: "10.8.0.1", Split: true},
		{Family: "ipv4", Iface: "tun0", Gateway: "10.8.0.1", Split: true},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v", r)
	}
	if _, err := ParseProcRoute("Iface\tDestination\nx\tZZ\t0\t3\t0\t0\t0\t0\n"); err == nil {
		t.Error("bad hex parsed")
	}
}

func TestParseProcIPv6Route(t *testing.T) {
	r, err := ParseProcIPv6Route(fixture(t, "proc_net_ipv6_route"))
	if err != nil {
		t.Fatal(err)
	}
	want := []DefaultRoute{
		{Family: "ipv6", Iface: "eth0", Gateway: "fe80::1", Metric: 1024},
		{Family: "ipv6", Iface: "wg0", Split: true},
		{Family: "ipv6", Iface: "wg0", Split: true},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v", r)
	}
}

func TestDetectVPN(t *testing.T) {
	v4, _ := ParseProcRoute(fixture(t, "proc_net_route_openvpn"))
	v6, _ := ParseProcIPv6Route(fixture(t, "proc_net_ipv6_route"))
	ifs := []Interface{
		{Name: "lo", Up: true, Loopback: true},
		{Name: "eth0", Up: true},
		{Name: "tun0", Up: true, PointToPoint: true},
		{Name: "wg0", Up: true, PointToPoint: true},
		{Name: "tap1", Up: false},
		{Name: "docker0", Up: true},
	}
	v := DetectVPN("linux", ifs, append(v4, v6...))
	if !v.Active || v.Via != "tun0" || v.Product != "tun (OpenVPN or another)" {
		t.Fatalf("%+v", v)
	}
	got := map[string][]string{}
	for _, i := range v.Interfaces {
		got[i.Name] = i.DefaultRoute
	}
	if want := map[string][]string{"tun0": {"ipv4"}, "wg0": {"ipv6"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("interfaces %v", got)
	}
	// The split halves beat eth0's whole default.
	for _, r := range v.DefaultRoutes {
		if r.Iface == "eth0" {
			t.Errorf("eth0 kept as a default in use: %+v", v.DefaultRoutes)
		}
	}

	ac, _ := ParseProcRoute(fixture(t, "proc_net_route_anyconnect"))
	a := DetectVPN("linux", []Interface{{Name: "wlp2s0", Up: true}, {Name: "cscotun0", Up: true, PointToPoint: true}}, ac)
	if !a.Active || a.Via != "cscotun0" || a.Product != "Cisco AnyConnect" {
		t.Errorf("anyconnect: %+v", a)
	}

	// macOS: idle utuns are not VPNs; one with the default route is.
	mac := []Interface{{Name: "en0", Up: true}, {Name: "utun0", Up: true, PointToPoint: true}, {Name: "utun1", Up: true, PointToPoint: true}, {Name: "utun4", Up: true, PointToPoint: true}}
	idle := DetectVPN("darwin", mac, []DefaultRoute{{Family: "ipv4", Iface: "en0"}})
	if idle.Active || len(idle.Interfaces) != 0 {
		t.Errorf("idle utun: %+v", idle)
	}
	on := DetectVPN("darwin", mac, []DefaultRoute{{Family: "ipv4", Iface: "en0", Metric: 0}, {Family: "ipv4", Iface: "utun4", Split: true}, {Family: "ipv4", Iface: "utun4", Split: true}})
	if !on.Active || on.Via != "utun4" || len(on.Interfaces) != 1 {
		t.Errorf("utun4: %+v", on)
	}

	// Windows: adapters named by type and description.
	win := []Interface{
		{Name: "Ethernet", Description: "Intel(R) Ethernet Connection", Up: true, IfType: 6},
		{Name: "Local Area Connection", Description: "TAP-Windows Adapter V9", Up: true, IfType: 6},
		{Name: "Ethernet 3", Description: "PANGP Virtual Ethernet Adapter Secure", Up: true, IfType: 6},
		{Name: "Zscaler", Description: "Zscaler Network Adapter 1.0.2.0", Up: false, IfType: 6},
		{Name: "Tailscale", Description: "Tailscale Tunnel", Up: true, IfType: 53},
		{Name: "Ethernet 5", Description: "Fortinet SSL VPN Virtual Ethernet Adapter", Up: true, IfType: 6},
		{Name: "Ethernet 6", Description: "Cisco AnyConnect Secure Mobility Client Virtual Miniport Adapter for Windows x64", Up: true, IfType: 6},
		{Name: "wg-office", Description: "WireGuard Tunnel", Up: true, IfType: 53},
	}
	w := DetectVPN("windows", win, []DefaultRoute{{Family: "ipv4", Iface: "Ethernet", Metric: 25}, {Family: "ipv4", Iface: "Ethernet 3", Metric: 1}})
	products := map[string]string{}
	for _, i := range w.Interfaces {
		products[i.Name] = i.Product
	}
	want := map[string]string{"Local Area Connection": "OpenVPN", "Ethernet 3": "GlobalProtect", "Tailscale": "Tailscale", "Ethernet 5": "FortiClient", "Ethernet 6": "Cisco AnyConnect", "wg-office": "WireGuard"}
	if !reflect.DeepEqual(products, want) {
		t.Errorf("products %v", products)
	}
	if !w.Active || w.Via != "Ethernet 3" || w.Product != "GlobalProtect" {
		t.Errorf("windows active: %+v", w)
	}
	if none := DetectVPN("linux", []Interface{{Name: "eth0", Up: true}}, []DefaultRoute{{Family: "ipv4", Iface: "eth0"}}); none.Active || len(none.Interfaces) != 0 {
		t.Errorf("none: %+v", none)
	}
}

func TestVPNProduct(t *testing.T) {
	for _, tc := range []struct{ name, desc, want string }{
		{"tailscale0", "", "Tailscale"},
		{"nordlynx", "", "NordVPN"},
		{"zcctun0", "", "Zscaler"},
		{"gpd0", "", "GlobalProtect"},
		{"ppp0", "", "PPP (L2TP, PPTP or a mobile modem)"},
		{"ipsec0", "", "IPsec"},
		{"eth0", "", ""},
		{"Ethernet 2", "Zscaler Network Adapter", "Zscaler"},
	} {
		if got := VPNProduct(tc.name, tc.desc); got != tc.want {
			t.Errorf("%s/%s = %q, want %q", tc.name, tc.desc, got, tc.want)
		}
	}
}
