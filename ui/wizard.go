// Package ui is the window: a wizard that takes a person who has never
// heard the word "proxy" from one button to a verdict, the steps to fix it
// and a report to share. It renders state and forwards intent; everything
// that touches the network or the disk's reports comes in through Engine,
// so the package holds no network code and is tested over fakes.
package ui

import (
	"image/color"
	// Sorts before fyne.io, so Fyne starts quietly in the C locale.
	_ "codeberg.org/wsdoctor/wsdoctor/ui/quietlog"

	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// settleTime keeps the finished rows in view for a moment: a check of a
// healthy local service ends in milliseconds, and a screen that flashes by
// leaves a person wondering what happened.
const settleTime = 900 * time.Millisecond

// Step is one screen of the wizard.
type Step int

// The steps, in order.
const (
	StepWelcome Step = iota
	StepConnection
	StepChecking
	StepResult
	StepFix
	StepShare
	stepCount
)

// stepKeys name the steps in the catalogue (window.step.*), in order.
var stepKeys = [stepCount]string{"start", "connection", "checking", "result", "fix", "share"}

// Wizard is the window's state. Its widgets and fields are only touched on
// Fyne's goroutine; the engine's goroutines reach them through bridge.
type Wizard struct {
	Window fyne.Window

	eng Engine
	// lang is what the window speaks: eng's Words and Catalogue.
	lang language
	// do runs a function on Fyne's goroutine: fyne.Do, or a test's loop.
	do func(func())
	// chooseFolder asks for the folder reports go into, starting at
	// start; done gets "" when the user cancels. Tests replace it; the
	// default is Fyne's folder dialog.
	chooseFolder func(start string, done func(dir string))
	// openFile asks for a file to read; done gets "" when cancelled.
	openFile func(done func(path string))
	// nav holds Back and Next.
	nav *fyne.Container
	// openFolder shows a folder in the system's file manager.
	openFolder func(dir string) error
	// settle is how long the finished rows stay on screen before the
	// result replaces them; tests set it to zero.
	settle time.Duration

	step     Step
	stepBar  []*widget.Label
	content  *fyne.Container
	scroll   *container.Scroll
	pin      *fyne.Container // above scroll: the step's part that does not scroll
	page     *fyne.Container // pin and scroll
	back     *button
	next     *button
	about    *button
	screens  [stepCount]fyne.CanvasObject
	welcome  *welcomeScreen
	conn     *connScreen
	checking *checkingScreen
	result   *resultScreen
	fix      *fixScreen
	share    *shareScreen

	// top is the step bar, bottom the footer: they stay in the window,
	// only scroll moves.
	top, bottom fyne.CanvasObject

	// State of the current check, on Fyne's goroutine.
	req Request
	// env is what the connection screen shows, envErr why it could not
	// be read; envKey is the request it was read for.
	env     *session.Connection
	envErr  error
	envBusy bool
	envKey  string
	running bool
	// run is the last finished run, the one every screen after Start
	// shows; nil from the start of a run until it finishes, and after a
	// run that was cancelled or could not start. prev is the run before
	// it, of the same address, for the before/after line; before is that
	// candidate while a run goes on.
	run      *shownRun
	prev     *shownRun
	before   *shownRun
	idleBusy bool
	// title is the window's title, given back when a watch ends (the
	// watch shows its count of drops there).
	title string
	// selfNote says, above every screen after Start, that the run is the
	// self-test: this computer only.
	selfNote fyne.CanvasObject

	mu      sync.Mutex
	cancels map[string]context.CancelFunc
	tasks   sync.WaitGroup
}

// NewWizard builds the wizard on w. Closing the window cancels whatever
// runs and waits for it to end.
func NewWizard(w fyne.Window, eng Engine) *Wizard {
	z := &Wizard{Window: w, eng: eng, lang: languageOf(eng), do: fyne.Do, settle: settleTime, cancels: map[string]context.CancelFunc{}}
	z.title = w.Title()
	l := z.lang
	z.chooseFolder = z.folderDialog
	z.openFolder = openInFileManager
	z.openFile = z.fileOpenDialog

	z.welcome = newWelcome(z)
	z.conn = newConnScreen(z)
	z.checking = newCheckingScreen(z)
	z.result = newResultScreen(z)
	z.fix = newFixScreen(z)
	z.share = newShareScreen(z)
	z.screens = [stepCount]fyne.CanvasObject{
		z.welcome.root, z.conn.root, z.checking.root, z.result.root, z.fix.root, z.share.root,
	}

	note := wrapped(l.T("window.self_test.note"))
	note.TextStyle.Bold = true
	z.selfNote = container.NewBorder(nil, nil, widget.NewIcon(theme.NewPrimaryThemedResource(theme.InfoIcon())), nil, note)

	bar := container.NewHBox()
	for i, key := range stepKeys {
		name := widget.NewLabel(l.T("window.step." + key))
		z.stepBar = append(z.stepBar, name)
		if i > 0 {
			bar.Add(widget.NewLabel("›"))
		}
		bar.Add(name)
	}
	z.back = newButton(l.T("window.back"), z.goBack, z.escape)
	z.next = newButton(l.T("window.next"), z.goNext, z.escape)
	// The footer keeps a button's height whatever it shows: measured
	// empty, it stayed squashed to a few pixels on every step. With no
	// button at all (Start) it is hidden instead (updateNav).
	navHeight := canvas.NewRectangle(color.Transparent)
	navHeight.SetMinSize(fyne.NewSize(0, z.next.MinSize().Height))
	z.nav = container.NewHBox(z.back, layout.NewSpacer(), z.next)
	nav := container.NewStack(navHeight, z.nav)
	z.content = container.NewStack()
	z.scroll = container.NewVScroll(container.NewPadded(z.content))
	z.about = newButton(l.T("window.about.button"), z.showAbout, z.escape)
	z.about.Importance = widget.LowImportance
	z.about.Icon = theme.InfoIcon()
	// The step bar is centred in the room About leaves, so the two never
	// overlap in a narrow window or a longer language.
	z.top = container.NewVBox(container.NewBorder(nil, nil, nil, z.about, container.NewCenter(bar)), widget.NewSeparator())
	z.bottom = container.NewVBox(widget.NewSeparator(), container.NewPadded(nav))
	// The order of the objects is the order of Tab: the step's own
	// controls, then Back and Next, then About.
	// A step's pinned part (Checking's head) sits between the step bar
	// and the page; after the page in the order of Tab.
	z.pin = container.NewVBox()
	z.page = container.NewBorder(z.pin, nil, nil, nil, z.scroll)
	w.SetContent(container.New(layout.NewBorderLayout(z.top, z.bottom, nil, nil), z.page, z.bottom, z.top))

	w.SetOnClosed(func() { z.Stop(); z.Wait() })
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch k.Name {
		case fyne.KeyEscape:
			z.escape()
		case fyne.KeyReturn, fyne.KeyEnter:
			z.enter()
		}
	})
	z.show(StepWelcome)
	return z
}

