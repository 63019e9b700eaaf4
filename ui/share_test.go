package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// TestShareWaitsForIdleAndOpensFolder: saving while the idle test runs
// says so and saves only when asked again; after saving, Open the folder
// opens the report's folder.
func TestShareWaitsForIdleAndOpensFolder(t *testing.T) {
	release := make(chan engine.Result)
	f := (&fake{}).with(fakeDiagnose, diagnose.Environment{})
	idle := func(ctx context.Context, run *session.Run, _ time.Duration) *session.Run {
		select {
		case r := <-release:
			return f.idled(run, r)
		case <-ctx.Done():
			return run
		}
	}
	h := newHarness(t, Engine{Check: f.check, Idle: idle})
	var opened []string
	h.z.openFolder = func(dir string) error { opened = append(opened, dir); return nil }
	h.z.welcome.idle.SetSelectedIndex(2)                         // 1 minute
	h.z.welcome.address.SetText("wss://chat.example.com/socket") // the self-test runs no idle test
	h.runToResult()
	h.z.show(StepShare)
	if h.z.share.open.Visible() {
		t.Fatal("Open the folder shown before anything was saved")
	}
	test.Tap(h.z.share.save)
	if name, _ := h.saved(); name != "" {
		t.Fatal("saved while the idle test runs, without asking")
	}
	if msg := h.z.share.status.Text(); !strings.Contains(msg, "still running") || !strings.Contains(msg, " s ") {
		t.Fatalf("status %q", msg)
	}
	if h.z.share.save.Text != h.z.lang.T("window.share.save_now") {
		t.Fatalf("the button says %q", h.z.share.save.Text)
	}
	test.Tap(h.z.share.save)
	name, _ := h.saved()
	if name == "" || !h.z.share.open.Visible() {
		t.Fatalf("Save now did not save (%q) or show Open the folder", name)
	}
	test.Tap(h.z.share.open)
	if len(opened) != 1 || opened[0] != filepath.Dir(h.z.share.saved) {
		t.Fatalf("opened %q, saved %q", opened, h.z.share.saved)
	}
	release <- engine.Result{Probe: engine.ProbeIdle, Status: engine.Pass}
	h.until("the idle result", func() bool { return !h.z.idleBusy })
}

// TestSupportLinks: the support e-mail and page on Start are links.
func TestSupportLinks(t *testing.T) {
	line := supportLine(languageOf(Engine{}), Preset{SupportEmail: "help@acme.example", SupportURL: "https://acme.example/help"})
	var links []string
	for _, o := range test.LaidOutObjects(line) {
		if l, ok := o.(*widget.Hyperlink); ok {
			links = append(links, l.URL.String())
		}
	}
	if strings.Join(links, " ") != "mailto:help@acme.example https://acme.example/help" {
		t.Fatalf("links %q", links)
	}
}

// TestSupportLineWraps: on the branded German Start screen, a long
// product name and both links fit a 700-wide window (the narrow
// case) on more lines instead of being cut at its edge.
func TestSupportLineWraps(t *testing.T) {
	l := language{Words: i18n.MustLoad("de"), cat: diagnose.MustCatalogue("de")}
	line := supportLine(l, Preset{ProductName: "Acme Echtzeit-Zusammenarbeit für Teams und Kunden – Verbindungsprüfung", SupportEmail: "verbindungshilfe@acme-beispiel.example", SupportURL: "https://acme.example/hilfe"})
	w := test.NewWindow(container.NewVBox(line))
	defer w.Close()
	const width = 700
	w.Resize(fyne.NewSize(width, 400))
	if min := line.MinSize().Width; min > width {
		t.Fatalf("the support line needs %v wide, the window has %v", min, width)
	}
	d := fyne.CurrentApp().Driver()
	var words []string
	for _, o := range test.LaidOutObjects(line) {
		if o, ok := o.(*canvas.Text); ok && o.Visible() && o.Text != "" {
			if end := d.AbsolutePositionForObject(o).X + o.MinSize().Width; end > width+1 {
				t.Errorf("%q ends at %v, past the window's %v", o.Text, end, width)
			}
			words = append(words, o.Text)
		}
	}
	if all := strings.Join(words, " "); !strings.Contains(all, "Verbindungsprüfung") || !strings.Contains(all, "verbindungshilfe@acme-beispiel.example") || !strings.Contains(all, "Hilfeseite") {
		t.Fatalf("the line shows %q", all)
	}
}
