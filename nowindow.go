//go:build nodesktop

package main

// noCommand, in wsdoctor-cli (built with the tag nodesktop), has no window
// to open: it says which commands there are, as a mistyped command does.
func noCommand(langFlag, _ string, args []string) int { return headless(langFlag, args) }
