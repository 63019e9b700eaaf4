package netenv

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ReadVPN finds VPN interfaces and the default routes, from the net
// package and /proc/net/route and /proc/net/ipv6_route.
func ReadVPN(ctx context.Context) VPN {
	return readVPNLinux("/proc/net")
}

// readVPNLinux reads the routes from procNet: /proc/net is the process's
// network namespace; a test reads /proc/thread-self/net from a thread
// that entered another one.
func readVPNLinux(procNet string) VPN {
	ifs, err := goInterfaces()
	var routes []DefaultRoute
	var errs []string
	if err != nil {
		errs = append(errs, err.Error())
	}
	for _, f := range []struct {
		name  string
		parse func(string) ([]DefaultRoute, error)
	}{{"route", ParseProcRoute}, {"ipv6_route", ParseProcIPv6Route}} {
		b, err := os.ReadFile(filepath.Join(procNet, f.name))
		if err != nil {
			if !os.IsNotExist(err) {
				errs = append(errs, err.Error())
			}
			continue
		}
		r, err := f.parse(string(b))
		if err != nil {
			errs = append(errs, err.Error())
		}
		routes = append(routes, r...)
	}
	v := DetectVPN(runtime.GOOS, ifs, routes)
	v.Error = strings.Join(errs, "; ")
	for _, i := range v.Interfaces {
		if strings.HasPrefix(i.Name, "wg") && len(i.DefaultRoute) == 0 {
			v.Notes = append(v.Notes, "WireGuard interface "+i.Name+" is up: wg-quick sends all traffic through it with a policy rule, which the main routing table does not show")
		}
	}
	return v
}
