// Command wsdoctor finds out why WebSockets do not work on this machine.
// With no arguments it opens the window; `check`, `serve`, `version` and
// `help` run headless. Built with the tag nodesktop (and CGO_ENABLED=0) it
// is wsdoctor-cli: the same commands, no window, no Fyne, no cgo (make
// build-cli).
package main

import (
	"fmt"
	"os"

	"codeberg.org/wsdoctor/wsdoctor/checks/cli"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

func main() {
	langFlag, args, langErr := cli.SplitLang(os.Args[1:])
	if langErr != nil {
		cli.AttachConsole()
		fmt.Fprintln(os.Stderr, "wsdoctor:", langErr)
		os.Exit(cli.ExitUsage)
	}
	presetFile, rest, err := cli.SplitPreset(args)
	if err != nil || len(rest) > 0 {
		os.Exit(headless(langFlag, args))
	}
	os.Exit(noCommand(langFlag, presetFile, args))
}

// headless runs a command (check, serve, report, ...). From a terminal the
// texts stay English unless --lang asks, so a script reads the same words
// on every machine; the note for the IT team follows the preset's
// support_language (see cli.MainIn).
func headless(langFlag string, args []string) int {
	cli.AttachConsole()
	return cli.MainIn(i18n.MustLoad(i18n.Choose(langFlag)), args, os.Stdout, os.Stderr)
}
