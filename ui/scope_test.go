package ui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// TestPageAddressOneState: a web page's address is in one state, "we need
// the live connection's address", in the banner, the three parts, the
// path and the before/after of Test again; Fix it offers to enter the
// live connection's address, which goes to Start with the host filled in
// and the keyboard in the field.
func TestPageAddressOneState(t *testing.T) {
	f := &fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}, real: true}
	h := newHarness(t, Engine{Check: f.check})
	l := h.z.lang
	test.Type(h.z.welcome.address, "https://chat.example.com/workspace")
	test.Tap(h.z.welcome.check)
	h.atStep(StepResult)
	r := h.z.result
	if r.banner.text != l.T("window.verdict.address_needed") {
		t.Errorf("banner %q", r.banner.text)
	}
	if got := r.strip.parts[2].state.Text; got != l.T("window.scope.address_needed") {
		t.Errorf("the service's part reads %q", got)
	}
	for _, hp := range pathOf(h.z.run) {
		switch {
		case hp.State == hopFail:
			t.Errorf("the path stops at %s", hp.Kind)
		case hp.Kind == diagnose.HopService && hp.State != hopAddress:
			t.Errorf("the service hop is %d, not address needed", hp.State)
		}
	}
	test.Tap(r.again)
	h.atStep(StepResult)
	h.until("the second run", func() bool { return f.runs.Load() == 2 && h.z.run != nil })
	h.z.show(StepResult)
	want := l.T("window.result.before_after", "before", l.T("window.verdict_short.address_needed"), "now", l.T("window.verdict_short.address_needed"))
	if !strings.Contains(r.compare.Text, want) {
		t.Errorf("before/after %q, want %q", r.compare.Text, want)
	}
	h.z.show(StepFix)
	if !h.z.fix.enterAddress.Visible() {
		t.Fatal("Fix it does not offer to enter the live connection's address")
	}
	test.Tap(h.z.fix.enterAddress)
	h.atStep(StepWelcome)
	if got := h.z.welcome.address.Text; got != "wss://chat.example.com/" {
		t.Errorf("address field %q", got)
	}
	if h.w.Canvas().Focused() != h.z.welcome.address {
		t.Error("the keyboard is not in the address field")
	}
}

// TestFixButtonsKeepTheirPlaces walks every step of a run with steps of
// different lengths: Previous, Next and Test again stay where they are;
// who can fix it follows the step (an "ask your IT team" step is theirs);
// the last step leads to Share.
func TestFixButtonsKeepTheirPlaces(t *testing.T) {
	long := strings.Repeat("A step with many words that wrap over several lines in the window. ", 6)
	f := (&fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}}).with(func(engine.Outcome) []diagnose.Finding {
		return []diagnose.Finding{{ID: "proxy-unreachable", Severity: diagnose.SeverityProblem, WhoCanFix: diagnose.FixerYou,
			Title: "The proxy cannot be reached", Explanation: "It does not answer.",
			Steps:      []string{"Switch the proxy off.", long, "Ask your IT team for the correct proxy address."},
			StepFixers: []diagnose.Fixer{diagnose.FixerYou, diagnose.FixerYou, diagnose.FixerNetworkAdmin},
			AdminNote:  "The proxy does not answer."}}
	}, diagnose.Environment{})
	h := newHarness(t, Engine{Check: f.check})
	h.w.Resize(fyne.NewSize(900, 640))
	h.z.welcome.address.SetText("wss://chat.example.com/socket")
	h.runToResult()
	h.z.show(StepFix)
	d := fyne.CurrentApp().Driver()
	s := h.z.fix
	var places []fyne.Position
	for i := 0; i < 3; i++ {
		if i > 0 {
			test.Tap(s.next)
		}
		p := []fyne.Position{d.AbsolutePositionForObject(s.prev), d.AbsolutePositionForObject(s.next), d.AbsolutePositionForObject(s.testAgain)}
		if places == nil {
			places = p
		} else if p[0] != places[0] || p[1] != places[1] || p[2] != places[2] {
			t.Errorf("step %d: buttons at %v, on step 1 at %v", i+1, p, places)
		}
		wantWho := l(h).label("fixer.you", "")
		if i == 2 {
			wantWho = l(h).label("fixer.network_admin", "")
		}
		if !strings.Contains(s.who.Text, wantWho) {
			t.Errorf("step %d: %q, want %q", i+1, s.who.Text, wantWho)
		}
		if s.still.Visible() != (i == 2) {
			t.Errorf("step %d: Still not working shown %v", i+1, s.still.Visible())
		}
	}
	test.Tap(s.still)
	h.atStep(StepShare)
}

