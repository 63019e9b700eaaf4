package ui

import (
	"fmt"

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

func newProbeRow(name string) *probeRow {
	words := T.ProbeWords[name]
	if words == "" {
		words = name
	}
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
	timeBox := container.NewGridWrap(fyne.NewSize(90, r.time.MinSize().Height), r.time)
	pic := container.NewGridWrap(fyne.NewSquareSize(theme.IconInlineSize()*1.5), container.NewStack(r.icon, r.spin))
	r.root = container.NewBorder(nil, nil, container.NewCenter(pic), container.NewHBox(r.status, timeBox),
		container.NewVBox(r.name, r.detail))
	r.set(rowWaiting, T.StateWaiting, "", "")
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
	case rowSkip:
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
	z        *Wizard
	root     fyne.CanvasObject
	target   *widget.Label
	rows     map[string]*probeRow
	order    []string
	list     *fyne.Container
	progress *widget.ProgressBar
	message  *widget.Label
	action   *button
}

func newCheckingScreen(z *Wizard) *checkingScreen {
	s := &checkingScreen{z: z, rows: map[string]*probeRow{}, list: container.NewVBox()}
	s.target = wrapped("")
	s.progress = widget.NewProgressBar()
	s.progress.TextFormatter = func() string {
		return fmt.Sprintf(T.Progress, int(s.progress.Value), int(s.progress.Max))
	}
	s.message = wrapped("")
	s.action = newButton(T.Cancel, s.act, z.escape)
	s.action.Icon = theme.CancelIcon()
	for _, name := range z.eng.Probes {
		s.addRow(name)
	}
	// The button and the message sit above the rows, so they stay in view
	// in a small window.
	s.root = container.NewVBox(heading(T.CheckingTitle), s.target, s.progress,
		container.NewBorder(nil, nil, nil, s.action, s.message), s.list)
	return s
}

func (s *checkingScreen) addRow(name string) *probeRow {
	r := newProbeRow(name)
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
	if s.z.running {
		s.action.Disable()
		s.action.SetText(T.Cancelling)
		s.z.StopCheck()
		return
	}
	s.z.startCheck()
}

// reset puts every row back to waiting for a new run of req.
func (s *checkingScreen) reset(req Request) {
	if req.Address == "" {
		s.target.SetText(T.CheckingSelf)
	} else {
		s.target.SetText(fmt.Sprintf(T.CheckingOf, req.Address))
	}
	for _, r := range s.rows {
		r.set(rowWaiting, T.StateWaiting, "", "")
	}
	s.progress.Max = float64(len(s.order))
	s.progress.SetValue(0)
	s.message.SetText("")
	s.action.SetText(T.Cancel)
	s.action.Icon = theme.CancelIcon()
	s.action.Importance = widget.MediumImportance
	s.action.Enable()
	s.action.Refresh()
}

// onEvent moves a row on; it runs on Fyne's goroutine (see bridge).
func (s *checkingScreen) onEvent(e engine.Event) {
	r := s.rows[e.Probe]
	if r == nil {
		r = s.addRow(e.Probe)
		s.progress.Max = float64(len(s.order))
	}
	switch e.Kind {
	case engine.EventStarted:
		r.set(rowRunning, T.StateChecking, "", "")
	case engine.EventFinished:
		if e.Result == nil {
			return
		}
		res := *e.Result
		state, words := rowOf(res)
		if res.Code == "cancelled" {
			// Stopped by the user: not a verdict on the network.
			state, words = rowSkip, T.StateStopped
			res.Status = engine.Skip
		}
		took := ""
		if res.Status != engine.Skip {
			took = fmtProbeTime(res.Duration)
		}
		r.set(state, words, rowDetail(res), took)
		s.progress.SetValue(float64(s.finished()))
	}
}

// rowOf is the state and words of a finished probe.
func rowOf(res engine.Result) (rowState, string) {
	switch res.Status {
	case engine.Pass:
		return rowPass, T.StatePass
	case engine.Warn:
		return rowWarn, T.StateWarn
	case engine.Fail:
		return rowFail, T.StateFail
	}
	return rowSkip, T.StateSkip
}

// rowDetail is the second line of a finished row: in plain words, why a
// probe was not tested, or what its failure or warning means. The
// engine's codes and reasons are for support and stay in the report.
func rowDetail(res engine.Result) string {
	switch {
	case res.Status == engine.Pass:
		return ""
	case res.Status == engine.Skip && (res.Code == engine.CodeCancelled || res.Code == engine.CodeDeadline):
		return ""
	}
	return cat.CodeText(res.Probe, res.Code)
}

func (s *checkingScreen) finished() int {
	n := 0
	for _, r := range s.rows {
		if r.state >= rowPass {
			n++
		}
	}
	return n
}

// done marks the end of a run that finished by itself.
func (s *checkingScreen) done() {
	s.stopSpinners()
	s.action.SetText(T.CheckAgain)
	s.action.Icon = theme.ViewRefreshIcon()
	s.action.Enable()
	s.action.Refresh()
}

// stopped shows that the user stopped the check.
func (s *checkingScreen) stopped() {
	s.done()
	s.action.Importance = widget.HighImportance
	s.message.SetText(T.Stopped)
	s.message.Importance = widget.MediumImportance
	s.message.Show()
}

// failed shows that the check could not start.
func (s *checkingScreen) failed(err error) {
	s.done()
	s.message.SetText(fmt.Sprintf(T.CouldNotStart, err))
	s.message.Importance = widget.DangerImportance
	s.message.Show()
}

func (s *checkingScreen) stopSpinners() {
	for _, r := range s.rows {
		if r.state == rowRunning || r.state == rowWaiting {
			r.set(rowSkip, T.StateSkip, "", "")
		}
	}
}
