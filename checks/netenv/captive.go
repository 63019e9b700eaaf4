package netenv

import (
	"context"
	"strings"
)

// Captive is what the operating system says of the network's way to the
// internet, from its own check.
type Captive string

// The states the OS can give.
const (
	// CaptiveUnknown: not read (no reader on this system, or it did not
	// answer in time).
	CaptiveUnknown Captive = ""
	// CaptivePortal: the network wants the user to sign in first.
	CaptivePortal Captive = "portal"
	// CaptiveFull: the internet is reachable.
	CaptiveFull Captive = "full"
	// CaptiveLimited: a network, but no internet.
	CaptiveLimited Captive = "limited"
	// CaptiveNone: no network.
	CaptiveNone Captive = "none"
)

// ReadCaptive asks the operating system whether the network wants a
// sign-in, within ctx and the command timeout. On Linux it asks
// NetworkManager (nmcli networking connectivity: the state of its last
// check, without checking again); on Windows (NLA's "Action needed") and
// macOS (the captive network assistant) it is not read, and says unknown.
func ReadCaptive(ctx context.Context) Captive { return readCaptive(ctx) }

// ParseNMConnectivity reads the answer of nmcli networking connectivity
// ("portal", "full", "limited", "none", "unknown").
func ParseNMConnectivity(out string) Captive {
	switch s := Captive(strings.ToLower(strings.TrimSpace(out))); s {
	case CaptivePortal, CaptiveFull, CaptiveLimited, CaptiveNone:
		return s
	}
	return CaptiveUnknown
}
