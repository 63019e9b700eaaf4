package netenv

import (
	"bufio"
	"strings"
	"unicode/utf8"
)

// The Wi-Fi network's name, as each OS tells it without privileges. The
// parsers are pure, tested and fuzzed on any OS; the readers that run the
// programs are in wifi_linux.go, wifi_windows.go and wifi_darwin.go.

// maxSSID is the longest name a Wi-Fi network has (32 bytes), with room
// for the escapes a tool may add.
const maxSSID = 128

// ParseIwgetid reads `iwgetid -r`: the name alone, or nothing when the
// interface is not connected.
func ParseIwgetid(out string) string {
	return cutSSID(strings.TrimRight(firstLine(out), "\r"))
}

// ParseNmcliWiFi reads `nmcli -t -f active,ssid dev wifi list --rescan no`:
// one network a line, "yes:NAME" for the one in use, with ':' and '\' in
// the name escaped by a backslash. It returns the name in use ("" for
// none).
func ParseNmcliWiFi(out string) string {
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 64<<10)
	for sc.Scan() {
		active, rest, ok := cutTerse(sc.Text())
		if !ok || active != "yes" {
			continue
		}
		return cutSSID(unescapeTerse(strings.TrimRight(rest, "\r")))
	}
	return ""
}

// cutTerse splits a terse nmcli line at its first unescaped ':'.
func cutTerse(line string) (string, string, bool) {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case ':':
			return unescapeTerse(line[:i]), line[i+1:], true
		}
	}
	return "", "", false
}

func unescapeTerse(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ParseNetshWLAN reads `netsh wlan show interfaces`: the "SSID" line of
// the first interface that has one ("" when none is connected). The
// labels are translated with Windows' language, but "SSID" is the same in
// every one, and "BSSID" and "AP BSSID" are told apart by the whole label.
func ParseNetshWLAN(out string) string {
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 64<<10)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || strings.TrimSpace(k) != "SSID" {
			continue
		}
		return cutSSID(strings.TrimSpace(v))
	}
	return ""
}

// ParseAirportNetwork reads macOS's `networksetup -getairportnetwork
// IFACE`: "Current Wi-Fi Network: NAME", or "You are not associated with
// an AirPort network." (also what macOS 14.4 and later say to a program
// without the location permission, whatever the network: then the name
// never changes, and no change is reported). ok is false when the
// interface is not a Wi-Fi one.
func ParseAirportNetwork(out string) (ssid string, ok bool) {
	line := strings.TrimSpace(firstLine(out))
	if v, found := strings.CutPrefix(line, "Current Wi-Fi Network:"); found {
		return cutSSID(strings.TrimSpace(v)), true
	}
	if v, found := strings.CutPrefix(line, "Current AirPort Network:"); found {
		return cutSSID(strings.TrimSpace(v)), true
	}
	if strings.HasPrefix(line, "You are not associated") {
		return "", true
	}
	return "", false
}

// ParseHardwarePorts reads macOS's `networksetup -listallhardwareports`
// and returns the device of the Wi-Fi (or AirPort) port, "" when there is
// none.
func ParseHardwarePorts(out string) string {
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 64<<10)
	wifi := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "Hardware Port:"); ok {
			v = strings.TrimSpace(v)
			wifi = v == "Wi-Fi" || v == "AirPort"
			continue
		}
		if v, ok := strings.CutPrefix(line, "Device:"); ok && wifi {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// cutSSID bounds a name read from another program and drops control
// characters, so a hostile name cannot write to a terminal or a report.
func cutSSID(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
	if len(s) > maxSSID {
		n := maxSSID
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	return s
}
