//go:build !linux && !windows

package netenv

import "context"

// systemDHCPWPAD: no way to read DHCP's WPAD address here.
var systemDHCPWPAD func(ctx context.Context) (string, error)
