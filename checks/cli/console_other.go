//go:build !windows

package cli

// AttachConsole does nothing outside Windows, where a program started from
// a terminal always writes to it.
func AttachConsole() {}
