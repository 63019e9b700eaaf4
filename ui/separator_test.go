package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// TestStatusAndTimeApart: on Checking, a step's status and its time keep a
// gap between them in every language, with the window's own fonts; the
// Japanese "OK" and "1ミリ秒未満" ran together when the time was wider
// than its column.
func TestStatusAndTimeApart(t *testing.T) {
	a := test.NewTempApp(t)
	for _, lang := range i18n.Languages {
		a.Settings().SetTheme(Theme(lang))
		l := language{Words: i18n.MustLoad(lang)}
		times := []string{l.probeTime(200 * time.Microsecond), l.probeTime(1234 * time.Millisecond), l.probeTime(12 * time.Second)}
		for _, state := range []string{"pass", "warn", "fail", "skip", "stopped"} {
			for _, took := range times {
				r := newProbeRow(l, "upgrade")
				r.set(rowPass, l.T("window.state."+state), "", took)
				w := a.NewWindow("row")
				w.SetContent(r.root)
				w.Resize(fyne.NewSize(520, 120))
				statusEnd := absX(r.status, w) + r.status.Size().Width - theme.InnerPadding()
				textStart := absX(r.time, w) + r.time.Size().Width - r.time.MinSize().Width + theme.InnerPadding()
				if textStart-statusEnd < 4 {
					t.Errorf("%s: %q and %q run together (%.1f px apart)", lang, r.status.Text, took, textStart-statusEnd)
				}
				w.Close()
			}
		}
	}
}

// absX is o's left edge in w's content.
func absX(o fyne.CanvasObject, w fyne.Window) float32 {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).X - fyne.CurrentApp().Driver().AbsolutePositionForObject(w.Content()).X
}
