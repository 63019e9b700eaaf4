package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// browserTick is how often the browser test's countdown moves.
const browserTick = time.Second

// browserBox is the result screen's browser test: a button that opens the
// same address in the person's own browser (Engine.Browser), a countdown
// with Skip while it waits, and the browser's answer, which the engine then
// sets beside its own in the findings.
type browserBox struct {
	z      *Wizard
	root   *fyne.Container
	offer  *fyne.Container
	start  *button
	wait   *fyne.Container
	spin   *widget.Activity
	text   *widget.Label
	bar    *widget.ProgressBar
	skip   *button
	answer *widget.Label
	// pageBox tells that the browser has not loaded the page, with its
	// address to open by hand (selectable) and a button to copy it.
	pageBox  *fyne.Container
	pageNote *widget.Label
	page     *widget.Label

	// State, on Fyne's goroutine: the run it belongs to, whether the test
	// runs, and the browser's answer once it came.
	run          *shownRun
	busy         bool
	res          *browser.Result
	startAt, end time.Time
}

func newBrowserBox(z *Wizard) *browserBox {
	b := &browserBox{z: z}
	l := z.lang
	b.start = newButton(l.T("window.browser.button"), b.begin, z.escape)
	b.start.Icon = theme.ComputerIcon()
	b.offer = container.NewBorder(nil, nil, nil, b.start, wrapped(l.T("window.browser.hint")))
	b.spin = widget.NewActivity()
	b.text = wrapped("")
	b.bar = widget.NewProgressBar()
	b.bar.TextFormatter = func() string { return "" }
	b.skip = newButton(l.T("window.browser.skip"), func() { z.cancelTask("browser") }, z.escape)
	b.skip.Icon = theme.MediaSkipNextIcon()
	b.pageNote = wrapped("")
	b.page = widget.NewLabel("")
	b.page.Selectable = true
	b.page.TextStyle.Monospace = true
	b.page.Wrapping = fyne.TextWrapBreak
	copyPage := newButton(l.T("window.browser.copy_address"), func() { z.copyText(b.page.Text) }, z.escape)
	copyPage.Icon = theme.ContentCopyIcon()
	b.pageBox = container.NewVBox(b.pageNote, container.NewBorder(nil, nil, nil, copyPage, b.page))
	b.pageBox.Hide()
	b.wait = container.NewVBox(container.NewBorder(nil, nil, b.spin, b.skip, b.text), b.bar, b.pageBox)
	b.wait.Hide()
	b.answer = wrapped("")
	b.answer.Hide()
	b.root = container.NewVBox(b.offer, b.wait, b.answer)
	b.root.Hide()
	return b
}

// update shows the browser test of run; a new run starts afresh.
func (b *browserBox) update(run *shownRun) {
	if b.z.eng.Browser == nil {
		b.root.Hide()
		return
	}
	if !sameCheck(run, b.run) {
		if b.busy {
			b.z.cancelTask("browser")
		}
		b.run, b.busy, b.res = run, false, nil
		b.answer.SetText("")
		b.answer.Hide()
	}
	b.root.Show()
	if b.busy {
		b.offer.Hide()
		b.wait.Show()
		b.spin.Start()
	} else {
		b.offer.Show()
		b.wait.Hide()
		b.spin.Stop()
	}
}

// begin opens the browser on the current run's address and waits for its
// answer in the background.
func (b *browserBox) begin() {
	z := b.z
	run := z.run
	if run == nil || b.busy || z.eng.Browser == nil {
		return
	}
	b.run, b.busy = run, true
	b.pageBox.Hide()
	b.startAt, b.end = time.Now(), time.Now().Add(browser.MaxWait)
	b.answer.Hide()
	b.tick()
	b.update(run)
	snapshot := *run
	z.spawn("browser", func(ctx context.Context) {
		stopTick := z.ticking(ctx, browserTick, func() {
			if sameCheck(b.run, run) && b.busy {
				b.tick()
			}
		})
		done, err := z.eng.Browser(ctx, snapshot.Session, func(page string) {
			z.do(func() {
				if sameCheck(b.run, run) && b.busy {
					b.notLoaded(page)
				}
			})
		})
		stopTick()
		skipped := ctx.Err() != nil
		z.do(func() { b.finish(run, done, err, skipped) })
	})
}

// notLoaded says that the browser has not loaded the test page yet, with
// its address to open by hand; the wait goes on.
func (b *browserBox) notLoaded(page string) {
	b.page.SetText(page)
	b.pageNote.SetText(b.z.lang.T("window.browser.not_loaded", "seconds", int(browser.LoadWait/time.Second)))
	b.pageBox.Show()
}

// tick moves the countdown.
func (b *browserBox) tick() {
	left := max(time.Until(b.end), 0)
	b.text.SetText(b.z.lang.T("window.browser.waiting", "left", b.z.lang.Span(left)))
	if total := b.end.Sub(b.startAt); total > 0 {
		b.bar.SetValue(1 - float64(left)/float64(total))
	}
}

// finish shows the browser's answer and diagnoses the run again, now with
// the answer beside the check's; unless a newer run has taken its place.
func (b *browserBox) finish(run *shownRun, done *session.Run, err error, skipped bool) {
	z := b.z
	l := z.lang
	if !sameCheck(b.run, run) || !b.busy {
		return
	}
	b.busy = false
	switch {
	case skipped:
		b.answer.SetText(l.T("window.browser.skipped"))
	case err != nil:
		b.answer.SetText(l.T("window.browser.failed", "error", err.Error()))
	default:
		b.res = done.Browser
		b.answer.SetText(l.browserWords(*done.Browser))
		if sameCheck(z.run, run) {
			if z.run.Session != run.Session {
				// The idle test ended meanwhile: keep its result too.
				done = z.run.Session.WithBrowser(done.Browser)
			}
			z.run = newShownRun(z.run.Request, z.run.Conn, done)
			b.run, run = z.run, z.run
		}
	}
	b.answer.Show()
	if z.run == run {
		z.result.update()
		if z.step == StepFix {
			z.fix.reset()
			z.fix.update()
		}
		z.updateNav()
	} else {
		b.update(run)
	}
}

// browserWords says what the browser saw, in a sentence.
func (l language) browserWords(r browser.Result) string {
	name := r.Name()
	if name == "" {
		name = l.T("window.browser.name_unknown")
	}
	if r.Works() {
		return l.T("window.browser.opened", "browser", name, "time", l.probeTime(time.Duration(r.OpenMS*float64(time.Millisecond))))
	}
	if r.CloseCode != 0 {
		return l.T("window.browser.not_opened_code", "browser", name, "code", r.CloseCode)
	}
	return l.T("window.browser.not_opened", "browser", name)
}
