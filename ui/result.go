package ui

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// bannerLevel is the colour of the verdict banner.
type bannerLevel int

const (
	bannerGreen bannerLevel = iota
	bannerAmber
	bannerRed
)

// levelOf is the banner colour of a verdict.
func levelOf(v diagnose.Verdict) bannerLevel {
	switch v {
	case diagnose.Works:
		return bannerGreen
	case diagnose.DoesNotWork:
		return bannerRed
	}
	return bannerAmber
}

// banner is the verdict in one sentence on a green, amber or red band, in
// the theme's success, warning and error colours.
type banner struct {
	widget.BaseWidget
	level bannerLevel
	text  string
}

func newBanner() *banner {
	b := &banner{}
	b.ExtendBaseWidget(b)
	return b
}

// Set changes the banner.
func (b *banner) Set(l bannerLevel, text string) {
	b.level, b.text = l, text
	b.Refresh()
}

func (b *banner) CreateRenderer() fyne.WidgetRenderer {
	r := &bannerRenderer{b: b, bg: canvas.NewRectangle(color.Transparent), icon: widget.NewIcon(nil)}
	r.label = widget.NewRichText(&widget.TextSegment{})
	r.label.Wrapping = fyne.TextWrapWord
	r.Refresh()
	return r
}

type bannerRenderer struct {
	b     *banner
	bg    *canvas.Rectangle
	icon  *widget.Icon
	label *widget.RichText
}

func (r *bannerRenderer) names() (fyne.ThemeColorName, fyne.Resource) {
	switch r.b.level {
	case bannerGreen:
		return theme.ColorNameSuccess, theme.ConfirmIcon()
	case bannerRed:
		return theme.ColorNameError, theme.ErrorIcon()
	}
	return theme.ColorNameWarning, theme.WarningIcon()
}

// Refresh tints the band with the level's colour and keeps the text in the
// theme's foreground: white on the default theme's bright green or amber
// is hard to read.
func (r *bannerRenderer) Refresh() {
	name, icon := r.names()
	c := r.b.Theme().Color(name, fyne.CurrentApp().Settings().ThemeVariant())
	cr, cg, cb, _ := c.RGBA()
	r.bg.FillColor = color.NRGBA{R: uint8(cr >> 8), G: uint8(cg >> 8), B: uint8(cb >> 8), A: 0x38}
	r.bg.StrokeColor = c
	r.bg.StrokeWidth = 2
	r.bg.CornerRadius = theme.InputRadiusSize() * 2
	r.icon.SetResource(theme.NewColoredResource(icon, name))
	r.label.Segments = []widget.RichTextSegment{&widget.TextSegment{
		Text:  r.b.text,
		Style: widget.RichTextStyle{SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}},
	}}
	r.label.Refresh()
	r.bg.Refresh()
}

const bannerIcon = 40

func (r *bannerRenderer) Layout(s fyne.Size) {
	p := theme.Padding() * 2
	r.bg.Resize(s)
	r.icon.Move(fyne.NewPos(p, (s.Height-bannerIcon)/2))
	r.icon.Resize(fyne.NewSquareSize(bannerIcon))
	x := p*2 + bannerIcon
	lh := r.label.MinSize().Height
	r.label.Move(fyne.NewPos(x, (s.Height-lh)/2))
	r.label.Resize(fyne.NewSize(s.Width-x-p, lh))
}

func (r *bannerRenderer) MinSize() fyne.Size {
	p := theme.Padding() * 2
	h := max(r.label.MinSize().Height, bannerIcon) + p*2
	return fyne.NewSize(bannerIcon+p*3+200, h)
}

func (r *bannerRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.icon, r.label}
}
func (r *bannerRenderer) Destroy() {}

// resultScreen is step 4: the verdict, the path picture, the findings, and
// the idle test going on in the background.
type resultScreen struct {
	z        *Wizard
	root     fyne.CanvasObject
	banner   *banner
	compare  *widget.Label
	path     *pathView
	findings *fyne.Container

	idleBox   *fyne.Container
	idleSpin  *widget.Activity
	idleText  *widget.Label
	idleBar   *widget.ProgressBar
	idleSkip  *button
	idleDone  *widget.Label
	idleStart time.Time
	idleEnd   time.Time

	browser *browserBox

	fixBtn, again, shareBtn *button
}

