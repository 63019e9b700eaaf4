//go:build !windows

package cli

import "io"

// AttachConsole does nothing outside Windows, where a program started from
// a terminal always writes to it.
func AttachConsole() {}

// enableVT reports whether w understands the VT sequences the idle
// countdown redraws its line with: terminals outside Windows do.
func enableVT(io.Writer) bool { return true }
