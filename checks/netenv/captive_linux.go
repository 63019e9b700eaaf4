package netenv

import "context"

func readCaptive(ctx context.Context) Captive {
	out, err := RunCommand(ctx, "nmcli", "-t", "networking", "connectivity")
	if err != nil {
		return CaptiveUnknown
	}
	return ParseNMConnectivity(string(out))
}