func newResultScreen(z *Wizard) *resultScreen {
	s := &resultScreen{z: z, banner: newBanner(), path: newPathView(), findings: container.NewVBox()}
	s.compare = wrapped("")
	s.compare.Hide()
	s.idleSpin = widget.NewActivity()
	s.idleText = wrapped("")
	s.idleBar = widget.NewProgressBar()
	s.idleBar.TextFormatter = func() string { return "" }
	s.idleSkip = newButton(T.IdleSkip, z.SkipIdle, z.escape)
	s.idleSkip.Icon = theme.MediaSkipNextIcon()
	s.idleBox = container.NewVBox(
		container.NewBorder(nil, nil, s.idleSpin, s.idleSkip, s.idleText),
		s.idleBar)
	s.idleBox.Hide()
	s.idleDone = wrapped("")
	s.idleDone.Hide()
	s.browser = newBrowserBox(z)

	s.fixBtn = newButton(T.FixButton, func() { z.show(StepFix) }, z.escape)
	s.fixBtn.Importance = widget.HighImportance
	s.fixBtn.Icon = theme.NavigateNextIcon()
	s.again = newButton(T.TestAgain, z.testAgain, z.escape)
	s.again.Icon = theme.ViewRefreshIcon()
	s.shareBtn = newButton(T.ShareButton, func() { z.show(StepShare) }, z.escape)
	s.shareBtn.Icon = theme.MailSendIcon()

	pathTitle := widget.NewLabelWithStyle(T.PathTitle, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	findTitle := widget.NewLabelWithStyle(T.FindingsTitle, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.root = container.NewVBox(
		s.banner, s.compare, s.idleBox, s.idleDone, s.browser.root,
		pathTitle, container.NewPadded(s.path),
		container.NewHBox(s.fixBtn, s.again, s.shareBtn),
		widget.NewSeparator(),
		findTitle, s.findings,
	)
	return s
}

// primary is the button Enter presses on this screen.
func (s *resultScreen) primary() fyne.Focusable {
	if !s.fixBtn.Hidden {
		return s.fixBtn
	}
	return s.shareBtn
}

// update shows the current run.
func (s *resultScreen) update() {
	run := s.z.run
	if run == nil {
		return
	}
	text := verdictText(run)
	s.banner.Set(levelOf(run.Verdict), text)

	if c := compareText(s.z.prev, run); c != "" {
		s.compare.SetText(c)
		s.compare.Show()
	} else {
		s.compare.Hide()
	}
	s.path.SetHops(pathOf(run))

	s.findings.RemoveAll()
	for _, f := range run.Findings {
		s.findings.Add(findingCard(f))
	}
	if len(run.Findings) == 0 {
		if run.Verdict.Works() {
			s.findings.Add(wrapped(T.NoFindings))
		} else {
			s.findings.Add(wrapped(T.NoFindingsBad))
			for _, r := range run.Outcome.Results {
				if r.Status == engine.Fail {
					s.findings.Add(failedProbeLine(r))
				}
			}
		}
	}
	if len(fixSteps(run)) > 0 {
		s.fixBtn.Show()
	} else {
		s.fixBtn.Hide()
	}
	if !s.z.idleBusy {
		s.idleBox.Hide()
		s.idleSpin.Stop()
	}
	if run.Idle != nil {
		s.idleDone.SetText(idleWords(*run.Idle))
		s.idleDone.Show()
	} else if !s.z.idleBusy && s.idleDone.Text != T.IdleSkipped {
		s.idleDone.Hide()
	}
	s.browser.update(run)
	s.root.Refresh()
}

// failedProbeLine names a probe that failed, for runs without findings.
func failedProbeLine(r engine.Result) fyne.CanvasObject {
	words := T.ProbeWords[r.Probe]
	if words == "" {
		words = r.Probe
	}
	icon := widget.NewIcon(theme.NewErrorThemedResource(theme.CancelIcon()))
	return container.NewBorder(nil, nil, icon, nil, wrapped(fmt.Sprintf(T.FailedProbe, words, cat.CodeText(r.Probe, r.Code))))
}

// findingCard shows one finding: its severity, title, explanation and who
// can fix it.
func findingCard(f diagnose.Finding) fyne.CanvasObject {
	icon := widget.NewIcon(severityIcon(f.Severity))
	title := widget.NewLabelWithStyle(f.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	sev := widget.NewLabel(T.SeverityWords[f.Severity])
	sev.SizeName = theme.SizeNameCaptionText
	// The icon carries the colour; the word is in full contrast, since
	// the theme's green and amber are faint on white.
	sev.TextStyle.Bold = true
	body := container.NewVBox(container.NewBorder(nil, nil, nil, sev, title))
	if f.Explanation != "" {
		body.Add(wrapped(f.Explanation))
	}
	who := widget.NewLabel(fmt.Sprintf(T.WhoFixes, fixerOf(f)))
	who.Importance = widget.MediumImportance
	who.TextStyle.Italic = true
	body.Add(who)
	if g := glossaryFor(append([]string{f.Title, f.Explanation}, f.Steps...)...); g != nil {
		body.Add(g)
	}
	return container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(icon), nil, body), widget.NewSeparator())
}

func severityIcon(s diagnose.Severity) fyne.Resource {
	switch s {
	case diagnose.SeverityProblem:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case diagnose.SeverityWarning:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case diagnose.SeverityOK:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	}
	return theme.NewPrimaryThemedResource(theme.InfoIcon())
}

// compareText is the before/after line of a test run again: the verdicts,
// what was solved and what is still there.
func compareText(prev, now *Run) string {
	if prev == nil || now == nil {
		return ""
	}
	lines := []string{fmt.Sprintf(T.BeforeAfter, T.VerdictShort[prev.Verdict], T.VerdictShort[now.Verdict])}
	nowIDs := map[string]bool{}
	for _, f := range now.problems() {
		nowIDs[f.ID] = true
	}
	var solved, still []string
	for _, f := range prev.problems() {
		if nowIDs[f.ID] {
			still = append(still, f.Title)
		} else {
			solved = append(solved, f.Title)
		}
	}
	if len(solved) > 0 {
		lines = append(lines, fmt.Sprintf(T.Solved, strings.Join(solved, "; ")))
	}
	if len(still) > 0 {
		lines = append(lines, fmt.Sprintf(T.StillThere, strings.Join(still, "; ")))
	}
	return strings.Join(lines, "\n")
}

// idleWords says how the idle test went, from the idle probe's evidence
// (checks/engine/probe_idle.go): the measured limit, the time verified to survive, and
// whether pings kept a connection open.
func idleWords(r engine.Result) string {
	seconds := func(key string) (time.Duration, bool) {
		f, err := strconv.ParseFloat(r.Evidence.Value(key), 64)
		return time.Duration(f * float64(time.Second)), err == nil
	}
	switch {
	case r.Code == "idle_limit":
		limit, ok := seconds("limit_s")
		if !ok {
			limit = r.Duration
		}
		s := fmt.Sprintf(T.IdleClosed, fmtDuration(limit))
		if r.Evidence.Value("pings_help") == "yes" {
			s += " " + T.IdlePingsHelp
		}
		return s
	case r.Status == engine.Pass || r.Status == engine.Warn:
		held, ok := seconds("survived_s")
		if !ok {
			held = r.Duration
		}
		return fmt.Sprintf(T.IdleHeld, fmtDuration(held))
	case r.Status == engine.Fail && strings.Contains(r.Code, "close"):
		return fmt.Sprintf(T.IdleClosed, fmtDuration(r.Duration))
	}
	return fmt.Sprintf(T.IdleFailed, cat.CodeText(r.Probe, r.Code))
}

// idleStarted shows the countdown until end.
func (s *resultScreen) idleStarted(end time.Time) {
	s.idleStart, s.idleEnd = time.Now(), end
	s.idleDone.SetText("")
	s.idleDone.Hide()
	s.idleBox.Show()
	s.idleSkip.Enable()
	s.idleSpin.Start()
	s.idleTick()
}

// idleTick moves the countdown.
func (s *resultScreen) idleTick() {
	left := max(time.Until(s.idleEnd), 0)
	total := s.idleEnd.Sub(s.idleStart)
	s.idleText.SetText(fmt.Sprintf(T.IdleRunning, fmtDuration(left)))
	if total > 0 {
		s.idleBar.SetValue(1 - float64(left)/float64(total))
	}
}

// idleSkipped shows that the user skipped the idle test.
func (s *resultScreen) idleSkipped() {
	s.idleSpin.Stop()
	s.idleBox.Hide()
	s.idleDone.SetText(T.IdleSkipped)
	s.idleDone.Show()
}

// verdictText is the verdict in words: what the run proved, and no more.
func verdictText(run *Run) string {
	switch {
	case run.Session != nil && run.Session.Scope == session.ScopeSelfTest && run.Verdict.Works():
		return T.VerdictSelfTest
	case run.Session != nil && run.Session.Scope == session.ScopePage && run.Verdict == diagnose.Incomplete && !run.Outcome.Cancelled:
		return T.VerdictAddressNeeded
	}
	return T.VerdictText[run.Verdict]
}
