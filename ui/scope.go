package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// scopeStrip is the run at a glance, under the verdict: what was tested
// and how long it took, then this computer, your network and the service,
// each works, problem here, or not tested.
type scopeStrip struct {
	root   *fyne.Container
	tested *widget.Label
	parts  [3]*scopePart
}

type scopePart struct {
	icon  *widget.Icon
	name  string
	state *widget.Label
	text  *widget.RichText
}

func newScopeStrip(l language) *scopeStrip {
	s := &scopeStrip{tested: wrapped("")}
	grid := container.NewGridWithColumns(3)
	for i, key := range []string{"window.scope.computer", "window.scope.network", "window.scope.service"} {
		// One line a part: the name in bold, then how it did; state
		// holds the words of the state alone, for tests.
		p := &scopePart{icon: widget.NewIcon(nil), name: l.T(key), state: widget.NewLabel(""), text: widget.NewRichText()}
		p.text.Wrapping = fyne.TextWrapWord
		s.parts[i] = p
		grid.Add(container.NewBorder(nil, nil, container.NewCenter(p.icon), nil, p.text))
	}
	s.root = container.NewVBox(s.tested, grid)
	s.root.Hide()
	return s
}

// set shows run; nil hides the strip.
func (s *scopeStrip) set(l language, run *shownRun) {
	if run == nil || run.Session == nil {
		s.root.Hide()
		return
	}
	selfTest := run.Session.Scope == session.ScopeSelfTest
	parts := diagnose.PartsOf(run.Session.Diagnosis, selfTest)
	switch run.Session.Deciding() {
	case session.CompareProxy, session.CompareProxyEntered:
		// A live connection made around the proxy worked: the service
		// was tested, and works.
		parts.Service = diagnose.PartWorks
	}
	addr := l.shownAddress(run)
	if selfTest {
		addr = l.T("window.scope.self_test_address")
	}
	s.tested.SetText(l.T("window.scope.tested", "address", addr, "duration", l.runTime(run.Outcome)))
	for i, st := range []diagnose.PartState{parts.Computer, parts.Network, parts.Service} {
		p := s.parts[i]
		key := "window.scope." + string(st)
		if i == 2 && run.Path.Why == diagnose.IDAddressNeeded {
			// A web page's host answered: its live connection's own
			// address is what is missing, not a fault of the service.
			key, st = "window.scope.address_needed", partAddress
		}
		p.state.SetText(l.T(key))
		p.text.Segments = []widget.RichTextSegment{
			&widget.TextSegment{Text: p.name, Style: widget.RichTextStyle{Inline: true, TextStyle: fyne.TextStyle{Bold: true}}},
			&widget.TextSegment{Text: l.T("window.scope.part_sep") + p.state.Text, Style: widget.RichTextStyleInline},
		}
		p.text.Refresh()
		p.icon.SetResource(partIcon(st))
	}
	s.root.Show()
}

// runTime is how long a run took, in the language's units.
func (l language) runTime(o engine.Outcome) string {
	d := o.Finished.Sub(o.Started)
	if o.Started.IsZero() || o.Finished.IsZero() || d < 0 {
		d = 0
	}
	if d < time.Second {
		return l.probeTime(d)
	}
	return l.T("unit.s", "n", l.Float(d.Seconds(), 1))
}

// partAddress is the service of a web page's address, in the window
// only: the live connection's address is needed.
const partAddress diagnose.PartState = "address_needed"

func partIcon(st diagnose.PartState) fyne.Resource {
	switch st {
	case partAddress:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case diagnose.PartWorks:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case diagnose.PartProblem:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	}
	return theme.NewDisabledResource(theme.QuestionIcon())
}

// headline is the verdict of a run that does not work, naming the party
// that fails (diagnose.Headline, which every report heads the run with
// too); "" when the path does not tell (the verdict's own words are used
// then).
func (l language) headline(run *shownRun) string {
	if run.Session == nil {
		return ""
	}
	f := diagnose.HeadlineFacts{
		Verdict:      run.Verdict,
		SelfTest:     run.Session.Scope == session.ScopeSelfTest,
		Path:         run.Path,
		ProxyEntered: run.Session.ProxyEntered(),
		Host:         run.Outcome.Target.Host,
		Uncertain:    run.Session.Diagnosis.Uncertain,
	}
	if r, ok := run.Outcome.Result(engine.ProbeTCP); ok {
		f.TCPCode = r.Code
	}
	key, args := diagnose.Headline(f)
	if key == "" {
		return ""
	}
	return l.T(key, args...)
}

// decidingText is the run's deciding fact in one line, "" when it has
// none.
func (l language) decidingText(run *shownRun) string {
	if run == nil || run.Session == nil {
		return ""
	}
	if c := run.Session.Deciding(); c != session.CompareNone {
		return l.T("window.decide." + string(c))
	}
	return ""
}
