package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// rowState is what a probe's row shows.
type rowState int

const (
	rowWaiting rowState = iota
	rowRunning
	rowPass
	rowWarn
	rowFail
	rowSkip
	// rowStopped is a probe the user's Cancel stopped, or that never ran
	// because of it: not done, so not counted in the progress.
	rowStopped
)

// probeRow is one probe on the checking screen: a picture of its state,
// what it does in plain words, how it went, and its time.
type probeRow struct {
	state  rowState
	icon   *widget.Icon
	spin   *widget.Activity
	name   *widget.Label
	status *widget.Label
	detail *widget.Label
	time   *widget.Label
	root   fyne.CanvasObject
}

func newProbeRow(l language, name string) *probeRow {
	words := l.probeWords(name)
	r := &probeRow{
		icon:   widget.NewIcon(nil),
		spin:   widget.NewActivity(),
		name:   widget.NewLabelWithStyle(words, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		status: widget.NewLabel(""),
		detail: widget.NewLabel(""),
		time:   widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{}),
	}
	r.detail.Wrapping = fyne.TextWrapWord
	r.detail.SizeName = theme.SizeNameCaptionText
	r.detail.Hide()
	timeBox := container.New(atLeast{90}, r.time)
	pic := container.NewGridWrap(fyne.NewSquareSize(theme.IconInlineSize()*1.5), container.NewStack(r.icon, r.spin))
	// The picture sits beside the probe's name, as its state's words do,
	// not halfway down a row with a detail line.
	r.root = container.NewBorder(nil, nil, container.New(besideLine{r.name}, pic),
		container.NewHBox(r.status, timeBox), container.NewVBox(r.name, r.detail))
	r.set(rowWaiting, l.T("window.state.waiting"), "", "")
	return r
}

// set shows state s with its words, a detail line (hidden when empty) and
// its time.
func (r *probeRow) set(s rowState, status, detail, took string) {
	r.state = s
	r.spin.Hide()
	r.spin.Stop()
	r.icon.Show()
	switch s {
	case rowWaiting:
		r.icon.SetResource(theme.NewDisabledResource(theme.MoreHorizontalIcon()))
	case rowRunning:
		r.icon.Hide()
		r.spin.Show()
		r.spin.Start()
	case rowPass:
		r.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	case rowWarn:
		r.icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
	case rowFail:
		r.icon.SetResource(theme.NewErrorThemedResource(theme.CancelIcon()))
	case rowSkip, rowStopped:
		r.icon.SetResource(theme.NewDisabledResource(theme.ContentRemoveIcon()))
	}
	r.status.SetText(status)
	// The icon carries the colour; only a failure is also written in red,
	// since the default theme's green and amber are faint on white.
	r.status.Importance = widget.MediumImportance
	if s == rowFail {
		r.status.Importance = widget.DangerImportance
	}
	r.status.Refresh()
	r.detail.SetText(detail)
	r.detail.Hidden = detail == ""
	r.time.SetText(took)
}

// checkingScreen is step 3: a row per probe with its live state, the
// overall progress, and Cancel.
type checkingScreen struct {
	z    *Wizard
	root fyne.CanvasObject // the rows, in the page that scrolls
	// head is pinned above the page while the step is on screen: what is
	// checked, the bar, the time left, the message and Cancel stay in
	// view when the page scrolls to the row that runs.
	head     fyne.CanvasObject
	target   *widget.Label
	rows     map[string]*probeRow
	order    []string
	list     *fyne.Container
	progress *widget.ProgressBar
	// eta counts down to the run's deadline: the most it can still take.
	eta     *widget.Label
	message *widget.Label
	action  *button
}

func newCheckingScreen(z *Wizard) *checkingScreen {
	s := &checkingScreen{z: z, rows: map[string]*probeRow{}, list: container.NewVBox()}
	l := z.lang
	s.target = wrapped("")
	s.progress = widget.NewProgressBar()
	s.progress.TextFormatter = func() string {
		return l.N("window.checking.progress", int(s.progress.Value), "total", int(s.progress.Max))
	}
	s.message = wrapped("")
	s.eta = hintLabel("")
	s.eta.Hide()
	s.action = newButton(l.T("window.checking.cancel"), s.act, z.escape)
	s.action.Icon = theme.CancelIcon()
	for _, p := range engine.DefaultProbes() {
		s.addRow(p.Name)
	}
	// Cancel beside the title, the message (stopped, could not start)
	// only when there is one: the head leaves the rows what room it can.
	s.message.Hide()
	s.head = container.NewPadded(container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewCenter(s.action), heading(l.T("window.checking.title"))),
		s.target, s.progress, s.eta, s.message))
	s.root = s.list
	return s
}

func (s *checkingScreen) addRow(name string) *probeRow {
	r := newProbeRow(s.z.lang, name)
	s.rows[name] = r
	s.order = append(s.order, name)
	if len(s.list.Objects) > 0 {
		s.list.Add(widget.NewSeparator())
	}
	s.list.Add(r.root)
	return r
}

// act is the screen's button: Cancel while running, Check again after.
func (s *checkingScreen) act() {
	l := s.z.lang
	if s.z.running {
		s.action.Disable()
		s.action.SetText(l.T("window.checking.cancelling"))
		s.z.StopCheck()
		return
	}
	s.z.startCheck()
}

