package engine

import (
	"runtime"
	"strings"
)

// Platform is the system this program runs on and the Go it was built
// with, for reports. (The machine's settings, proxy and VPN, are
// diagnose.Environment.)
type Platform struct {
	OS   string `json:"os"`
	Arch string `json:"arch"`
	Go   string `json:"go"`
}

// CurrentPlatform is this program's platform.
func CurrentPlatform() Platform {
	return Platform{OS: runtime.GOOS, Arch: runtime.GOARCH, Go: strings.TrimPrefix(runtime.Version(), "go")}
}