func l(h *harness) language { return h.z.lang }

// TestNoFixerOnGoodNews: a run that works says nothing of who can fix it.
func TestNoFixerOnGoodNews(t *testing.T) {
	f := (&fake{}).with(fakeDiagnose, diagnose.Environment{})
	f.real = true
	h := newHarness(t, Engine{Check: f.check})
	h.z.welcome.address.SetText("wss://chat.example.com/socket")
	h.runToResult()
	who := h.z.lang.T("window.result.fixer_nobody")
	if hasTextPart(h.z.result.root, who) {
		t.Errorf("a working run reads %q", who)
	}
}

// hasTextPart reports whether a visible label under o contains text.
func hasTextPart(o fyne.CanvasObject, text string) bool {
	found := false
	walkLabels(o, func(s string) {
		if strings.Contains(s, text) {
			found = true
		}
	})
	return found
}

// walkLabels calls fn with the text of every visible label under o.
func walkLabels(o fyne.CanvasObject, fn func(string)) {
	if o == nil || !o.Visible() {
		return
	}
	switch x := o.(type) {
	case *widget.Label:
		fn(x.Text)
	case *fyne.Container:
		for _, c := range x.Objects {
			walkLabels(c, fn)
		}
	}
}

// TestTimeHonesty: Start says how long a check takes, from the run's time
// limit (and the idle test chosen after it); Checking counts down while
// the check runs and says nothing once it is over; a row that starts
// running below the fold is scrolled into view; Open the folder that
// fails says so, with the folder's path, and copies the path.
func TestTimeHonesty(t *testing.T) {
	release := make(chan struct{})
	f := (&fake{}).with(fakeDiagnose, diagnose.Environment{})
	check := func(ctx context.Context, req session.Request, onEvent func(engine.Event)) (*session.Run, error) {
		for _, p := range engine.DefaultProbes() {
			onEvent(engine.Event{Kind: engine.EventStarted, Probe: p.Name})
		}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return f.check(ctx, req, func(engine.Event) {})
	}
	h := newHarness(t, Engine{Check: check, Idle: func(ctx context.Context, run *session.Run, _ time.Duration) *session.Run { <-ctx.Done(); return run }})
	h.w.Resize(fyne.NewSize(900, 500))
	l := h.z.lang
	h.z.welcome.idle.SetSelectedIndex(0)
	if got, want := h.z.welcome.duration.Text, l.T("window.welcome.duration", "most", l.Span(engine.DefaultDeadline)); got != want {
		t.Errorf("Start says %q, want %q", got, want)
	}
	h.z.welcome.idle.SetSelectedIndex(2)
	if !strings.Contains(h.z.welcome.duration.Text, l.Span(time.Minute)) {
		t.Errorf("Start does not count the idle test: %q", h.z.welcome.duration.Text)
	}
	h.z.welcome.idle.SetSelectedIndex(0)
	h.z.welcome.address.SetText("wss://chat.example.com/socket")
	test.Tap(h.z.welcome.check)
	h.atStep(StepChecking)
	h.until("the rows to run", func() bool {
		return h.z.checking.rows[h.z.checking.order[len(h.z.checking.order)-1]].state == rowRunning
	})
	if !strings.Contains(h.z.checking.eta.Text, l.Span(engine.DefaultDeadline)) {
		t.Errorf("Checking counts down from %q", h.z.checking.eta.Text)
	}
	last := h.z.checking.rows[h.z.checking.order[len(h.z.checking.order)-1]]
	if !inView(h.z.scroll, last.root) {
		t.Error("the last row that started running is below the fold")
	}
	close(release)
	h.atStep(StepResult)
	if h.z.checking.eta.Text != "" {
		t.Errorf("after the check, Checking still reads %q", h.z.checking.eta.Text)
	}
	h.z.openFolder = func(string) error { return errors.New("no file manager answered") }
	h.z.show(StepShare)
	test.Tap(h.z.share.save)
	h.until("the save", func() bool { return h.z.share.saved != "" })
	test.Tap(h.z.share.open)
	dir := filepath.Dir(h.z.share.saved)
	if msg := h.z.share.status.Text(); !strings.Contains(msg, dir) || !strings.Contains(msg, "no file manager answered") {
		t.Errorf("Open the folder failed with %q", msg)
	}
	if got := fyne.CurrentApp().Clipboard().Content(); got != dir {
		t.Errorf("clipboard %q, want the folder %q", got, dir)
	}
}