// selfTestOn reports whether step s shows the self-test: the run asked
// for on Your connection and Checking, the run on screen after.
func (z *Wizard) selfTestOn(s Step) bool {
	if s > StepChecking && z.run != nil && z.run.Session != nil {
		return z.run.Session.Scope == session.ScopeSelfTest
	}
	return z.req.SelfTest
}

// Step is the screen shown.
func (z *Wizard) Step() Step { return z.step }

// show puts step s on screen and sets the buttons for it.
func (z *Wizard) show(s Step) {
	z.step = s
	z.pin.Objects = nil
	z.pin.Hide() // no room kept for it on the other steps
	if s == StepChecking {
		z.pin.Objects = []fyne.CanvasObject{z.checking.head}
		z.pin.Show()
	}
	// Lay the page out again: the scroll takes the pin's room, or gives
	// it back (a shown or hidden top is not noticed by itself).
	z.page.Refresh()
	z.content.Objects = []fyne.CanvasObject{z.screens[s]}
	if s != StepWelcome && z.selfTestOn(s) {
		z.content.Objects = []fyne.CanvasObject{container.NewVBox(z.selfNote, z.screens[s])}
	}
	for i, l := range z.stepBar {
		l.TextStyle.Bold = Step(i) == s
		l.Importance = widget.MediumImportance
		if Step(i) == s {
			l.Importance = widget.HighImportance
		}
		l.Refresh()
	}
	// The step in bold is wider: lay the bar out again, so its arrows sit
	// evenly whichever step is bold.
	if z.top != nil {
		z.top.Refresh()
	}
	switch s {
	case StepConnection:
		z.conn.update()
	case StepResult:
		z.result.update()
	case StepFix:
		z.fix.update()
	case StepShare:
		z.share.update()
	}
	// Lay the screen out after it was updated: what Show revealed gets
	// its size now, not at the next resize.
	z.content.Refresh()
	z.scroll.ScrollToTop()
	z.updateNav()
	if f := z.focusFor(s); f != nil {
		z.Window.Canvas().Focus(f)
	}
}

