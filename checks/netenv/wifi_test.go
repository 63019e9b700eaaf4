package netenv

import (
	"strings"
	"testing"
)

func TestWiFiParsers(t *testing.T) {
	for _, tc := range []struct {
		file  string
		parse func(string) string
		want  string
	}{
		{"netsh_wlan_connected.txt", ParseNetshWLAN, "Cafe Corner 5G"},
		{"netsh_wlan_de.txt", ParseNetshWLAN, "FRITZ!Box 7590 XY"},
		{"netsh_wlan_disconnected.txt", ParseNetshWLAN, ""},
		{"nmcli_wifi_active.txt", ParseNmcliWiFi, `Office:5G \ east`},
		{"nmcli_wifi_none.txt", ParseNmcliWiFi, ""},
		{"networksetup_ports.txt", ParseHardwarePorts, "en1"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			if got := tc.parse(fixture(t, tc.file)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if got := ParseIwgetid("Home Net\n"); got != "Home Net" {
		t.Errorf("iwgetid: %q", got)
	}
	for _, tc := range []struct {
		file string
		want string
		ok   bool
	}{
		{"airport_connected.txt", "Home Sweet Home", true},
		{"airport_none.txt", "", true},
		{"airport_notwifi.txt", "", false},
	} {
		got, ok := ParseAirportNetwork(fixture(t, tc.file))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: got %q %v, want %q %v", tc.file, got, ok, tc.want, tc.ok)
		}
	}
}

// TestSSIDIsBounded: a network's name is another person's text; it must not
// carry terminal escapes or grow without bound into the timeline.
func TestSSIDIsBounded(t *testing.T) {
	got := ParseNetshWLAN("    SSID : \x1b[31mred\x07" + strings.Repeat("é", 200) + "\n")
	if strings.ContainsAny(got, "\x1b\x07") || len(got) > maxSSID || !strings.HasPrefix(got, "[31mred") {
		t.Errorf("got %q (%d bytes)", got, len(got))
	}
}