// reset puts every row back to waiting for a new run of req.
func (s *checkingScreen) reset(req Request) {
	l := s.z.lang
	if req.Address == "" || req.SelfTest {
		s.target.SetText(l.T("window.checking.self"))
	} else {
		s.target.SetText(l.T("window.checking.of", "address", req.Address))
	}
	for name, r := range s.rows {
		r.name.SetText(l.probeWordsFor(name, req.SelfTest))
		r.set(rowWaiting, l.T("window.state.waiting"), "", "")
	}
	s.progress.Max = float64(len(s.order))
	s.progress.SetValue(0)
	s.message.SetText("")
	s.message.Importance = widget.MediumImportance
	s.message.Hide()
	s.action.SetText(l.T("window.checking.cancel"))
	s.action.Icon = theme.CancelIcon()
	s.action.Importance = widget.MediumImportance
	s.action.Enable()
	s.action.Refresh()
}

// onEvent moves a row on; it runs on Fyne's goroutine (see bridge).
func (s *checkingScreen) onEvent(e engine.Event) {
	l := s.z.lang
	r := s.rows[e.Probe]
	if r == nil {
		r = s.addRow(e.Probe)
		s.progress.Max = float64(len(s.order))
	}
	switch e.Kind {
	case engine.EventStarted:
		r.set(rowRunning, l.T("window.state.checking"), "", "")
		if s.z.step == StepChecking {
			s.z.reveal(r.root)
		}
	case engine.EventFinished:
		if e.Result == nil {
			return
		}
		res := *e.Result
		state, words := l.rowOf(res)
		if res.Code == "cancelled" {
			// Stopped by the user: not a verdict on the network.
			state, words = rowStopped, l.T("window.state.stopped")
			res.Status = engine.Skip
		}
		took := ""
		if res.Status != engine.Skip {
			took = l.probeTime(res.Duration)
		}
		r.set(state, words, l.rowDetail(res), took)
		s.progress.SetValue(float64(s.finished()))
	}
}

// rowOf is the state and words of a finished probe.
func (l language) rowOf(res engine.Result) (rowState, string) {
	switch res.Status {
	case engine.Pass:
		return rowPass, l.T("window.state.pass")
	case engine.Warn:
		return rowWarn, l.T("window.state.warn")
	case engine.Fail:
		return rowFail, l.T("window.state.fail")
	}
	return rowSkip, l.T("window.state.skip")
}

// rowDetail is the second line of a finished row: in plain words, why a
// probe was not tested, or what its failure or warning means. The
// engine's codes and reasons are for support and stay in the report.
func (l language) rowDetail(res engine.Result) string {
	switch {
	case res.Status == engine.Pass:
		return ""
	case res.Status == engine.Skip && (res.Code == engine.CodeCancelled || res.Code == engine.CodeDeadline):
		return ""
	}
	return l.cat.CodeText(res.Probe, res.Code)
}

func (s *checkingScreen) finished() int {
	n := 0
	for _, r := range s.rows {
		if r.state >= rowPass && r.state != rowStopped {
			n++
		}
	}
	return n
}

// done marks the end of a run that finished by itself.
func (s *checkingScreen) done() {
	l := s.z.lang
	s.stopSpinners(rowSkip)
	s.action.SetText(l.T("window.checking.again"))
	s.action.Icon = theme.ViewRefreshIcon()
	s.action.Enable()
	s.action.Refresh()
}

// stopped shows that the user stopped the check.
func (s *checkingScreen) stopped() {
	l := s.z.lang
	s.stopSpinners(rowStopped)
	s.done()
	s.progress.SetValue(float64(s.finished()))
	s.action.Importance = widget.HighImportance
	s.message.SetText(l.T("window.checking.stopped"))
	s.message.Importance = widget.MediumImportance
	s.message.Show()
}

// failed shows that the check could not start.
func (s *checkingScreen) failed(err error) {
	s.done()
	s.message.SetText(s.z.lang.T("window.checking.could_not_start", "error", err.Error()))
	s.message.Importance = widget.DangerImportance
	s.message.Show()
}

// stopSpinners marks the rows still waiting or running as state: not
// tested when the run ended by itself, stopped when the user cancelled.
func (s *checkingScreen) stopSpinners(state rowState) {
	l := s.z.lang
	words := l.T("window.state.skip")
	if state == rowStopped {
		words = l.T("window.state.stopped")
	}
	for _, r := range s.rows {
		if r.state == rowRunning || r.state == rowWaiting {
			r.set(state, words, "", "")
		}
	}
}

// tick counts down to end, the run's deadline; nothing once the run is
// over.
func (s *checkingScreen) tick(end time.Time) {
	if !s.z.running {
		s.eta.SetText("")
		s.eta.Hide()
		return
	}
	left := max(time.Until(end), 0).Round(time.Second)
	s.eta.SetText(s.z.lang.T("window.checking.at_most", "left", s.z.lang.Span(left)))
	s.eta.Show()
}

// reveal scrolls the page just enough that o is in view: a row that
// starts running below the fold comes up.
func (z *Wizard) reveal(o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	view := z.scroll.Size().Height
	if view <= 0 || o.Size().Height <= 0 {
		return
	}
	y := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(z.scroll).Y + z.scroll.Offset.Y
	h := o.Size().Height
	switch {
	case y+h > z.scroll.Offset.Y+view:
		z.scroll.Offset.Y = y + h - view
	case y < z.scroll.Offset.Y:
		z.scroll.Offset.Y = y
	default:
		return
	}
	z.scroll.Refresh()
}
