package ui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// The two addresses the runs alternate between: A fails, B works.
const (
	addrA = "ws://127.0.0.1:8099/echo"
	addrB = "ws://127.0.0.1:8097/echo"
)

// gatedEngine is a fake engine whose every check stops at its first probe
// until the test opens that run's gate or cancels it: the test decides
// when a run ends, so a random sequence of actions is deterministic. A
// check of an address with ":8099" fails at the upgrade.
type gatedEngine struct {
	f     *fake
	gates chan chan struct{}
}

func newGatedEngine() *gatedEngine {
	return &gatedEngine{f: (&fake{}).with(fakeDiagnose, diagnose.Environment{}), gates: make(chan chan struct{}, 1)}
}

func (g *gatedEngine) check(ctx context.Context, req session.Request, onEvent func(engine.Event)) (*session.Run, error) {
	gate := <-g.gates
	t, _ := engine.ParseTarget(firstOf(req.Address, "ws://127.0.0.1:8765/echo"))
	out := engine.Outcome{Target: t, Started: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	for i, p := range engine.DefaultProbes() {
		onEvent(engine.Event{Kind: engine.EventStarted, Probe: p.Name})
		if i == 0 {
			select {
			case <-gate:
			case <-ctx.Done():
				r := engine.Result{Probe: p.Name, Status: engine.Skip, Code: engine.CodeCancelled}
				onEvent(engine.Event{Kind: engine.EventFinished, Probe: p.Name, Result: &r})
				out.Cancelled = true
				out.Results = append(out.Results, r)
				return g.f.run(out), nil
			}
		}
		r := engine.Result{Probe: p.Name, Status: engine.Pass, Duration: 12 * time.Millisecond, Code: "ok"}
		if p.Name == engine.ProbeUpgrade && strings.Contains(req.Address, ":8099") {
			r.Status, r.Code = engine.Fail, "status_200"
		}
		onEvent(engine.Event{Kind: engine.EventFinished, Probe: p.Name, Result: &r})
		out.Results = append(out.Results, r)
	}
	out.Finished = out.Started.Add(time.Second)
	run := g.f.run(out)
	if req.SelfTest {
		run.Scope = session.ScopeSelfTest
	}
	return run, nil
}

// watch draws one drop and holds on until stopped.
func (g *gatedEngine) watch(ctx context.Context, run *session.Run, _ time.Duration, onEvent func(engine.WatchEvent)) *session.Run {
	onEvent(engine.WatchEvent{At: time.Now(), Conn: engine.WatchSilent, Kind: engine.WatchDrop, EndedBy: engine.EndSilent})
	<-ctx.Done()
	return run
}

// idle holds on until skipped.
func (g *gatedEngine) idle(ctx context.Context, run *session.Run, _ time.Duration) *session.Run {
	<-ctx.Done()
	return run
}

// runModel is what the test expects of the wizard: which run is on screen.
type runModel struct {
	started  int    // runs started
	running  bool   // a run goes on
	shown    int    // the run whose result may be shown; 0 for none
	shownFor string // its address
	savedBy  int    // the run whose report was saved last, 0 for none
	gate     chan struct{}
}

// TestRunStateProperty drives the wizard through random sequences of what
// a person does and checks after every action that the window shows one
// run only: the result, the summary and the saved report always belong to
// the last finished run, and nothing of an earlier run is seen after a new
// one starts or is cancelled.
func TestRunStateProperty(t *testing.T) {
	const actions = 14
	// 500 sequences; under the race detector, which makes each ten times
	// slower, 50 (make test runs both).
	sequences := 500
	if raceOn {
		sequences = 50
	}
	rng := rand.New(rand.NewPCG(21, 2026))
	watched := 0 // sequences that kept watching a result
	for seq := range sequences {
		seed := rng.Uint64()
		t.Run(fmt.Sprint(seq), func(t *testing.T) {
			g := newGatedEngine()
			h := newHarness(t, Engine{Check: g.check, Idle: g.idle, Watch: g.watch})
			h.z.welcome.idle.SetSelectedIndex(1)
			if seed%2 == 1 {
				// Half the sequences start at an address that works, so
				// that Keep watching is often offered.
				h.z.welcome.address.SetText(addrB)
			}
			r := rand.New(rand.NewPCG(seed, 0))
			var m runModel
			var log []string
			for range actions {
				name := propertyStep(h, g, &m, r)
				log = append(log, name)
				if err := checkRunState(h, &m); err != nil {
					t.Fatalf("after %s: %v", strings.Join(log, ", "), err)
				}
			}
			if slices.Contains(log, "keep watching") {
				watched++
			}
		})
	}
	if watched == 0 {
		t.Errorf("no sequence kept watching a result")
	}
	t.Logf("%d of %d sequences kept watching a result", watched, sequences)
}

// propertyStep does one random action and updates the model; it returns
// the action's name.
func propertyStep(h *harness, g *gatedEngine, m *runModel, r *rand.Rand) string {
	z := h.z
	// start: the run begins if the wizard takes it.
	begin := func(press func()) bool {
		gate := make(chan struct{})
		g.gates <- gate
		press()
		if !z.running {
			<-g.gates
			return false
		}
		m.started++
		m.running, m.gate, m.shown, m.shownFor = true, gate, 0, ""
		h.until("the first probe", func() bool { return z.checking.rows["dns"].state == rowRunning })
		return true
	}
	switch r.IntN(11) {
	case 0:
		if z.step == StepWelcome && !m.running {
			begin(func() { test.Tap(z.welcome.check) })
		}
		return "start"
	case 1:
		if m.running {
			close(m.gate)
			h.until("the result", func() bool { return !z.running && z.step == StepResult })
			m.running, m.shown, m.shownFor = false, m.started, z.req.Address
		}
		return "finish"
	case 2:
		if m.running {
			test.Tap(z.checking.action)
			h.until("the stop", func() bool { return !z.running })
			m.running = false
		}
		return "cancel"
	case 3:
		if z.back.Visible() && !z.back.Disabled() {
			test.Tap(z.back)
		}
		return "back"
	case 4:
		if z.next.Visible() && !z.next.Disabled() {
			if z.step == StepConnection {
				begin(func() { test.Tap(z.next) })
			} else {
				test.Tap(z.next)
			}
		}
		return "next"
	case 5:
		switch {
		case m.running:
		case z.step == StepResult:
			begin(func() { test.Tap(z.result.again) })
		case z.step == StepFix && z.fix.testAgain.Visible():
			begin(func() { test.Tap(z.fix.testAgain) })
		case z.step == StepChecking:
			begin(func() { test.Tap(z.checking.action) })
		}
		return "test again"
	case 6:
		if z.idleBusy {
			z.SkipIdle()
			h.until("the skip", func() bool { return !z.idleBusy })
		}
		return "skip idle"
	case 7:
		if z.step == StepShare && !z.share.save.Disabled() {
			test.Tap(z.share.save)
			if z.share.saved != "" {
				m.savedBy = m.shown
			}
		}
		return "save"
	case 8:
		addr := []string{addrA, addrB, addrA, addrB, "ws//nowhere", ""}[r.IntN(6)]
		z.welcome.address.SetText(addr)
		return "address " + addr
	case 10:
		b := z.result.watch
		switch {
		case b.busy:
			test.Tap(b.stop)
			h.until("the watch to stop", func() bool { return !b.busy })
			return "stop watching"
		case z.step == StepResult && b.root.Visible() && b.offer.Visible():
			test.Tap(b.start)
			h.until("the watch's drop", func() bool { return b.log.DropCount() == 1 })
			return "keep watching"
		}
		return "watch"
	default:
		if z.step == StepWelcome && !m.running {
			begin(func() { test.Tap(z.welcome.selfTest) })
		}
		return "self-test"
	}
}

// checkRunState checks the invariants of the model against the window.
func checkRunState(h *harness, m *runModel) error {
	z := h.z
	// Let what is queued arrive (the idle countdown, late events).
	for len(h.q) > 0 {
		(<-h.q)()
	}
	if z.running != m.running {
		return fmt.Errorf("running %v, want %v", z.running, m.running)
	}
	switch {
	case m.shown == 0 && z.run != nil:
		return fmt.Errorf("a result (%s) is kept while no run finished since the last start", z.run.Request.Address)
	case m.shown != 0 && z.run == nil:
		return fmt.Errorf("the finished run's result is gone")
	case z.run != nil && z.run.Request.Address != m.shownFor:
		return fmt.Errorf("result of %q, want %q", z.run.Request.Address, m.shownFor)
	}
	if z.run == nil {
		if z.step == StepResult || z.step == StepFix {
			return fmt.Errorf("step %d without a finished run", z.step)
		}
		if z.result.banner.text != "" || len(z.result.findings.Objects) > 0 || z.result.idleDone.Visible() || z.result.compare.Visible() {
			return fmt.Errorf("the result screen still shows %q", z.result.banner.text)
		}
		if z.step == StepShare && (!z.share.save.Disabled() || !z.share.copy.Disabled()) {
			return fmt.Errorf("Save or Copy is enabled with no run")
		}
	} else if z.step == StepResult && z.result.banner.text != z.lang.verdictText(z.run) {
		return fmt.Errorf("banner %q, want %q", z.result.banner.text, z.lang.verdictText(z.run))
	}
	// The watch and its timeline belong to the run on screen, the title
	// counts drops only while it goes on.
	w := z.result.watch
	switch {
	case (w.busy || w.ended || len(w.log.Events) > 0) && (z.run == nil || !sameCheck(w.run, z.run)):
		return fmt.Errorf("a watch's timeline (%d events) beside another run's result, or none", len(w.log.Events))
	case z.run == nil && (w.live.Visible() || len(w.log.Events) > 0):
		return fmt.Errorf("the timeline is shown with no run")
	case w.busy != (z.Window.Title() != z.title):
		return fmt.Errorf("watching %v, title %q", w.busy, z.Window.Title())
	}
	if z.prev != nil && (z.run == nil || z.prev.Request.Address != z.run.Request.Address) {
		return fmt.Errorf("a before/after of another address")
	}
	// The saved report is the run's on screen, and only then offered.
	if z.share.saved != "" {
		if m.savedBy == 0 || m.savedBy != m.shown || z.run == nil {
			return fmt.Errorf("the saved report %s belongs to run %d, run %d is on screen", z.share.saved, m.savedBy, m.shown)
		}
		data, err := os.ReadFile(z.share.saved)
		if err != nil {
			return err
		}
		if want := strings.TrimPrefix(strings.SplitN(z.run.Outcome.Target.String(), "/echo", 2)[0], "ws://"); !strings.Contains(string(data), want) {
			return fmt.Errorf("the saved report does not name %s", want)
		}
	}
	if z.share.open.Visible() != (z.share.saved != "") {
		return fmt.Errorf("Open the folder shown %v with saved %q", z.share.open.Visible(), z.share.saved)
	}
	if z.share.early && !z.idleBusy {
		return fmt.Errorf("Save now without it is offered after the idle test ended")
	}
	if z.share.save.Text != z.lang.T("window.share.save") && !z.share.early {
		return fmt.Errorf("the save button reads %q", z.share.save.Text)
	}
	if z.checking.message.Text == z.lang.T("window.checking.stopped") && z.run != nil {
		return fmt.Errorf("a stopped check beside a result")
	}
	if z.step == StepChecking && !m.running && z.run == nil && z.checking.message.Text == z.lang.T("window.checking.stopped") &&
		z.checking.progress.Value >= z.checking.progress.Max {
		return fmt.Errorf("after Cancel the bar reads %s", z.checking.progress.TextFormatter())
	}
	return nil
}
