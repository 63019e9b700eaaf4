package ui

import (
	"fmt"

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
}

// fixSteps are the remedies of a run, most likely cause first, one step at
// a time. A run that failed with no findings to go by gets the general
// steps; a run that works gets none.
func fixSteps(run *Run) []fixStep {
	if run == nil {
		return nil
	}
	var out []fixStep
	for _, f := range run.problems() {
		f := f
		for _, st := range f.Steps {
			out = append(out, fixStep{finding: &f, text: st})
		}
		if len(f.Steps) == 0 && f.AdminNote != "" {
			out = append(out, fixStep{finding: &f, text: T.CopyAdminNote + "."})
		}
	}
	if len(out) == 0 && !run.Verdict.Works() && run.Verdict != diagnose.Incomplete {
		for _, st := range T.GenericSteps {
			out = append(out, fixStep{text: st})
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
	copied    *notice
	nothing   *widget.Label
	walk      *fyne.Container
}

func newFixScreen(z *Wizard) *fixScreen {
	s := &fixScreen{z: z}
	s.counter = widget.NewLabel("")
	s.counter.TextStyle.Bold = true
	s.forWhat = wrapped("")
	s.forWhat.TextStyle.Italic = true
	s.text = wrapped("")
	s.text.SizeName = theme.SizeNameSubHeadingText
	s.who = widget.NewLabel("")
	s.who.TextStyle.Italic = true
	s.prev = newButton(T.FixPrevStep, func() { s.move(-1) }, z.escape)
	s.prev.Icon = theme.NavigateBackIcon()
	s.next = newButton(T.FixNextStep, func() { s.move(1) }, z.escape)
	s.next.Icon = theme.NavigateNextIcon()
	s.next.IconPlacement = widget.ButtonIconTrailingText
	s.testAgain = newButton(T.TestAgain, z.testAgain, z.escape)
	s.testAgain.Importance = widget.HighImportance
	s.testAgain.Icon = theme.ViewRefreshIcon()
	s.copyNote = newButton(T.CopyAdminNote, s.copyAdminNote, z.escape)
	s.copyNote.Icon = theme.ContentCopyIcon()
	s.copied = newNotice()
	s.nothing = wrapped("")
	hint := wrapped(T.FixTestHint)
	hint.TextStyle.Italic = true
	s.walk = container.NewVBox(
		s.counter, s.forWhat, widget.NewSeparator(), s.text, s.who, widget.NewSeparator(),
		hint,
		container.NewHBox(s.prev, s.next, s.testAgain),
		container.NewHBox(s.copyNote), s.copied.root,
	)
	s.root = container.NewVBox(heading(T.FixTitle), s.nothing, s.walk)
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
	if s.steps == nil {
		s.steps = fixSteps(s.z.run)
	}
	if len(s.steps) == 0 {
		s.walk.Hide()
		s.nothing.SetText(T.NothingToFix)
		s.nothing.Show()
		return
	}
	s.nothing.Hide()
	s.walk.Show()
	s.at = min(max(s.at, 0), len(s.steps)-1)
	st := s.steps[s.at]
	s.counter.SetText(fmt.Sprintf(T.FixStepOf, s.at+1, len(s.steps)))
	s.text.SetText(st.text)
	if st.finding != nil {
		s.forWhat.SetText(fmt.Sprintf(T.FixFor, st.finding.Title))
		s.forWhat.Show()
		s.who.SetText(fmt.Sprintf(T.WhoFixes, fixerOf(*st.finding)))
		s.who.Show()
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
		note = adminNote(s.z.eng.Preset, s.z.run, *f)
	}
	s.z.copyText(note)
	s.copied.Say(noticeDone, T.CopiedAdminNote)
}

// adminNote is the text copied for the IT team.
func adminNote(p Preset, run *Run, f diagnose.Finding) string {
	who := firstOf(p.ProductName, T.AppName)
	return fmt.Sprintf(T.AdminNoteHead, who, shownAddress(run)) + "\n\n" + f.Title + "\n\n" + f.AdminNote + "\n"
}

// copyText puts text on the clipboard.
func (z *Wizard) copyText(text string) {
	fyne.CurrentApp().Clipboard().SetContent(text)
}
