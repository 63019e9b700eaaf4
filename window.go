//go:build !nodesktop

package main

import (
	"context"
	"net/url"
	"time"

	// Sorts before fyne.io, so it is initialised before Fyne: see its doc.
	_ "codeberg.org/wsdoctor/wsdoctor/ui/quietlog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks/cli"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
	"codeberg.org/wsdoctor/wsdoctor/ui"
)

// noCommand opens the window, with the preset in force (presetFile, else
// the one beside the program or built in).
func noCommand(langFlag, presetFile string, _ []string) int {
	pre, presetErr := cli.LoadPreset(presetFile)
	if presetErr != nil || pre.Preset == nil {
		pre = preset.Loaded{Preset: &preset.Preset{}} // the error is shown below; the window still works
	}
	// The window's language, chosen once and handed to everything that
	// writes words: --lang, the preset's language, the desktop's, else
	// English. The note for the IT team follows the preset's
	// support_language (see session.Checker).
	words := i18n.MustLoad(i18n.Choose(langFlag, pre.Language, ui.SystemLanguage()))
	c := &session.Checker{Tool: cli.Tool(), Preset: pre.Preset, Words: words}
	a := app.NewWithID("io.github.wsdoctor")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	a.Settings().SetTheme(ui.Theme(words.Lang))
	title := "WebSocket Doctor"
	if pre.ProductName != "" {
		title = pre.ProductName + " – " + title
	}
	w := a.NewWindow(title)
	w.Resize(ui.WindowSize())
	// Once the driver runs, the window knows its screen and scale: it
	// shrinks to fit the work area (1366×768 at 125% leaves 1093×614).
	a.Lifecycle().SetOnStarted(func() { ui.FitToScreen(w) })
	ui.NewWizard(w, ui.Engine{
		Check:      c.Check,
		Idle:       c.Idle,
		Connection: c.Connection,
		// Keep watching: the watch's lengths are the window's choice; its
		// intervals the defaults (25 s, 25 s, sampling every 10 s).
		Watch: func(ctx context.Context, run *session.Run, length time.Duration, onEvent func(engine.WatchEvent)) *session.Run {
			return c.Watch(ctx, run, session.WatchRequest{For: length}, onEvent)
		},
		Browser: func(ctx context.Context, run *session.Run, notLoaded func(page string)) (*session.Run, error) {
			return c.BrowserWatch(ctx, run, func(page string) error {
				u, err := url.Parse(page)
				if err != nil {
					return err
				}
				return a.OpenURL(u)
			}, notLoaded)
		},
		Preset:    uiPreset(pre),
		Version:   cli.BuildVersion(),
		About:     cli.VersionString(),
		Words:     words,
		Catalogue: diagnose.MustCatalogue(words.Lang),
		Mail: func(to, subject, body string) error {
			q := url.Values{"subject": {subject}, "body": {body}}
			return a.OpenURL(&url.URL{Scheme: "mailto", Opaque: to, RawQuery: q.Encode()})
		},
	})
	if presetErr != nil {
		dialog.ShowError(presetErr, w)
	}
	w.ShowAndRun()
	return 0
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
	switch l.Source {
	case preset.FromFlag:
		u.Origin, u.File = "flag", l.Path
	case preset.FromBeside:
		u.Origin, u.File = "beside", l.Path
	case preset.FromAdded:
		u.Origin = "added"
	case preset.FromEmbedded:
		if p.ProductName != "" || len(p.Targets) > 0 {
			u.Origin = "built_in" // a support team's build; the default has neither
		}
	}
	return u
}
