//go:build !linux && !darwin && !windows

package netenv

import "context"

// readOSVersion reads os-release where the OS has one (the BSDs).
func readOSVersion(ctx context.Context, rd *OSReader) string {
	for _, path := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		if b, err := rd.readFile(path); err == nil {
			return ParseOSRelease(string(b))
		}
	}
	return ""
}
