package netenv

import "context"

// readOSVersion reads /etc/os-release, else /usr/lib/os-release.
func readOSVersion(ctx context.Context, rd *OSReader) string {
	for _, path := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		if b, err := rd.readFile(path); err == nil {
			if s := ParseOSRelease(string(b)); s != "" {
				return s
			}
		}
	}
	return ""
}
