package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// engineReason stands for the engine's own English reason: it is for
// support, in the report, and must never reach the window.
const engineReason = "ENGINE REASON the answer was 200 OK instead of 101"

// TestCheckingShowsNoCodes feeds the Checking screen every code every
// probe can end with, as a failure, a warning and a skip, and reads the
// screen: each row says the catalogue's sentence, and no code or engine
// reason is on screen.
func TestCheckingShowsNoCodes(t *testing.T) {
	h := newHarness(t, Engine{Check: (&fake{}).check})
	h.z.show(StepChecking)
	s := h.z.checking
	codes := append(engine.Codes(), "status_200", "status_426", "status_502", "needs_tcp", "after_upgrade", "some_new_code")
	for _, st := range []engine.Status{engine.Fail, engine.Warn, engine.Skip} {
		for _, code := range codes {
			for _, p := range engine.DefaultProbes() {
				res := engine.Result{Probe: p.Name, Status: st, Code: code, Reason: engineReason}
				s.onEvent(engine.Event{Kind: engine.EventFinished, Probe: p.Name, Result: &res})
			}
			markup := test.RenderToMarkup(h.w.Canvas())
			if strings.Contains(markup, "ENGINE REASON") {
				t.Fatalf("%s %s: the engine's reason is on screen", st, code)
			}
			if strings.Contains(code, "_") && strings.Contains(markup, code) {
				t.Fatalf("%s %s: the code is on screen", st, code)
			}
			for _, p := range engine.DefaultProbes() {
				d := s.rows[p.Name].detail.Text
				if code == engine.CodeCancelled || code == engine.CodeDeadline {
					continue
				}
				if d == "" || d == code || d != h.z.lang.cat.CodeText(p.Name, code) {
					t.Fatalf("%s %s %s: the row says %q", p.Name, st, code, d)
				}
			}
		}
	}
}
