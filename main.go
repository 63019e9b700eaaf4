// Command wsdoctor finds out why WebSockets do not work on this machine.
// With no arguments it opens the window; `check`, `serve`, `version` and
// `help` run headless.
package main

import (
	"context"
	"fmt"
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
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
	"codeberg.org/wsdoctor/wsdoctor/ui"
)

func main() {
	langFlag, guiArgs, langErr := cli.SplitLang(os.Args[1:])
	if langErr != nil {
		cli.AttachConsole()
		fmt.Fprintln(os.Stderr, "wsdoctor:", langErr)
		os.Exit(cli.ExitUsage)
	}
	presetFile, args, err := cli.SplitPreset(guiArgs)
	if err != nil || len(args) > 0 {
		cli.AttachConsole()
		if langFlag != "" {
			// From a terminal the texts stay English unless asked: the
			// findings and the report in that language, the admin note in
			// English.
			l := i18n.Choose(langFlag)
			report.SetLanguage(l)
			diagnose.SetPreferred(diagnose.MustCatalogue(l))
		}
		os.Exit(cli.Main(guiArgs, os.Stdout, os.Stderr))
	}
	pre, presetErr := cli.LoadPreset(presetFile)
	if presetErr != nil || pre.Preset == nil {
		pre = preset.Loaded{Preset: &preset.Preset{}} // the error is shown below; the window still works
	}
	lang := i18n.Choose(langFlag, pre.Language, ui.SystemLanguage())
	ui.SetLanguage(lang)
	report.SetLanguage(lang)
	c := &session.Checker{Tool: cli.Tool(), Preset: pre.Preset,
		Words: diagnose.MustCatalogue(lang), AdminWords: diagnose.MustCatalogue(i18n.Choose(pre.SupportLanguage))}
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
		Browser: func(ctx context.Context, run *session.Run) (*session.Run, error) {
			return c.Browser(ctx, run, func(page string) error {
				u, err := url.Parse(page)
				if err != nil {
					return err
				}
				return a.OpenURL(u)
			})
		},
		Preset:  uiPreset(pre),
		Version: cli.Version,
		About:   cli.VersionString(),
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
