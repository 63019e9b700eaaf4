//go:build !linux && !darwin && !windows

package netenv

import "context"

// readWiFi: the Wi-Fi network's name is not read on this OS.
func readWiFi(ctx context.Context, sr *SampleReader) (string, bool) { return "", false }
