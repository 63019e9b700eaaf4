package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// fixStep is one step of the walkthrough; finding is nil for the general
// steps shown when the diagnosis has none.
type fixStep struct {
	finding *diagnose.Finding
	text    string
	// who does this step: the person, or the one it sends them to.
	who diagnose.Fixer
}

// fixSteps are the remedies of a run, most likely cause first, one step at
// a time. A run that failed with no findings to go by gets the general
// steps; a run that works gets none.
func (l language) fixSteps(run *shownRun) []fixStep {
	if run == nil {
		return nil
	}
	var out []fixStep
	for _, f := range run.problems() {
		f := f
		for i, st := range f.Steps {
			who := f.WhoCanFix
			if i < len(f.StepFixers) {
				who = f.StepFixers[i]
			}
			out = append(out, fixStep{finding: &f, text: st, who: who})
		}
		if len(f.Steps) == 0 && f.AdminNote != "" {
			out = append(out, fixStep{finding: &f, text: l.T("window.fix.copy_admin_note") + ".", who: f.WhoCanFix})
		}
	}
	if len(out) == 0 && !run.Verdict.Works() && run.Verdict != diagnose.Incomplete {
		for _, key := range l.Keys("window.fix.generic.") {
			out = append(out, fixStep{text: l.T(key)})
		}
	}
	return out
}

// fixScreen is step 5: the remedies as a walkthrough, with Test again on
// every step and the admin note one press away.
type fixScreen struct {
	z     *Wizard
	root  fyne.CanvasObject
	steps []fixStep
	at    int

	counter   *widget.Label
	forWhat   *widget.Label
	text      *widget.Label
	who       *widget.Label
	prev      *button
	next      *button
	testAgain *button
	copyNote  *button
	// enterAddress goes to Start with the host filled in, when the step
	// asks for the live connection's address; still leads to Share after
	// the last step.
	enterAddress *button
	still        *button
	copied       *notice
	nothing      *widget.Label
	walk         *fyne.Container
	words        *glossaryBox
}

func newFixScreen(z *Wizard) *fixScreen {
	s := &fixScreen{z: z}
	l := z.lang
	s.counter = widget.NewLabel("")
	s.counter.TextStyle.Bold = true
	s.forWhat = wrapped("")
	s.forWhat.TextStyle.Italic = true
	s.text = wrapped("")
	s.text.SizeName = theme.SizeNameSubHeadingText
	s.who = widget.NewLabel("")
	s.who.TextStyle.Italic = true
	s.prev = newButton(l.T("window.fix.previous"), func() { s.move(-1) }, z.escape)
	s.prev.Icon = theme.NavigateBackIcon()
	s.next = newButton(l.T("window.fix.next"), func() { s.move(1) }, z.escape)
	s.next.Icon = theme.NavigateNextIcon()
	s.next.IconPlacement = widget.ButtonIconTrailingText
	s.testAgain = newButton(l.T("window.result.test_again"), z.testAgain, z.escape)
	s.testAgain.Importance = widget.HighImportance
	s.testAgain.Icon = theme.ViewRefreshIcon()
	s.copyNote = newButton(l.T("window.fix.copy_admin_note"), s.copyAdminNote, z.escape)
	s.copyNote.Icon = theme.ContentCopyIcon()
	s.copied = newNotice()
	s.nothing = wrapped("")
	hint := wrapped(l.T("window.fix.test_hint"))
	hint.TextStyle.Italic = true
	s.words = newGlossaryBox(l)
	s.enterAddress = newButton(l.T("window.fix.enter_address"), z.enterLiveAddress, z.escape)
	s.enterAddress.Icon = theme.DocumentCreateIcon()
	s.still = newButton(l.T("window.fix.still_not_working"), func() { z.show(StepShare) }, z.escape)
	s.still.Icon = theme.MailSendIcon()
	// The buttons come first, under the step's number, so they keep
	// their places from step to step whatever the length of its words;
	// those that come and go stand at the end of the row.
	s.walk = container.NewVBox(
		s.counter,
		container.NewHBox(s.prev, s.next, s.testAgain), container.NewHBox(s.copyNote, s.enterAddress), s.copied.root,
		widget.NewSeparator(),
		s.forWhat, s.text, s.who, s.words.box, widget.NewSeparator(),
		hint, container.NewHBox(s.still),
	)
	s.root = container.NewVBox(heading(l.T("window.fix.title")), s.nothing, s.walk)
	return s
}