// focusFor is the widget that has the keyboard when a step opens, so Enter
// does the obvious thing there.
func (z *Wizard) focusFor(s Step) fyne.Focusable {
	switch s {
	case StepWelcome:
		return z.welcome.address
	case StepConnection:
		return z.conn.start
	case StepChecking:
		return z.checking.action
	case StepResult:
		return z.result.primary()
	case StepFix:
		return z.fix.testAgain
	case StepShare:
		return z.share.save
	}
	return nil
}

// updateNav sets Back and Next for the current step and state.
func (z *Wizard) updateNav() {
	back, next := z.backTarget(), z.nextTarget()
	z.back.Hidden = z.step == StepWelcome
	setEnabled(z.back, back >= 0)
	z.next.Hidden = z.step == StepShare || (z.step == StepWelcome && next < 0)
	setEnabled(z.next, next >= 0)
	z.back.Refresh()
	z.next.Refresh()
	// A button shown again keeps the place it had when it was hidden (the
	// layout skips hidden objects): lay the footer out again, or Next
	// stays where it was before the window was resized.
	if z.nav != nil {
		z.nav.Refresh()
	}
	// With neither button (Start, before any run) the footer goes, and
	// its room goes to the step: on a 125% laptop screen that is a line
	// more of Start. The window is laid out again either way.
	if empty := z.back.Hidden && z.next.Hidden; z.bottom != nil && z.bottom.Visible() == empty {
		if empty {
			z.bottom.Hide()
		} else {
			z.bottom.Show()
		}
		if c := z.Window.Content(); c != nil {
			c.Refresh()
		}
	}
}

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// backTarget is where Back goes, or -1.
func (z *Wizard) backTarget() Step {
	switch z.step {
	case StepConnection, StepResult:
		return StepWelcome
	case StepChecking:
		if z.running {
			return -1
		}
		return StepWelcome
	case StepFix:
		return StepResult
	case StepShare:
		if z.run != nil && len(z.fix.steps) > 0 {
			return StepFix
		}
		return StepResult
	}
	return -1
}

// nextTarget is where Next goes without starting anything, or -1.
func (z *Wizard) nextTarget() Step {
	switch z.step {
	case StepWelcome:
		if z.run != nil && !z.running {
			return StepResult
		}
	case StepConnection:
		return StepChecking // starts the check
	case StepChecking:
		if z.run != nil && !z.running {
			return StepResult
		}
	case StepResult:
		if len(z.lang.fixSteps(z.run)) > 0 {
			return StepFix
		}
		return StepShare
	case StepFix:
		return StepShare
	}
	return -1
}

func (z *Wizard) goBack() {
	if s := z.backTarget(); s >= 0 {
		z.show(s)
	}
}

func (z *Wizard) goNext() {
	s := z.nextTarget()
	switch {
	case s < 0:
	case z.step == StepConnection:
		z.startCheck()
	default:
		z.show(s)
	}
}

// escape stops a running check; otherwise it goes back.
func (z *Wizard) escape() {
	if closeTop(z.Window.Canvas()) {
		return
	}
	if z.running {
		z.StopCheck()
		return
	}
	z.goBack()
}

