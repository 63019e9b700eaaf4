package session

import (
	"context"
	"net/netip"
	"reflect"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// TestMachineSampler: the first reading is the baseline; a new gateway is
// a route change; an unreadable DNS is no change, and the addresses are
// compared with the last known ones once it answers again.
func TestMachineSampler(t *testing.T) {
	gw := "10.0.0.1"
	var dns []netip.Addr
	rd := &netenv.SampleReader{
		VPN: func(context.Context) netenv.VPN {
			return netenv.VPN{DefaultRoutes: []netenv.DefaultRoute{{Family: "ipv4", Iface: "eth0", Gateway: gw}}}
		},
		WiFi:     func(context.Context) (string, bool) { return "", true },
		Settings: func(context.Context) netenv.Settings { return netenv.Settings{} },
		Lookup: func(context.Context, string) ([]netip.Addr, error) {
			if dns == nil {
				return nil, context.DeadlineExceeded
			}
			return dns, nil
		},
	}
	target, err := engine.ParseTarget("wss://ws.example/socket")
	if err != nil {
		t.Fatal(err)
	}
	sample := MachineSampler(target, rd)
	ctx := context.Background()
	dns = []netip.Addr{netip.MustParseAddr("192.0.2.1")}
	if ev := sample(ctx); len(ev) != 0 {
		t.Fatalf("baseline: %+v", ev)
	}
	gw, dns = "10.0.0.254", nil
	ev := sample(ctx)
	if len(ev) != 1 || ev[0].Kind != engine.WatchChange || ev[0].What != engine.ChangeRoute || ev[0].From != "10.0.0.1" || ev[0].To != "10.0.0.254" || ev[0].At.IsZero() {
		t.Fatalf("route change: %+v", ev)
	}
	dns = []netip.Addr{netip.MustParseAddr("198.51.100.1")}
	ev = sample(ctx)
	got := []string{}
	for _, e := range ev {
		got = append(got, e.What+":"+e.From+">"+e.To)
	}
	if want := []string{"dns:192.0.2.1>198.51.100.1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("DNS back with new addresses: %v, want %v", got, want)
	}
}
