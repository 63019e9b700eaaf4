package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// watchTick is how often the watch's timeline and its words move while
// nothing happens: the time axis grows with the watch.
const watchTick = time.Second

// watchChoices are the lengths Keep watching offers, matching
// watchChoiceKeys; 0 is until the person stops it.
var watchChoices = []time.Duration{15 * time.Minute, time.Hour, 4 * time.Hour, 0}

// watchChoiceKeys name watchChoices in the catalogue
// (window.watch.choice.*).
var watchChoiceKeys = []string{"15min", "1h", "4h", "until_stopped"}

// watchBox is the result screen's Keep watching (issue 24): a choice of
// how long, a button that keeps three connections open to the run's
// address through its route (Engine.Watch), the timeline drawn live from
// the watch's events, and the counts and the time in words under it. Its
// state belongs to one run: a new run clears it.
type watchBox struct {
	z      *Wizard
	root   *fyne.Container
	offer  *fyne.Container
	length *widget.Select
	start  *button
	live   *fyne.Container
	spin   *widget.Activity
	status *widget.Label
	stop   *button
	line   *timeline
	legend fyne.CanvasObject
	words  *widget.Label

	// State, on Fyne's goroutine: the run it watches, whether the watch
	// goes on, its planned length (0: until stopped) and the log drawn so
	// far, from the events as they came.
	run   *shownRun
	busy  bool
	ended bool
	For   time.Duration
	log   engine.WatchLog
}

