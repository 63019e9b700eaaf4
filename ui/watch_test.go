package ui

import (
	"context"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// scriptedWatch is a watch with no network: it sends the events the test
// puts in events, as they come, and returns its run with a mark of its
// own when ctx ends (the Stop button) or events is closed (the length).
type scriptedWatch struct {
	events  chan engine.WatchEvent
	lengths chan time.Duration
	// returned is the run the last watch returned.
	returned chan *session.Run
}

func newScriptedWatch() *scriptedWatch {
	return &scriptedWatch{events: make(chan engine.WatchEvent, 16), lengths: make(chan time.Duration, 4), returned: make(chan *session.Run, 4)}
}

func (s *scriptedWatch) watch(ctx context.Context, run *session.Run, length time.Duration, onEvent func(engine.WatchEvent)) *session.Run {
	s.lengths <- length
	done := func() *session.Run {
		n := *run
		n.Diagnosis.Findings = append(n.Diagnosis.Findings[:len(n.Diagnosis.Findings):len(n.Diagnosis.Findings)],
			stripFinding) // what the pattern rules would say
		s.returned <- &n
		return &n
	}
	for {
		select {
		case <-ctx.Done():
			return done()
		case e, ok := <-s.events:
			if !ok {
				return done()
			}
			onEvent(e)
		}
	}
}

// length is the length the watch was asked for, once it started.
func (s *scriptedWatch) length(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-s.lengths:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("the watch did not start")
	}
	return 0
}

// marks are the drop marks and grey bands the timeline draws.
func marks(tl *timeline) (drops, bands []*timelineMark) {
	for _, o := range test.WidgetRenderer(tl).Objects() {
		if m, ok := o.(*timelineMark); ok {
			if m.drop {
				drops = append(drops, m)
			} else {
				bands = append(bands, m)
			}
		}
	}
	return drops, bands
}

