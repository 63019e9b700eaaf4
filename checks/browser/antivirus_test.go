package browser

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func TestAntivirusOn(t *testing.T) {
	for state, on := range map[int64]bool{
		0x61100: true,  // Windows Defender, on, signatures up to date (397568)
		0x61110: true,  // on, signatures out of date
		0x41000: true,  // a third-party product, on (266240)
		0x60100: false, // Windows Defender, off (393472)
		0x40000: false, // off (262144)
		0x62100: false, // snoozed
	} {
		if got := antivirusOn(state); got != on {
			t.Errorf("productState %#x: on %v, want %v", state, got, on)
		}
	}
}

// TestAntivirusBounded: the question returns within its bound, and names
// nothing where there is no Security Center.
func TestAntivirusBounded(t *testing.T) {
	start := time.Now()
	names := Antivirus(context.Background())
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	t.Logf("antivirus on: %q", names)
	if runtime.GOOS != "windows" && names != nil {
		t.Errorf("names %q outside Windows", names)
	}
}
