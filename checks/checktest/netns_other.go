//go:build !linux

package checktest

import (
	"context"
	"errors"
	"net"
	"os/exec"
	"testing"
)

// Netns is a Linux network namespace; elsewhere NewNetns skips the test.
type Netns struct {
	// Name is its name for ip netns.
	Name string
}

var errNoNetns = errors.New("network namespaces are Linux only")

// NewNetns skips the test: network namespaces are Linux only.
func NewNetns(tb testing.TB) *Netns {
	tb.Helper()
	tb.Skip("network namespaces are Linux only; skipping the scenario that runs in one")
	return nil
}

// Command is not available outside Linux.
func (n *Netns) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, name, args...)
}

// Run fails the test outside Linux.
func (n *Netns) Run(tb testing.TB, name string, args ...string) { tb.Fatal(errNoNetns) }

// Do fails outside Linux.
func (n *Netns) Do(f func() error) error { return errNoNetns }

// Listen fails the test outside Linux.
func (n *Netns) Listen(tb testing.TB, addr string) net.Listener { tb.Fatal(errNoNetns); return nil }

// FreePort fails the test outside Linux.
func (n *Netns) FreePort(tb testing.TB) int { tb.Fatal(errNoNetns); return 0 }

// SetResolvConf fails the test outside Linux.
func (n *Netns) SetResolvConf(tb testing.TB, text string) { tb.Fatal(errNoNetns) }

// SetHosts fails the test outside Linux.
func (n *Netns) SetHosts(tb testing.TB, text string) { tb.Fatal(errNoNetns) }