// reset starts the walkthrough again from the first step.
func (s *fixScreen) reset() {
	s.at = 0
	s.steps = nil
	s.copied.Hide()
}

// update shows the current step.
func (s *fixScreen) update() {
	l := s.z.lang
	if s.steps == nil {
		s.steps = l.fixSteps(s.z.run)
	}
	if len(s.steps) == 0 {
		s.walk.Hide()
		s.nothing.SetText(l.T("window.fix.nothing"))
		s.nothing.Show()
		return
	}
	s.nothing.Hide()
	s.walk.Show()
	s.at = min(max(s.at, 0), len(s.steps)-1)
	st := s.steps[s.at]
	s.counter.SetText(l.T("window.fix.step_of", "step", s.at+1, "total", len(s.steps)))
	s.text.SetText(breakable(st.text))
	s.words.set(st.text)
	if st.finding != nil {
		s.forWhat.SetText(breakable(l.T("window.fix.for", "title", st.finding.Title)))
		s.forWhat.Show()
		// Who can fix it follows the step: "ask your IT team to ..." is
		// theirs, not yours; good news asks nothing of anyone.
		f := *st.finding
		f.WhoCanFix = st.who
		s.who.SetText(breakable(l.whoFixes(f)))
		s.who.Hidden = f.Severity != diagnose.SeverityProblem && f.Severity != diagnose.SeverityWarning
		s.who.Refresh()
	} else {
		s.forWhat.Hide()
		s.who.Hide()
	}
	setEnabled(s.prev, s.at > 0)
	setEnabled(s.next, s.at < len(s.steps)-1)
	if st.finding != nil && st.finding.AdminNote != "" {
		s.copyNote.Show()
	} else {
		s.copyNote.Hide()
		s.copied.Hide()
	}
	if st.finding != nil && st.finding.ID == diagnose.IDAddressNeeded {
		s.enterAddress.Show()
	} else {
		s.enterAddress.Hide()
	}
	s.still.Hidden = s.at < len(s.steps)-1
	s.still.Refresh()
}

// move goes d steps on.
func (s *fixScreen) move(d int) {
	s.at += d
	s.copied.Hide()
	s.update()
}

// copyAdminNote puts the note for the IT team on the clipboard, with what
// was checked so it stands on its own in an e-mail or a ticket.
func (s *fixScreen) copyAdminNote() {
	if s.at >= len(s.steps) || s.steps[s.at].finding == nil {
		return
	}
	f := s.steps[s.at].finding
	note := ""
	if s.z.run != nil && s.z.run.Session != nil {
		note = s.z.run.Session.Diagnosis.AdminNote
	}
	if note == "" {
		note = s.z.lang.adminNote(s.z.eng.Preset, s.z.run, *f)
	}
	s.z.copyText(note)
	s.copied.Say(noticeDone, s.z.lang.T("window.fix.copied_admin_note"))
}

// adminNote is the text copied for the IT team.
func (l language) adminNote(p Preset, run *shownRun, f diagnose.Finding) string {
	who := firstOf(p.ProductName, l.T("window.app_name"))
	return l.T("window.fix.admin_note_head", "product", who, "address", l.shownAddress(run)) + "\n\n" + f.Title + "\n\n" + f.AdminNote + "\n"
}

// copyText puts text on the clipboard.
func (z *Wizard) copyText(text string) {
	fyne.CurrentApp().Clipboard().SetContent(text)
}

// enterLiveAddress goes back to Start with the address field holding the
// checked host as a live connection's address (wss://host/), ready for
// the path the person found, and the keyboard in it.
func (z *Wizard) enterLiveAddress() {
	addr := ""
	if z.run != nil {
		t := z.run.Outcome.Target
		t.Page, t.Path = false, "/"
		addr = t.String()
	}
	z.show(StepWelcome)
	e := z.welcome.address
	e.SetText(addr)
	e.CursorRow, e.CursorColumn = 0, len([]rune(addr))
	e.Refresh()
	z.Window.Canvas().Focus(e)
}
