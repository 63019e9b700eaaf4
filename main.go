// Command wsdoctor finds out why WebSockets do not work on this machine.
// With no arguments it opens the window; `check`, `serve`, `version` and
// `help` run headless.
package main

import (
	"net/url"
	"os"
	"time"

	// Sorts before fyne.io, so it is initialised before Fyne: see its doc.
	_ "codeberg.org/wsdoctor/wsdoctor/ui/quietlog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks/cli"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
	"codeberg.org/wsdoctor/wsdoctor/ui"
)

func main() {
	presetFile, args, err := cli.SplitPreset(os.Args[1:])
	if err != nil || len(args) > 0 {
		cli.AttachConsole()
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	pre, presetErr := cli.LoadPreset(presetFile)
	if presetErr != nil || pre.Preset == nil {
		pre = preset.Loaded{Preset: &preset.Preset{}} // the error is shown below; the window still works
	}
	c := &session.Checker{Tool: cli.Tool(), Preset: pre.Preset}
	a := app.NewWithID("io.github.wsdoctor")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	a.Settings().SetTheme(ui.Theme())
	title := "WebSocket Doctor"
	if pre.ProductName != "" {
		title = pre.ProductName + " – " + title
	}
	w := a.NewWindow(title)
	w.Resize(fyne.NewSize(900, 640))
	ui.NewWizard(w, ui.Engine{
		Check:       c.Check,
		Idle:        c.Idle,
		Environment: c.Environment,
		Preset:      uiPreset(pre),
		Version:     cli.Version,
		About:       cli.VersionString(),
		Mail: func(to, subject, body string) error {
			q := url.Values{"subject": {subject}, "body": {body}}
			return a.OpenURL(&url.URL{Scheme: "mailto", Opaque: to, RawQuery: q.Encode()})
		},
	})
	if presetErr != nil {
		dialog.ShowError(presetErr, w)
	}
	w.ShowAndRun()
}

// uiPreset is what the window shows of the preset.
func uiPreset(l preset.Loaded) ui.Preset {
	p := l.Preset
	u := ui.Preset{
		ProductName:  p.ProductName,
		SupportEmail: p.SupportEmail,
		SupportURL:   p.SupportURL,
		IdleRequired: time.Duration(p.RequiredIdleSeconds) * time.Second,
	}
	for _, t := range p.Targets {
		u.Targets = append(u.Targets, ui.Target{URL: t.URL, Label: t.Label})
	}
	if l.Path != "" {
		u.Source = l.Path + " (" + string(l.Source) + ")"
	}
	return u
}
