package netenv

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
)

// readWiFi reads the Wi-Fi network's name on Linux. Without a wireless
// interface (none in /sys/class/net has a wireless or phy80211 entry) it
// is "" with no program started; else `iwgetid -r` (wireless-tools: one
// ioctl), else NetworkManager's list of networks it already knows
// (`--rescan no`: never a scan, which takes seconds and radio time).
func readWiFi(ctx context.Context, sr *SampleReader) (string, bool) {
	ifs, ok := wirelessInterfaces("/sys/class/net")
	if !ok {
		return "", false
	}
	if len(ifs) == 0 {
		return "", true
	}
	return linuxWiFi(ctx, sr.OS)
}

// linuxWiFi asks iwgetid, then nmcli.
func linuxWiFi(ctx context.Context, rd *OSReader) (string, bool) {
	out, err := rd.command(ctx, "iwgetid", "-r")
	if err == nil {
		return ParseIwgetid(string(out)), true
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && ctx.Err() == nil {
		return "", true // iwgetid fails when no interface is connected
	}
	if !notInstalled(err) {
		return "", false
	}
	out, err = rd.command(ctx, "nmcli", "-t", "-f", "active,ssid", "dev", "wifi", "list", "--rescan", "no")
	if err != nil {
		return "", false
	}
	return ParseNmcliWiFi(string(out)), true
}

// wirelessInterfaces lists the interfaces under sysNet that are wireless;
// ok is false when the directory cannot be read.
func wirelessInterfaces(sysNet string) ([]string, bool) {
	ents, err := os.ReadDir(sysNet)
	if err != nil {
		return nil, false
	}
	var out []string
	for _, e := range ents {
		for _, sub := range []string{"wireless", "phy80211"} {
			if _, err := os.Stat(filepath.Join(sysNet, e.Name(), sub)); err == nil {
				out = append(out, e.Name())
				break
			}
		}
	}
	return out, true
}
