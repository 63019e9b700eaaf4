package netenv

import (
	"context"

	"golang.org/x/sys/windows/registry"
)

// windowsVersionKey holds the release's names, under HKLM.
const windowsVersionKey = `SOFTWARE\Microsoft\Windows NT\CurrentVersion`

// readOSVersion reads the release from the registry.
func readOSVersion(ctx context.Context, rd *OSReader) string {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, windowsVersionKey, registry.QUERY_VALUE)
	if err != nil {
		return ""
	}
	defer k.Close()
	str := func(name string) string {
		s, _, _ := k.GetStringValue(name)
		return s
	}
	display := str("DisplayVersion")
	if display == "" {
		display = str("ReleaseId")
	}
	ubr, _, _ := k.GetIntegerValue("UBR")
	return WindowsVersion(str("ProductName"), display, str("CurrentBuildNumber"), ubr)
}
