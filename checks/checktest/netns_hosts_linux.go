//go:build linux

package checktest

import (
	"os"
	"path/filepath"
	"testing"
)

// SetHosts gives the namespace its own /etc/hosts (ip netns exec mounts
// /etc/netns/NAME/hosts over it for the programs it starts), so a name can
// have the addresses a test wants, an AAAA and an A record say. It is
// removed when the test ends, with the namespace's other files.
func (n *Netns) SetHosts(tb testing.TB, text string) {
	tb.Helper()
	dir := filepath.Join("/etc/netns", n.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("namespace hosts: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte(text), 0o644); err != nil {
		tb.Fatalf("namespace hosts: %v", err)
	}
}
