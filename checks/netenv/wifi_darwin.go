package netenv

import "context"

// readWiFi reads the Wi-Fi network's name from `networksetup
// -getairportnetwork DEVICE`, which needs no privileges (macOS 14.4 and
// later hide the name from it: see ParseAirportNetwork). The device is
// found once a watch, from `networksetup -listallhardwareports`.
func readWiFi(ctx context.Context, sr *SampleReader) (string, bool) {
	w := &sr.wifiDevice
	w.once.Do(func() {
		out, err := sr.OS.command(ctx, "networksetup", "-listallhardwareports")
		if err == nil {
			w.dev, w.ok = ParseHardwarePorts(string(out)), true
		}
	})
	if !w.ok {
		return "", false
	}
	if w.dev == "" {
		return "", true // no Wi-Fi hardware
	}
	out, err := sr.OS.command(ctx, "networksetup", "-getairportnetwork", w.dev)
	if err != nil {
		return "", false
	}
	return ParseAirportNetwork(string(out))
}