// TestKeepWatching drives Keep watching on a Result with a scripted watch:
// the chosen length reaches the engine, every event is drawn as it comes
// (drop marks with their close code on a tap, a grey band for a network
// change), the window's title counts the drops, Stop ends it with the
// run the watch returned on screen and the title given back, and a new
// check clears the timeline.
func TestKeepWatching(t *testing.T) {
	w := newScriptedWatch()
	f := (&fake{}).with(fakeDiagnose, companyEnv)
	h := newHarness(t, Engine{Check: f.check, Watch: w.watch})
	z, l := h.z, h.z.lang
	h.w.SetTitle("WebSocket Doctor")
	z.title = "WebSocket Doctor"
	z.welcome.address.SetText("ws://127.0.0.1:8765/echo")
	h.runToResult()
	b := z.result.watch
	if !b.root.Visible() || !b.offer.Visible() || b.live.Visible() {
		t.Fatalf("Keep watching is not offered on a working check (root %v, offer %v, live %v)", b.root.Visible(), b.offer.Visible(), b.live.Visible())
	}
	b.length.SetSelectedIndex(1) // 1 hour
	test.Tap(b.start)
	if got := w.length(t); got != time.Hour {
		t.Errorf("the watch was asked for %v, want 1h", got)
	}
	if !b.busy || !b.live.Visible() || b.offer.Visible() || !b.stop.Visible() {
		t.Fatalf("the watch does not show as running")
	}
	if want := l.N("window.watch.window_title", 0, "title", "WebSocket Doctor"); h.w.Title() != want {
		t.Errorf("title %q, want %q", h.w.Title(), want)
	}

	t0 := time.Now().Add(-10 * time.Minute)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	events := []engine.WatchEvent{
		{At: at(0), Kind: engine.WatchStart},
		{At: at(time.Second), Conn: engine.WatchSilent, Kind: engine.WatchOpen},
		{At: at(time.Second), Conn: engine.WatchPing, Kind: engine.WatchOpen},
		{At: at(time.Second), Conn: engine.WatchBusy, Kind: engine.WatchOpen},
		{At: at(3 * time.Minute), Conn: engine.WatchSilent, Kind: engine.WatchDrop, Age: 3 * time.Minute, EndedBy: engine.EndCloseFrame, CloseCode: 1006},
		{At: at(3*time.Minute + 2*time.Second), Conn: engine.WatchSilent, Kind: engine.WatchOpen, Took: time.Second, Attempt: 1},
		{At: at(6 * time.Minute), Kind: engine.WatchChange, What: engine.ChangeWiFi, From: "Office", To: "Guest"},
		{At: at(6 * time.Minute), Conn: engine.WatchPing, Kind: engine.WatchDrop, Age: 6 * time.Minute, EndedBy: engine.EndReset},
	}
	for _, e := range events {
		w.events <- e
	}
	want := l.N("window.watch.window_title", 2, "title", "WebSocket Doctor")
	h.until("the title to count two drops", func() bool { return h.w.Title() == want })
	drops, bands := marks(b.line)
	if len(drops) != 2 || len(bands) != 1 {
		t.Fatalf("the timeline draws %d drops and %d bands, want 2 and 1", len(drops), len(bands))
	}
	// The silent lane's drop is left of the ping lane's, and above it.
	if !(drops[0].Position().X < drops[1].Position().X && drops[0].Position().Y < drops[1].Position().Y) {
		t.Errorf("drop marks at %v and %v: not in time and lane order", drops[0].Position(), drops[1].Position())
	}
	test.Tap(drops[0])
	if !strings.Contains(b.line.tip, "1006") || !strings.Contains(b.line.tip, l.T("window.watch.lane.silent")) {
		t.Errorf("the first drop's tip %q does not name its lane and close code", b.line.tip)
	}
	test.Tap(bands[0])
	if !strings.Contains(b.line.tip, "Guest") {
		t.Errorf("the change's tip %q does not say what it changed to", b.line.tip)
	}
	if s := b.words.Text; !strings.Contains(s, l.N("window.watch.changes", 1)) || !strings.Contains(s, "2") {
		t.Errorf("the words under the timeline: %q", s)
	}

	test.Tap(b.stop)
	h.until("the watch to end", func() bool { return !b.busy })
	returned := <-w.returned
	if z.run.Session != returned {
		t.Errorf("the result on screen is not the run the watch returned")
	}
	if h.w.Title() != "WebSocket Doctor" {
		t.Errorf("after Stop the title reads %q", h.w.Title())
	}
	if !b.live.Visible() || b.stop.Visible() || !strings.HasPrefix(b.status.Text, strings.Split(l.T("window.watch.ended"), "{")[0]) {
		t.Errorf("after Stop: live %v, stop %v, status %q", b.live.Visible(), b.stop.Visible(), b.status.Text)
	}
	if drops, _ := marks(b.line); len(drops) != 2 {
		t.Errorf("after Stop the timeline keeps %d drops, want 2", len(drops))
	}
	if text := markupText(z.screens[StepResult]); !strings.Contains(text, stripFinding.Title) {
		t.Errorf("the result does not show what the watch's diagnosis found")
	}

	// A new check forgets the watch: no timeline, no count in the title.
	test.Tap(z.result.again)
	h.atStep(StepResult)
	if drops, bands := marks(b.line); len(drops)+len(bands) > 0 || len(b.log.Events) > 0 || b.live.Visible() || !b.offer.Visible() {
		t.Errorf("the new check's result shows the last watch: %d marks, %d events, live %v", len(drops)+len(bands), len(b.log.Events), b.live.Visible())
	}
}

// TestNewCheckStopsTheWatch: Test again while a watch goes on stops it,
// and nothing it sends after shows on the new result.
func TestNewCheckStopsTheWatch(t *testing.T) {
	w := newScriptedWatch()
	f := (&fake{}).with(fakeDiagnose, companyEnv)
	h := newHarness(t, Engine{Check: f.check, Watch: w.watch})
	z := h.z
	z.title = "WebSocket Doctor"
	z.welcome.address.SetText("ws://127.0.0.1:8765/echo")
	h.runToResult()
	b := z.result.watch
	b.length.SetSelectedIndex(3) // until I stop
	test.Tap(b.start)
	if got := w.length(t); got != 0 {
		t.Errorf("until I stop asks for %v, want 0", got)
	}
	w.events <- engine.WatchEvent{At: time.Now(), Conn: engine.WatchBusy, Kind: engine.WatchDrop, EndedBy: engine.EndSilent}
	h.until("the drop", func() bool { return b.log.DropCount() == 1 })
	test.Tap(z.result.again)
	h.atStep(StepResult)
	select {
	case <-w.returned:
	case <-time.After(5 * time.Second):
		t.Fatal("the watch did not stop when a new check started")
	}
	for len(h.q) > 0 {
		(<-h.q)()
	}
	if b.busy || len(b.log.Events) > 0 || h.w.Title() != "WebSocket Doctor" {
		t.Errorf("after a new check: busy %v, %d events, title %q", b.busy, len(b.log.Events), h.w.Title())
	}
}

