package netenv

import (
	"context"
	"testing"
	"time"
)

func TestParseNMConnectivity(t *testing.T) {
	for in, want := range map[string]Captive{
		"portal\n": CaptivePortal, "full\n": CaptiveFull, "limited": CaptiveLimited,
		"none\n": CaptiveNone, "unknown\n": CaptiveUnknown, "": CaptiveUnknown, "Error: NetworkManager is not running.": CaptiveUnknown,
	} {
		if got := ParseNMConnectivity(in); got != want {
			t.Errorf("ParseNMConnectivity(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReadCaptiveIsBounded: whatever this machine has (NetworkManager or
// not), the reader answers within its bound.
func TestReadCaptiveIsBounded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	ReadCaptive(ctx)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("ReadCaptive took %v with a 200 ms context", took)
	}
}
