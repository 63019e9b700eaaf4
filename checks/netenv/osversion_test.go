package netenv

import (
	"context"
	"errors"
	"os"
	"runtime"
	"testing"
)

func TestParseOSRelease(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"debian", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n", "Debian GNU/Linux 12 (bookworm)"},
		{"ubuntu", "NAME=\"Ubuntu\"\nVERSION=\"24.04 LTS (Noble Numbat)\"\nID=ubuntu\nPRETTY_NAME=\"Ubuntu 24.04 LTS\"\n", "Ubuntu 24.04 LTS"},
		{"single quotes and comments", "# written by hand\nPRETTY_NAME='Arch Linux'\n", "Arch Linux"},
		{"no pretty name", "NAME=Fedora\nVERSION_ID=40\n", "Fedora 40"},
		{"escaped quote", `PRETTY_NAME="Acme \"Edge\" 1"` + "\n", `Acme "Edge" 1`},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParseOSRelease(tc.text); got != tc.want {
				t.Errorf("ParseOSRelease = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseSwVers(t *testing.T) {
	tests := []struct{ name, out, want string }{
		{"sonoma", "ProductName:\t\tmacOS\nProductVersion:\t\t14.5\nBuildVersion:\t\t23F79\n", "macOS 14.5 (23F79)"},
		{"catalina", "ProductName:\tMac OS X\nProductVersion:\t10.15.7\nBuildVersion:\t19H2026\n", "macOS 10.15.7 (19H2026)"},
		{"no version", "ProductName:\tmacOS\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParseSwVers(tc.out); got != tc.want {
				t.Errorf("ParseSwVers = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWindowsVersion(t *testing.T) {
	tests := []struct {
		name, product, display, build string
		ubr                           uint64
		want                          string
	}{
		{"windows 11 calls itself 10", "Windows 10 Pro", "23H2", "22631", 3593, "Windows 11 Pro 23H2 (build 22631.3593)"},
		{"windows 10", "Windows 10 Enterprise", "22H2", "19045", 4529, "Windows 10 Enterprise 22H2 (build 19045.4529)"},
		{"server keeps its name", "Windows Server 2022 Datacenter", "21H2", "20348", 0, "Windows Server 2022 Datacenter 21H2 (build 20348)"},
		{"old release id", "Windows 10 Home", "1909", "18363", 0, "Windows 10 Home 1909 (build 18363)"},
		{"nothing", "", "", "", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := WindowsVersion(tc.product, tc.display, tc.build, tc.ubr); got != tc.want {
				t.Errorf("WindowsVersion = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestReadOSVersionLinux: /etc/os-release first, /usr/lib/os-release when
// it is missing, nothing when neither is there.
func TestReadOSVersionLinux(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads os-release on Linux")
	}
	files := map[string]string{"/usr/lib/os-release": "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"}
	rd := &OSReader{ReadFile: func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}}
	if got := ReadOSVersion(context.Background(), rd); got != "Debian GNU/Linux 12 (bookworm)" {
		t.Errorf("from /usr/lib/os-release: %q", got)
	}
	files["/etc/os-release"] = "PRETTY_NAME=\"Ubuntu 24.04 LTS\"\n"
	if got := ReadOSVersion(context.Background(), rd); got != "Ubuntu 24.04 LTS" {
		t.Errorf("from /etc/os-release: %q", got)
	}
	rd.ReadFile = func(string) ([]byte, error) { return nil, errors.New("denied") }
	if got := ReadOSVersion(context.Background(), rd); got != "" {
		t.Errorf("unreadable: %q", got)
	}
}
