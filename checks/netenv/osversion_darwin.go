package netenv

import "context"

// readOSVersion asks sw_vers.
func readOSVersion(ctx context.Context, rd *OSReader) string {
	out, err := rd.command(ctx, "sw_vers")
	if err != nil {
		return ""
	}
	return ParseSwVers(string(out))
}
