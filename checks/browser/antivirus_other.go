//go:build !windows

package browser

import "context"

// Antivirus names the antivirus products the system reports as on. Only
// Windows keeps such a list (the Security Center); elsewhere it is nil.
func Antivirus(ctx context.Context) []string { return nil }
