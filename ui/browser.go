package ui

import (
	"context"
	"fmt"
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

	// State, on Fyne's goroutine: the run it belongs to, whether the test
	// runs, and the browser's answer once it came.
	run          *Run
	busy         bool
	res          *browser.Result
	startAt, end time.Time
}

func newBrowserBox(z *Wizard) *browserBox {
	b := &browserBox{z: z}
	b.start = newButton(T.BrowserButton, b.begin, z.escape)
	b.start.Icon = theme.ComputerIcon()
	b.offer = container.NewBorder(nil, nil, nil, b.start, wrapped(T.BrowserHint))
	b.spin = widget.NewActivity()
	b.text = wrapped("")
	b.bar = widget.NewProgressBar()
	b.bar.TextFormatter = func() string { return "" }
	b.skip = newButton(T.BrowserSkip, func() { z.cancelTask("browser") }, z.escape)
	b.skip.Icon = theme.MediaSkipNextIcon()
	b.wait = container.NewVBox(container.NewBorder(nil, nil, b.spin, b.skip, b.text), b.bar)
	b.wait.Hide()
	b.answer = wrapped("")
	b.answer.Hide()
	b.root = container.NewVBox(b.offer, b.wait, b.answer)
	b.root.Hide()
	return b
}

// update shows the browser test of run; a new run starts afresh.
func (b *browserBox) update(run *Run) {
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
		done, err := z.eng.Browser(ctx, snapshot.Session)
		stopTick()
		skipped := ctx.Err() != nil
		z.do(func() { b.finish(run, done, err, skipped) })
	})
}

// tick moves the countdown.
func (b *browserBox) tick() {
	left := max(time.Until(b.end), 0)
	b.text.SetText(fmt.Sprintf(T.BrowserWaiting, fmtDuration(left)))
	if total := b.end.Sub(b.startAt); total > 0 {
		b.bar.SetValue(1 - float64(left)/float64(total))
	}
}

// finish shows the browser's answer and diagnoses the run again, now with
// the answer beside the check's; unless a newer run has taken its place.
func (b *browserBox) finish(run *Run, done *session.Run, err error, skipped bool) {
	z := b.z
	if !sameCheck(b.run, run) || !b.busy {
		return
	}
	b.busy = false
	switch {
	case skipped:
		b.answer.SetText(T.BrowserSkipped)
	case err != nil:
		b.answer.SetText(fmt.Sprintf(T.BrowserFailed, err))
	default:
		b.res = done.Browser
		b.answer.SetText(browserWords(*done.Browser))
		if sameCheck(z.run, run) {
			if z.run.Session != run.Session {
				// The idle test ended meanwhile: keep its result too.
				done = z.run.Session.WithBrowser(done.Browser)
			}
			z.run = newRun(z.run.Request, z.run.Env, done)
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
func browserWords(r browser.Result) string {
	name := r.Name()
	if name == "" {
		name = T.BrowserNameUnknown
	}
	if r.Works() {
		return fmt.Sprintf(T.BrowserOpened, name, fmtProbeTime(time.Duration(r.OpenMS*float64(time.Millisecond))))
	}
	s := fmt.Sprintf(T.BrowserNotOpened, name)
	if r.CloseCode != 0 {
		s += fmt.Sprintf(T.BrowserCloseCode, r.CloseCode)
	}
	return s
}
