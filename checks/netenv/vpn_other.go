//go:build !linux && !darwin && !windows

package netenv

import (
	"context"
	"runtime"
)

// ReadVPN finds VPN-like interfaces; the routes are not read on this OS.
func ReadVPN(ctx context.Context) VPN {
	ifs, err := goInterfaces()
	v := DetectVPN(runtime.GOOS, ifs, nil)
	if err != nil {
		v.Error = err.Error()
	}
	v.Notes = append(v.Notes, "the routing table is not read on "+runtime.GOOS)
	return v
}