// TestTimelineInWords: the words under the timeline and its tips.
func TestTimelineInWords(t *testing.T) {
	l := languageOf(Engine{})
	var log engine.WatchLog
	if got := l.watchCounts(&log); got != "No connection dropped." {
		t.Errorf("no drops: %q", got)
	}
	log.Add(engine.WatchEvent{Conn: engine.WatchSilent, Kind: engine.WatchDrop})
	log.Add(engine.WatchEvent{Conn: engine.WatchSilent, Kind: engine.WatchDrop})
	log.Add(engine.WatchEvent{Conn: engine.WatchBusy, Kind: engine.WatchDrop})
	log.Add(engine.WatchEvent{Kind: engine.WatchSleep, Took: time.Hour})
	if got, want := l.watchCounts(&log), "3 drops (Quiet: 2, With messages: 1). The computer slept once."; got != want {
		t.Errorf("counts %q, want %q", got, want)
	}
	for d, want := range map[time.Duration]string{40 * time.Second: "40 s", 12*time.Minute + 20*time.Second: "12 min 20 s", 65 * time.Minute: "1 h 5 min"} {
		if got := l.watchSpan(d); got != want {
			t.Errorf("watchSpan(%v) = %q, want %q", d, got, want)
		}
	}
	tip := l.watchTip(engine.WatchEvent{At: time.Now(), Conn: engine.WatchPing, Kind: engine.WatchDrop, Age: 90 * time.Second,
		EndedBy: engine.EndCloseFrame, CloseCode: 1001, CloseReason: "going away"})
	if !strings.Contains(tip, "With signals: closed with code 1001 (going away) after 1 min 30 s") {
		t.Errorf("tip %q", tip)
	}
}

// clockTime is an axis label or a tip's time: the same in every language.
var clockTime = regexp.MustCompile(`^\d\d:\d\d(:\d\d)?$`)

// TestWatchInEveryLanguage reads Keep watching in every language, offered,
// running with an hour's events and a drop's tip shown, and stopped: no
// catalogue key or unfilled {placeholder} shows, and nothing is left in
// English but the allow-listed words and the clock times.
func TestWatchInEveryLanguage(t *testing.T) {
	english := map[string][]string{}
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			events := anHour(time.Now().Add(-47 * time.Minute))
			watch := func(ctx context.Context, run *session.Run, _ time.Duration, onEvent func(engine.WatchEvent)) *session.Run {
				for _, e := range events {
					onEvent(e)
				}
				<-ctx.Done()
				return run
			}
			f := (&fake{}).with(fakeDiagnose, companyEnv)
			h := newHarness(t, Engine{Check: f.check, Watch: watch, Words: i18n.MustLoad(lang), Catalogue: diagnose.MustCatalogue(lang)})
			h.w.Resize(fyne.NewSize(1000, 2000))
			z := h.z
			z.welcome.address.SetText("ws://127.0.0.1:8765/echo")
			h.runToResult()
			b := z.result.watch
			screens := map[string][]string{}
			shot := func(name string) {
				for _, m := range markupTexts.FindAllStringSubmatch(test.RenderObjectToMarkup(b.root), -1) {
					screens[name] = append(screens[name], strings.TrimSpace(html.UnescapeString(m[1])))
				}
			}
			shot("offered")
			test.Tap(b.start)
			h.until("the hour's events", func() bool { return len(b.log.Events) == len(events) })
			drops, _ := marks(b.line)
			test.Tap(drops[len(drops)-1])
			shot("running")
			test.Tap(b.stop)
			h.until("the stop", func() bool { return !b.busy })
			shot("stopped")
			// The timeline's own texts are read too: a lane's label and the
			// tip.
			if lane := z.lang.T("window.watch.lane.silent"); !slices.Contains(screens["running"], lane) {
				t.Errorf("the timeline's lane %q is not among the texts read: %q", lane, screens["running"])
			}
			if !slices.Contains(screens["running"], b.line.tip) {
				t.Errorf("the tip %q is not among the texts read", b.line.tip)
			}
			for name, texts := range screens {
				if len(texts) == 0 {
					t.Errorf("%s: no text", name)
				}
				for _, s := range texts {
					switch {
					case rawKey.MatchString(s):
						t.Errorf("%s %s: a key is on screen: %q", lang, name, s)
					case unfilled.MatchString(s):
						t.Errorf("%s %s: a placeholder is not filled: %q", lang, name, s)
					case lang != "en" && slices.Contains(english[name], s) && !slices.Contains(sameInEveryLanguage, s) &&
						!shownSameInEveryLanguage.MatchString(s) && !clockTime.MatchString(s):
						t.Errorf("%s %s: left in English: %q", lang, name, s)
					}
				}
			}
			if lang == "en" {
				english = screens
			}
		})
	}
}
