//go:build linux

package checktest

import (
	"strings"
	"testing"
)

// The network under a watch (issue 24) changes: a link goes down and comes
// back, the default route moves to another gateway or interface. Two
// namespaces joined by veth pairs stand for a computer and its router.

// Veth joins n and peer with a veth pair: name in n with address addr,
// peerName in peer with peerAddr (CIDR, "10.77.0.1/24"), both up. Deleting
// either namespace deletes the pair.
func (n *Netns) Veth(tb testing.TB, peer *Netns, name, addr, peerName, peerAddr string) {
	tb.Helper()
	n.Run(tb, "ip", "link", "add", name, "type", "veth", "peer", "name", peerName, "netns", peer.Name)
	n.Run(tb, "ip", "addr", "add", addr, "dev", name)
	peer.Run(tb, "ip", "addr", "add", peerAddr, "dev", peerName)
	n.Run(tb, "ip", "link", "set", name, "up")
	peer.Run(tb, "ip", "link", "set", peerName, "up")
}

// SetDefaultRoute makes the namespace's IPv4 default route go via gateway
// on dev, replacing the one it had.
func (n *Netns) SetDefaultRoute(tb testing.TB, gateway, dev string) {
	tb.Helper()
	n.Run(tb, "ip", "route", "replace", "default", "via", gateway, "dev", dev)
}

// LinkDown and LinkUp take an interface of the namespace down and up
// again. Down, the kernel removes the routes through it, the default
// route included; up, it brings back only the link's own subnet (a
// network manager adds the default route again: SetDefaultRoute).
func (n *Netns) LinkDown(tb testing.TB, dev string) {
	tb.Helper()
	n.Run(tb, "ip", "link", "set", dev, "down")
}

// LinkUp: see LinkDown.
func (n *Netns) LinkUp(tb testing.TB, dev string) {
	tb.Helper()
	n.Run(tb, "ip", "link", "set", dev, "up")
}

// Addr is addr's address without its prefix length: "10.77.0.1/24" is
// "10.77.0.1".
func Addr(cidr string) string {
	a, _, _ := strings.Cut(cidr, "/")
	return a
}
