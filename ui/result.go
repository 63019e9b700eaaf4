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
	strip    *scopeStrip
	decide   *widget.Label
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
	watch   *watchBox
	// first is the first finding's title and explanation, which must be
	// in view when the screen opens.
	first []fyne.CanvasObject

	fixBtn, again, shareBtn *button
}

func newResultScreen(z *Wizard) *resultScreen {
	l := z.lang
	s := &resultScreen{z: z, banner: newBanner(), path: newPathView(l.T("window.result.stops_here"), l.T("window.result.address_needed_mark")), findings: container.NewVBox()}
	s.compare = wrapped("")
	s.compare.Hide()
	s.strip = newScopeStrip(l)
	s.decide = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.decide.Wrapping = fyne.TextWrapWord
	s.decide.Hide()
	s.idleSpin = widget.NewActivity()
	s.idleText = wrapped("")
	s.idleBar = widget.NewProgressBar()
	s.idleBar.TextFormatter = func() string { return "" }
	s.idleSkip = newButton(l.T("window.idle.skip"), z.SkipIdle, z.escape)
	s.idleSkip.Icon = theme.MediaSkipNextIcon()
	s.idleBox = container.NewVBox(
		container.NewBorder(nil, nil, s.idleSpin, s.idleSkip, s.idleText),
		s.idleBar)
	s.idleBox.Hide()
	s.idleDone = wrapped("")
	s.idleDone.Hide()
	s.browser = newBrowserBox(z)
	s.watch = newWatchBox(z)

	s.fixBtn = newButton(l.T("window.result.fix"), func() { z.show(StepFix) }, z.escape)
	s.fixBtn.Importance = widget.HighImportance
	s.fixBtn.Icon = theme.NavigateNextIcon()
	s.again = newButton(l.T("window.result.test_again"), z.testAgain, z.escape)
	s.again.Icon = theme.ViewRefreshIcon()
	s.shareBtn = newButton(l.T("window.result.share"), func() { z.show(StepShare) }, z.escape)
	s.shareBtn.Icon = theme.MailSendIcon()

	pathTitle := widget.NewLabelWithStyle(l.T("window.result.path_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	findTitle := widget.NewLabelWithStyle(l.T("window.result.findings_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// The verdict and what was found come first, in view without
	// scrolling on a 1366×768 laptop at 125%; the path and the tests that
	// go on in the background follow.
	s.root = container.NewVBox(
		s.banner, s.strip.root, s.compare, s.decide,
		findTitle, s.findings,
		container.NewHBox(s.fixBtn, s.again, s.shareBtn),
		s.idleBox, s.idleDone, s.watch.root, s.browser.root,
		widget.NewSeparator(),
		pathTitle, container.NewPadded(s.path),
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

// clear empties the screen of the run before, so that nothing of it can
// be seen while a new run goes on or after it was cancelled.
func (s *resultScreen) clear() {
	s.banner.Set(bannerAmber, "")
	s.strip.set(s.z.lang, nil)
	s.decide.SetText("")
	s.decide.Hide()
	s.compare.SetText("")
	s.compare.Hide()
	s.findings.RemoveAll()
	s.first = nil
	s.path.SetHops(nil)
	s.idleSpin.Stop()
	s.idleBox.Hide()
	s.idleDone.SetText("")
	s.idleDone.Hide()
	s.idleStart, s.idleEnd = time.Time{}, time.Time{}
	s.watch.reset()
	s.watch.root.Hide()
}

// update shows the current run.
func (s *resultScreen) update() {
	run, l := s.z.run, s.z.lang
	if run == nil {
		s.clear()
		return
	}
	text := l.verdictText(run)
	s.banner.Set(levelOf(run.Verdict), text)
	s.strip.set(l, run)
	if d := l.decidingText(run); d != "" {
		s.decide.SetText(breakable(d))
		s.decide.Show()
	} else {
		s.decide.Hide()
	}

	if c := l.compareText(s.z.prev, run); c != "" {
		s.compare.SetText(breakable(c))
		s.compare.Show()
	} else {
		s.compare.Hide()
	}
	s.path.SetHops(pathOf(run))

	s.findings.RemoveAll()
	s.first = nil
	for i, f := range run.Findings {
		card, head := l.findingCard(f)
		if i == 0 {
			s.first = head
		}
		s.findings.Add(card)
	}
	if len(run.Findings) == 0 {
		if run.Verdict.Works() {
			s.findings.Add(wrapped(l.T("window.result.no_findings")))
		} else {
			s.findings.Add(wrapped(l.T("window.result.no_findings_bad")))
			for _, r := range run.Outcome.Results {
				if r.Status == engine.Fail {
					s.findings.Add(l.failedProbeLine(r))
				}
			}
		}
	}
	if len(l.fixSteps(run)) > 0 {
		s.fixBtn.Show()
	} else {
		s.fixBtn.Hide()
	}
	if !s.z.idleBusy {
		s.idleBox.Hide()
		s.idleSpin.Stop()
	}
	if run.Idle != nil {
		s.idleDone.SetText(breakable(l.idleWords(*run.Idle)))
		s.idleDone.Show()
	} else if !s.z.idleBusy && s.idleDone.Text != l.T("window.idle.skipped") {
		s.idleDone.Hide()
	}
	s.watch.update(run)
	s.browser.update(run)
	s.root.Refresh()
}

// failedProbeLine names a probe that failed, for runs without findings.
func (l language) failedProbeLine(r engine.Result) fyne.CanvasObject {
	icon := widget.NewIcon(theme.NewErrorThemedResource(theme.CancelIcon()))
	return container.NewBorder(nil, nil, icon, nil, wrapped(l.T("window.result.failed_probe",
		"probe", l.probeWords(r.Probe), "detail", l.cat.CodeText(r.Probe, r.Code))))
}

// findingCard shows one finding: its severity, title, explanation and who
// can fix it; head is its title and explanation.
func (l language) findingCard(f diagnose.Finding) (card fyne.CanvasObject, head []fyne.CanvasObject) {
	icon := widget.NewIcon(severityIcon(f.Severity))
	title := widget.NewLabelWithStyle(breakable(f.Title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	sev := widget.NewLabel(l.severity(f.Severity))
	sev.SizeName = theme.SizeNameCaptionText
	// The icon carries the colour; the word is in full contrast, since
	// the theme's green and amber are faint on white.
	sev.TextStyle.Bold = true
	body := container.NewVBox(container.NewBorder(nil, nil, nil, sev, title))
	head = []fyne.CanvasObject{title}
	if f.Explanation != "" {
		explain := wrapped(f.Explanation)
		body.Add(explain)
		head = append(head, explain)
	}
	// Good news and background asks nothing of anyone: no "Who can fix
	// it" line under them.
	if f.Severity == diagnose.SeverityProblem || f.Severity == diagnose.SeverityWarning {
		who := widget.NewLabel(l.whoFixes(f))
		who.Importance = widget.MediumImportance
		who.TextStyle.Italic = true
		body.Add(who)
	}
	if g := l.glossaryFor(append([]string{f.Title, f.Explanation}, f.Steps...)...); g != nil {
		body.Add(g)
	}
	return container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(icon), nil, body), widget.NewSeparator()), head
}

// firstSeen is what must be in view, without scrolling, when Result
// opens: the verdict and the first finding.
func (s *resultScreen) firstSeen() map[string]fyne.CanvasObject {
	out := map[string]fyne.CanvasObject{"the verdict": s.banner, "the three parts": s.strip.root}
	for i, o := range s.first {
		out[fmt.Sprintf("the first finding's part %d", i+1)] = o
	}
	return out
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
func (l language) compareText(prev, now *shownRun) string {
	if prev == nil || now == nil {
		return ""
	}
	lines := []string{l.T("window.result.before_after", "before", l.shortOf(prev), "now", l.shortOf(now))}
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
		lines = append(lines, l.T("window.result.solved", "titles", strings.Join(solved, "; ")))
	}
	if len(still) > 0 {
		lines = append(lines, l.T("window.result.still_there", "titles", strings.Join(still, "; ")))
	}
	return strings.Join(lines, "\n")
}

// idleWords says how the idle test went (idleOutcome), and how long the
// app needs and where that came from (the preset, its framework, the
// default: the idle probe's required_s and required_from).
func (l language) idleWords(r engine.Result) string {
	s := l.idleOutcome(r)
	need, err := strconv.ParseFloat(r.Evidence.Value("required_s"), 64)
	from := l.cat.Label("need." + r.Evidence.Value("required_from"))
	if err == nil && need > 0 && from != "" && r.Status != engine.Skip {
		s += " " + l.T("window.idle.need", "duration", l.Span(time.Duration(need*float64(time.Second))), "source", from)
	}
	return s
}

// idleOutcome says how the idle test went, from the idle probe's evidence
// (checks/engine/probe_idle.go): the measured limit, the time verified to survive, and
// whether pings kept a connection open.
func (l language) idleOutcome(r engine.Result) string {
	seconds := func(key string) (time.Duration, bool) {
		f, err := strconv.ParseFloat(r.Evidence.Value(key), 64)
		return time.Duration(f * float64(time.Second)), err == nil
	}
	switch {
	case r.Code == "idle_limit" || r.Code == engine.CodePingsIgnored || r.Code == engine.CodeMaxLifetime:
		key := "limit_s"
		if r.Code == engine.CodeMaxLifetime {
			key = engine.KeyLifetime // every connection's age when it ended
		}
		limit, ok := seconds(key)
		if !ok {
			limit = r.Duration
		}
		s := l.T("window.idle.closed", "duration", l.Span(limit))
		if r.Evidence.Value("pings_help") == "yes" {
			s += " " + l.T("window.idle.pings_help")
		}
		return s
	case r.Status == engine.Pass || r.Status == engine.Warn:
		held, ok := seconds("survived_s")
		if !ok {
			held = r.Duration
		}
		return l.T("window.idle.held", "duration", l.Span(held))
	case r.Status == engine.Fail && strings.Contains(r.Code, "close"):
		return l.T("window.idle.closed", "duration", l.Span(r.Duration))
	}
	return l.T("window.idle.failed", "detail", l.cat.CodeText(r.Probe, r.Code))
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
	s.idleText.SetText(s.z.lang.T("window.idle.running", "left", s.z.lang.Span(left)))
	if total > 0 {
		s.idleBar.SetValue(1 - float64(left)/float64(total))
	}
}

// idleSkipped shows that the user skipped the idle test.
func (s *resultScreen) idleSkipped() {
	l := s.z.lang
	s.idleSpin.Stop()
	s.idleBox.Hide()
	s.idleDone.SetText(l.T("window.idle.skipped"))
	s.idleDone.Show()
}

// verdictText is the verdict in words: what the run proved, and no more.
func (l language) verdictText(run *shownRun) string {
	switch {
	case run.Session != nil && run.Session.Scope == session.ScopeSelfTest && run.Verdict.Works():
		return l.T("window.verdict.self_test")
	case run.Session != nil && run.Session.Scope == session.ScopePage && run.Verdict == diagnose.Incomplete && !run.Outcome.Cancelled:
		return l.T("window.verdict.address_needed")
	}
	if h := l.headline(run); h != "" {
		return h
	}
	return l.T("window.verdict." + string(run.Verdict))
}

// shortOf is a run's verdict in a few words: for a web page's address
// whose live connection's own address is needed, that, not "the check did
// not finish".
func (l language) shortOf(run *shownRun) string {
	if run.Path.Why == diagnose.IDAddressNeeded && run.Verdict == diagnose.Incomplete {
		return l.T("window.verdict_short.address_needed")
	}
	return l.verdictShort(run.Verdict)
}
