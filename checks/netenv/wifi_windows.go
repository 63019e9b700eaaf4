package netenv

import "context"

// readWiFi reads the Wi-Fi network's name from `netsh wlan show
// interfaces`. Without the WLAN service (a desktop with no Wi-Fi) netsh
// fails: unknown.
func readWiFi(ctx context.Context, sr *SampleReader) (string, bool) {
	out, err := sr.OS.command(ctx, "netsh", "wlan", "show", "interfaces")
	if err != nil {
		return "", false
	}
	return ParseNetshWLAN(string(out)), true
}