func newWatchBox(z *Wizard) *watchBox {
	b := &watchBox{z: z}
	l := z.lang
	var names []string
	for _, k := range watchChoiceKeys {
		names = append(names, l.T("window.watch.choice."+k))
	}
	b.length = widget.NewSelect(names, nil)
	b.length.SetSelectedIndex(0)
	b.start = newButton(l.T("window.watch.start"), b.begin, z.escape)
	b.start.Icon = theme.VisibilityIcon()
	title := widget.NewLabelWithStyle(l.T("window.watch.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.offer = container.NewVBox(wrapped(l.T("window.watch.hint")),
		container.NewHBox(b.length, b.start))
	b.spin = widget.NewActivity()
	b.status = wrapped("")
	b.status.TextStyle.Bold = true
	b.stop = newButton(l.T("window.watch.stop"), z.StopWatch, z.escape)
	b.stop.Icon = theme.MediaStopIcon()
	b.line = newTimeline(l)
	b.legend = timelineLegend(l)
	b.words = wrapped("")
	b.live = container.NewVBox(container.NewBorder(nil, nil, b.spin, b.stop, b.status), b.line, b.legend, b.words)
	b.live.Hide()
	b.root = container.NewVBox(widget.NewSeparator(), title, b.offer, b.live)
	b.root.Hide()
	return b
}

// watchOffered reports whether Keep watching makes sense for run: a
// check that reached the service (a connection that never opens cannot
// drop), not the self-test (its server is on this computer).
func (z *Wizard) watchOffered(run *shownRun) bool {
	return z.eng.Watch != nil && run != nil && run.Verdict.Works() && run.Session != nil && run.Session.Scope != session.ScopeSelfTest
}

// update shows the watch of run; a new run starts afresh.
func (b *watchBox) update(run *shownRun) {
	if !sameCheck(run, b.run) {
		b.reset()
		b.run = run
	}
	if !b.z.watchOffered(run) && !b.busy && !b.ended {
		b.root.Hide()
		return
	}
	b.root.Show()
	if b.busy || b.ended {
		b.offer.Hide()
		b.live.Show()
	} else {
		b.offer.Show()
		b.live.Hide()
	}
	if b.busy {
		b.spin.Show()
		b.spin.Start()
		b.stop.Show()
	} else {
		b.spin.Stop()
		b.spin.Hide()
		b.stop.Hide()
	}
	b.tick()
}

// reset forgets the watch of the run before: its timeline, its words and
// the window's title; a watch that still goes on is stopped.
func (b *watchBox) reset() {
	if b.busy {
		b.z.cancelTask("watch")
	}
	b.run, b.busy, b.ended, b.For = nil, false, false, 0
	b.log = engine.WatchLog{}
	b.line.set(b.log, time.Time{})
	b.status.SetText("")
	b.words.SetText("")
	b.spin.Stop()
	b.live.Hide()
	b.offer.Show()
	b.z.setTitle(-1)
}

// begin starts watching the current run for the length chosen.
func (b *watchBox) begin() {
	z := b.z
	run := z.run
	if run == nil || b.busy || !z.watchOffered(run) {
		return
	}
	length := watchChoices[max(b.length.SelectedIndex(), 0)]
	b.run, b.busy, b.ended, b.For = run, true, false, length
	b.log = engine.WatchLog{Target: run.Outcome.Target.String(), Start: time.Now()}
	b.update(run)
	// What Show revealed gets its size now, not at the next resize.
	z.result.root.Refresh()
	z.setTitle(0)
	srun := run.Session
	z.spawn("watch", func(ctx context.Context) {
		stopTick := z.ticking(ctx, watchTick, func() {
			if sameCheck(b.run, run) && b.busy {
				b.tick()
			}
		})
		done := z.eng.Watch(ctx, srun, length, func(e engine.WatchEvent) {
			z.do(func() {
				if sameCheck(b.run, run) && b.busy {
					b.add(e)
				}
			})
		})
		stopTick()
		z.do(func() { b.finish(run, done) })
	})
}

// StopWatch ends the watch (its Stop button); what it saw is kept.
func (z *Wizard) StopWatch() { z.cancelTask("watch") }

// add draws one event of the watch.
func (b *watchBox) add(e engine.WatchEvent) {
	if e.Kind == engine.WatchStart && !e.At.IsZero() && len(b.log.Events) == 0 {
		b.log.Start = e.At
	}
	b.log.Add(e)
	if e.Kind == engine.WatchDrop {
		b.z.setTitle(b.log.DropCount())
	}
	b.tick()
}

// tick draws the timeline up to now and says what it shows in words.
func (b *watchBox) tick() {
	l := b.z.lang
	if b.log.Start.IsZero() {
		return
	}
	now := time.Now()
	if !b.log.End.IsZero() {
		now = b.log.End
	}
	b.line.set(b.log, now)
	elapsed := now.Sub(b.log.Start)
	switch {
	case b.busy && b.For > 0:
		b.status.SetText(l.T("window.watch.running", "elapsed", l.watchSpan(elapsed), "left", l.watchSpan(max(b.For-elapsed, 0))))
	case b.busy:
		b.status.SetText(l.T("window.watch.running_until_stopped", "elapsed", l.watchSpan(elapsed)))
	default:
		b.status.SetText(l.T("window.watch.ended", "elapsed", l.watchSpan(elapsed)))
	}
	b.words.SetText(breakable(l.watchCounts(&b.log)))
}

// finish shows the run the watch returned, diagnosed again with what it
// saw, unless a newer run has taken its place; the timeline stays.
func (b *watchBox) finish(run *shownRun, done *session.Run) {
	z := b.z
	if !sameCheck(b.run, run) || !b.busy {
		return
	}
	b.busy, b.ended = false, true
	if done != nil && done.Watch != nil {
		// The watch's own log: every event, its stop included.
		b.log = done.Watch.Copy()
	}
	if b.log.End.IsZero() {
		b.log.End = time.Now()
		if n := len(b.log.Events); n > 0 && b.log.Events[n-1].Kind == engine.WatchStop {
			b.log.End = b.log.Events[n-1].At
		}
	}
	z.setTitle(-1)
	if done != nil && sameCheck(z.run, run) {
		cur := z.run.Session
		if cur != run.Session {
			// The idle test or the browser's answer came meanwhile:
			// keep them too.
			if cur.Idle != nil && done.Idle == nil {
				done = done.WithIdle(*cur.Idle)
			}
			if cur.Browser != nil && done.Browser == nil {
				done = done.WithBrowser(cur.Browser)
			}
		}
		z.run = newShownRun(z.run.Request, z.run.Conn, done)
		b.run = z.run
		z.result.update()
		if z.step == StepFix {
			z.fix.reset()
			z.fix.update()
		}
		z.updateNav()
		return
	}
	b.update(b.run)
}

// setTitle shows the count of drops in the window's title while a watch
// goes on, so that it can run minimised; -1 gives the title back.
func (z *Wizard) setTitle(drops int) {
	if z.Window == nil {
		return
	}
	if drops < 0 {
		if z.title != "" || z.Window.Title() != z.title {
			z.Window.SetTitle(z.title)
		}
		return
	}
	z.Window.SetTitle(z.lang.N("window.watch.window_title", drops, "title", z.title))
}

// watchSpan is a length of the watch as a person says it: "45 s",
// "12 min 20 s", "1 h 5 min".
func (l language) watchSpan(d time.Duration) string {
	if d < time.Hour {
		return l.Span(d)
	}
	d = d.Round(time.Minute)
	return l.T("window.watch.span_h", "h", int(d/time.Hour), "min", int(d%time.Hour/time.Minute))
}

// watchCounts are the watch's counts in words: the drops by connection,
// the failed reconnects, the network changes and the sleeps.
func (l language) watchCounts(log *engine.WatchLog) string {
	var parts []string
	if n := log.DropCount(); n == 0 {
		parts = append(parts, l.T("window.watch.no_drops"))
	} else {
		var by []string
		for _, c := range engine.WatchConns {
			if k := log.Summary.Drops[c]; k > 0 {
				by = append(by, l.T("window.watch.by_lane", "lane", l.T("window.watch.lane."+c), "n", k))
			}
		}
		parts = append(parts, l.N("window.watch.drops", n, "lanes", strings.Join(by, l.T("window.watch.list_sep"))))
	}
	if n := log.Summary.RetriesFailed; n > 0 {
		parts = append(parts, l.N("window.watch.retries_failed", n))
	}
	changes := 0
	for _, v := range log.Summary.Changes {
		changes += v
	}
	if changes > 0 {
		parts = append(parts, l.N("window.watch.changes", changes))
	}
	if n := log.Summary.Sleeps; n > 0 {
		parts = append(parts, l.N("window.watch.sleeps", n))
	}
	// Sentences end in a space, but for those that end in a full-width
	// stop (Japanese, Chinese), which has its room.
	return strings.ReplaceAll(strings.Join(parts, " "), "。 ", "。")
}
