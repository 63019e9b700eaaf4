//go:build unix && !linux

package checktest

import "testing"

// StartTransparentSquid fails the test outside Linux.
func (n *Netns) StartTransparentSquid(tb testing.TB, dst string, port int) *Proxy {
	tb.Fatal(errNoNetns)
	return nil
}

// StartSquid fails the test outside Linux.
func (n *Netns) StartSquid(tb testing.TB, opt SquidOptions) *Proxy {
	tb.Fatal(errNoNetns)
	return nil
}
