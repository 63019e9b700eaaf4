package netenv

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
)

// ReadOSVersion is the OS's own name for its release ("Windows 11 Pro 23H2
// (build 22631.3593)", "macOS 14.5 (23F79)", "Debian GNU/Linux 12
// (bookworm)"), or "" when it cannot be read cheaply; rd may be nil.
func ReadOSVersion(ctx context.Context, rd *OSReader) string {
	ctx, cancel := context.WithTimeout(ctx, OSVersionTimeout)
	defer cancel()
	return readOSVersion(ctx, rd)
}

// ParseOSRelease reads an os-release file (freedesktop.org; Linux and the
// BSDs): PRETTY_NAME, else NAME and VERSION (or VERSION_ID).
func ParseOSRelease(text string) string {
	kv := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if u, err := strconv.Unquote(v); err == nil {
			v = u
		} else {
			v = strings.Trim(v, `"'`)
		}
		kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if p := kv["PRETTY_NAME"]; p != "" {
		return p
	}
	v := kv["VERSION"]
	if v == "" {
		v = kv["VERSION_ID"]
	}
	return strings.TrimSpace(kv["NAME"] + " " + v)
}

// ParseSwVers reads the output of macOS's sw_vers: "macOS 14.5 (23F79)".
func ParseSwVers(out string) string {
	kv := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok {
			kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	name, ver := kv["ProductName"], kv["ProductVersion"]
	if ver == "" {
		return ""
	}
	if name == "" || name == "Mac OS X" {
		name = "macOS"
	}
	s := name + " " + ver
	if b := kv["BuildVersion"]; b != "" {
		s += " (" + b + ")"
	}
	return s
}

// WindowsVersion names a Windows release from the values of
// HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion: ProductName,
// DisplayVersion (or ReleaseId), CurrentBuildNumber and UBR. Windows 11
// still calls itself "Windows 10" there; its build number (22000 and up)
// tells.
func WindowsVersion(product, display, build string, ubr uint64) string {
	if product == "" {
		return ""
	}
	n, _ := strconv.Atoi(build)
	if rest, ok := strings.CutPrefix(product, "Windows 10"); ok && n >= 22000 {
		product = "Windows 11" + rest
	}
	s := product
	if display != "" {
		s += " " + display
	}
	if build != "" {
		s += " (build " + build
		if ubr > 0 {
			s += fmt.Sprintf(".%d", ubr)
		}
		s += ")"
	}
	return s
}
