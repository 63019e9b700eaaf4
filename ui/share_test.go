package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
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
	h.z.welcome.idle.SetSelectedIndex(2) // 1 minute
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
	if h.z.share.save.Text != T.SaveNow {
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
	line := supportLine(Preset{SupportEmail: "help@acme.example", SupportURL: "https://acme.example/help"})
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
