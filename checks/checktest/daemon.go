package checktest

import (
	"net"
	"os/exec"
	"path/filepath"
	"testing"
)

// binDirs are where findBinary looks after PATH: the sbin directories a
// user's PATH often lacks, where Debian puts the daemons.
var binDirs = []string{"/usr/sbin", "/usr/local/sbin", "/usr/bin"}

// needBinary is the path of the program name, as findBinary finds it; when
// it is missing, the test is skipped with a message that names pkg, the
// Debian package that installs it.
func needBinary(tb testing.TB, name, pkg string) string {
	tb.Helper()
	bin, err := findBinary(name)
	if err != nil {
		tb.Skipf("%s is not installed (Debian package %s: apt-get install %s); skipping the test that needs a real %s", name, pkg, pkg, name)
	}
	return bin
}

// Installed reports whether the program name (haproxy, nginx) can be
// found as the functions that start it find it, for tests that set several
// up before they run and skip case by case.
func Installed(name string) bool {
	_, err := findBinary(name)
	return err == nil
}

// findBinary looks name up in PATH, then in binDirs.
func findBinary(name string) (string, error) {
	bin, err := exec.LookPath(name)
	if err == nil {
		return bin, nil
	}
	for _, d := range binDirs {
		if p, err := exec.LookPath(filepath.Join(d, name)); err == nil {
			return p, nil
		}
	}
	return "", err
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
