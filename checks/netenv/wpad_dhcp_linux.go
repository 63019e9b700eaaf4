package netenv

import (
	"context"
	"errors"
	"os/exec"
)

// systemDHCPWPAD asks NetworkManager for the WPAD address DHCP handed out
// (option 252, which NetworkManager keeps as "wpad"); "" without nmcli.
var systemDHCPWPAD = func(ctx context.Context) (string, error) {
	bin, err := exec.LookPath("nmcli")
	if err != nil {
		return "", errNoDHCPSource
	}
	out, err := exec.CommandContext(ctx, bin, "-t", "-f", "DHCP4", "device", "show").Output()
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", errors.New("nmcli did not answer in time")
		}
		// NetworkManager not running: nothing to read.
		return "", errNoDHCPSource
	}
	return ParseNmcliWPAD(string(out)), nil
}
