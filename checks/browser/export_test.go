package browser

import "time"

// SetWaitLimit shortens how long Wait waits, until the test ends.
func SetWaitLimit(t interface{ Cleanup(func()) }, d time.Duration) {
	old := waitLimit
	waitLimit = d
	t.Cleanup(func() { waitLimit = old })
}
