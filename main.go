// Command wsdoctor finds out why WebSockets do not work on this machine.
// With no arguments it opens the window; `check`, `serve`, `version` and
// `help` run headless.
package main

import (
	"context"
	"os"

	// Sorts before fyne.io, so it is initialised before Fyne: see its doc.
	_ "codeberg.org/wsdoctor/wsdoctor/ui/quietlog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/cli"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/ui"
)

func main() {
	presetFile, args, err := cli.SplitPreset(os.Args[1:])
	if err != nil || len(args) > 0 {
		cli.AttachConsole()
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	pre, presetErr := cli.LoadPreset(presetFile)
	a := app.NewWithID("io.github.wsdoctor")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	w := a.NewWindow("WebSocket Doctor")
	w.Resize(fyne.NewSize(900, 640))
	ui.NewChecker(w, pre.FirstURL(), check)
	if presetErr != nil {
		dialog.ShowError(presetErr, w)
	}
	w.ShowAndRun()
}

// check runs one check for the window; an empty address checks the built-in
// reference server on this computer.
func check(ctx context.Context, raw string, onEvent func(checks.Event)) (checks.Outcome, error) {
	if raw == "" {
		srv, err := refserver.Start("127.0.0.1:0", "", "")
		if err != nil {
			return checks.Outcome{}, err
		}
		defer srv.Close()
		raw = srv.URL
	}
	t, err := checks.ParseTarget(raw)
	if err != nil {
		return checks.Outcome{}, err
	}
	rn := &checks.Runner{OnEvent: onEvent}
	return rn.Run(ctx, t, checks.Options{})
}
