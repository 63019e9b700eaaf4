//go:build !linux

package netenv

import "context"

// readCaptive has no reader here: Windows' NLA state and macOS's captive
// network assistant are not read (see ReadCaptive).
func readCaptive(context.Context) Captive { return CaptiveUnknown }
