package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// press sends key k as the window's driver does: to the object that has
// the keyboard (of the topmost dialog, when one is open), else to the
// window's own handler.
func (h *harness) press(k fyne.KeyName) {
	h.t.Helper()
	ev := &fyne.KeyEvent{Name: k}
	if f := h.w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	h.w.Canvas().(interface {
		OnTypedKey() func(*fyne.KeyEvent)
	}).OnTypedKey()(ev)
}

// TestEscapeClosesTheDialogFirst: with the About box open over Result,
// Escape closes the About box and leaves the page as it is, whether a
// button of the page or nothing had the keyboard; the next Escape goes
// back.
func TestEscapeClosesTheDialogFirst(t *testing.T) {
	f := &fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}}
	h := newHarness(t, Engine{Check: f.with(fakeDiagnose, diagnose.Environment{}).check})
	h.z.welcome.address.SetText("wss://chat.example.com/socket")
	h.runToResult()
	for _, focused := range []bool{true, false} {
		if focused {
			h.w.Canvas().Focus(h.z.result.fixBtn)
		} else {
			h.w.Canvas().Unfocus()
		}
		test.Tap(h.z.about)
		if h.w.Canvas().Overlays().Top() == nil {
			t.Fatal("the About box did not open")
		}
		h.press(fyne.KeyEscape)
		if h.w.Canvas().Overlays().Top() != nil {
			t.Errorf("focus on the page %v: Escape left the About box open", focused)
		}
		if h.z.step != StepResult {
			t.Fatalf("focus on the page %v: Escape acted on the page behind the About box (now on step %d)", focused, h.z.step)
		}
	}
	h.press(fyne.KeyEscape)
	if h.z.step != StepWelcome {
		t.Errorf("Escape with no dialog open went to step %d, want back to the start", h.z.step)
	}
}

// TestEnterPressesTheHighlightedButton: on Fix it, Enter with nothing
// focused presses the highlighted Test again (a second check), not Next
// (Share); with the About box open it does nothing to the page.
func TestEnterPressesTheHighlightedButton(t *testing.T) {
	f := &fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}}
	h := newHarness(t, Engine{Check: f.with(fakeDiagnose, diagnose.Environment{}).check})
	h.z.welcome.address.SetText("wss://chat.example.com/socket")
	h.runToResult()
	test.Tap(h.z.result.fixBtn)
	h.atStep(StepFix)

	test.Tap(h.z.about)
	h.w.Canvas().Unfocus()
	h.press(fyne.KeyReturn)
	if h.z.step != StepFix || f.runs.Load() != 1 {
		t.Fatalf("Enter with the About box open acted on the page (step %d, %d runs)", h.z.step, f.runs.Load())
	}
	h.press(fyne.KeyEscape)

	h.w.Canvas().Unfocus()
	h.press(fyne.KeyReturn)
	if h.z.step == StepShare {
		t.Fatal("Enter went to Share, not to the highlighted Test again")
	}
	h.atStep(StepResult)
	if f.runs.Load() != 2 {
		t.Errorf("%d runs after Enter on Fix it, want 2 (Test again)", f.runs.Load())
	}
}

// TestTabGoesThroughTheContentFirst: from the top of each screen, Tab
// visits the screen's own controls before Back and Next, and About last.
func TestTabGoesThroughTheContentFirst(t *testing.T) {
	f := &fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}}
	h := newHarness(t, Engine{Check: f.with(fakeDiagnose, diagnose.Environment{}).check})
	h.z.welcome.address.SetText("wss://chat.example.com/socket")
	h.runToResult()
	for _, step := range []Step{StepResult, StepFix} {
		if step == StepFix {
			test.Tap(h.z.result.fixBtn)
			h.atStep(StepFix)
		}
		c := h.w.Canvas()
		c.Unfocus()
		var order []fyne.Focusable
		for i := 0; i < 60; i++ {
			c.FocusNext()
			f := c.Focused()
			if f == nil || len(order) > 0 && f == order[0] {
				break
			}
			order = append(order, f)
		}
		footer := -1
		for i, o := range order {
			switch o {
			case h.z.back, h.z.next, h.z.about:
				if footer < 0 {
					footer = i
				}
			default:
				if footer >= 0 {
					t.Errorf("step %d: Tab reaches %T after the footer or About (order %d of %d)", step, o, i, len(order))
				}
			}
		}
		if footer <= 0 {
			t.Errorf("step %d: Tab starts with the footer or About, not the screen (footer at %d of %d)", step, footer, len(order))
		}
		if len(order) > 0 && order[len(order)-1] != h.z.about {
			t.Errorf("step %d: About is not the last stop of Tab", step)
		}
	}
}

// TestFocusRing: the button that has the keyboard shows its ring, in the
// theme's ring colour; the others do not.
func TestFocusRing(t *testing.T) {
	h := newHarness(t, Engine{Check: (&fake{}).check})
	h.w.Canvas().Focus(h.z.welcome.check)
	ring := func(b *button) *ringRenderer { return test.WidgetRenderer(b).(*ringRenderer) }
	if r := ring(h.z.welcome.check); r.ring.Hidden || r.ring.StrokeWidth < 2 || r.ring.StrokeColor != themeColor(h.z.welcome.check.Theme(), colorNameFocusRing, h.app.Settings().ThemeVariant()) {
		t.Errorf("the focused button shows no ring: hidden %v, %v px, %v", r.ring.Hidden, r.ring.StrokeWidth, r.ring.StrokeColor)
	}
	if r := ring(h.z.welcome.selfTest); !r.ring.Hidden {
		t.Error("a button without the keyboard shows a ring")
	}
	h.w.Canvas().Focus(h.z.welcome.selfTest)
	if !ring(h.z.welcome.check).ring.Hidden || ring(h.z.welcome.selfTest).ring.Hidden {
		t.Error("the ring did not follow the keyboard")
	}
}