// enter does the step's main action when nothing has the keyboard.
func (z *Wizard) enter() {
	if z.Window.Canvas().Overlays().Top() != nil {
		return // a dialog is open: Enter is not for the page behind it
	}
	// The screen's highlighted button (Fix it: Test again), but never
	// Cancel while a check runs.
	if z.step != StepChecking && pressHighlighted(z.screens[z.step]) {
		return
	}
	switch z.step {
	case StepWelcome:
		z.welcome.submit()
	case StepConnection:
		z.startCheck()
	case StepResult, StepFix:
		z.goNext()
	}
}

// spawn runs f on its own goroutine as a named task that Stop cancels and
// Wait waits for. A task of the same name is cancelled first.
func (z *Wizard) spawn(name string, f func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	z.mu.Lock()
	if old := z.cancels[name]; old != nil {
		old()
	}
	z.cancels[name] = cancel
	z.mu.Unlock()
	z.tasks.Add(1)
	go func() {
		defer z.tasks.Done()
		defer cancel()
		f(ctx)
	}()
}

// cancelTask cancels the named task, if it runs.
func (z *Wizard) cancelTask(name string) {
	z.mu.Lock()
	cancel := z.cancels[name]
	z.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// Stop cancels everything that runs: the check, the idle test and the look
// at the settings. It does not wait: each ends promptly and its last update
// arrives through the bridge like any other.
func (z *Wizard) Stop() {
	z.mu.Lock()
	for _, c := range z.cancels {
		c()
	}
	z.mu.Unlock()
}

// StopCheck cancels the running check (the Cancel button).
func (z *Wizard) StopCheck() { z.cancelTask("check") }

// Wait blocks until every task has ended.
func (z *Wizard) Wait() { z.tasks.Wait() }

// bridge hands runner events, which arrive on the probes' goroutines, to
// Fyne's goroutine: the one place where the engine meets the widgets.
func (z *Wizard) bridge(f func(engine.Event)) func(engine.Event) {
	return func(e engine.Event) { z.do(func() { f(e) }) }
}

// folderDialog is Fyne's folder dialog, opened at start when it can be.
func (z *Wizard) folderDialog(start string, done func(string)) {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if u == nil || err != nil {
			done("")
			return
		}
		done(u.Path())
	}, z.Window)
	if l, err := storage.ListerForURI(storage.NewFileURI(start)); err == nil {
		d.SetLocation(l)
	}
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// fileOpenDialog is Fyne's open dialog, for the certificate files.
func (z *Wizard) fileOpenDialog(done func(string)) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if rc == nil || err != nil {
			done("")
			return
		}
		rc.Close()
		done(rc.URI().Path())
	}, z.Window)
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// aboutPreset names the preset in force by its product name and where it
// came from, in l's words; the file's path, when there is one, on a line
// of its own.
func aboutPreset(l language, p Preset) string {
	if p.Origin == "" {
		return l.T("window.about.preset_built_in")
	}
	name := firstOf(p.ProductName, l.T("window.about.unnamed"))
	s := l.T("window.about.preset", "name", name, "origin", l.T("window.about.origin."+p.Origin))
	if p.File != "" {
		s += "\n" + l.T("window.about.preset_file", "path", p.File)
	}
	return s
}

// showAbout opens the About box: what the program is, its version and
// where its preset came from.
func (z *Wizard) showAbout() {
	l := z.lang
	about := firstOf(z.eng.About, z.eng.Version)
	text := widget.NewLabel(l.T("window.about.text"))
	text.Wrapping = fyne.TextWrapWord
	version := widget.NewLabel(about + "\n" + aboutPreset(l, z.eng.Preset))
	version.Wrapping = fyne.TextWrapWord
	version.TextStyle.Monospace = true
	box := container.NewVBox(text, version)
	if support := supportLine(l, z.eng.Preset); support != nil {
		box.Add(support)
	}
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(460, 1))
	box.Add(width)
	dialog.NewCustom(l.T("window.about.title"), l.T("window.about.close"), box, z.Window).Show()
}
