package ui

import (
	"context"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// idleTick is how often the idle test's countdown moves.
const idleTick = time.Second

// begin takes a request from the first screen: it looks at the connection
// when the engine can, or starts the check at once.
func (z *Wizard) begin(req Request) {
	if z.running {
		z.show(StepChecking)
		return
	}
	z.req = req
	if z.eng.Connection == nil {
		z.startCheck()
		return
	}
	if key := envKeyOf(req); key != z.envKey || (!z.envBusy && z.env == nil && z.envErr == nil) {
		z.detectEnv(key)
	}
	z.show(StepConnection)
}

// envKeyOf is what the environment depends on: a new address or proxy
// choice asks again.
func envKeyOf(r Request) string {
	return r.Address + "\x00" + string(r.Proxy) + "\x00" + r.ProxyURL
}

// detectEnv asks the engine how this computer connects.
func (z *Wizard) detectEnv(key string) {
	z.env, z.envErr, z.envBusy, z.envKey = nil, nil, true, key
	z.conn.update()
	req, err := z.req.session()
	if err != nil {
		z.envBusy, z.envErr = false, err
		z.conn.update()
		return
	}
	z.spawn("env", func(ctx context.Context) {
		env, err := z.eng.Connection(ctx, req)
		z.do(func() {
			if z.envKey != key || !z.envBusy {
				return
			}
			z.envBusy = false
			if err != nil {
				z.envErr = err
			} else {
				z.env = &env
			}
			z.conn.update()
		})
	})
}

// startCheck runs the check of the current request, unless one runs.
func (z *Wizard) startCheck() {
	if z.running {
		return
	}
	z.cancelTask("idle")
	z.cancelTask("env") // a check started before the look ended goes on without it
	if z.envBusy {
		z.envBusy = false
		z.envKey = ""
	}
	z.running = true
	req := z.req
	z.clearRun(req)
	z.checking.reset(req)
	z.show(StepChecking)
	end := time.Now().Add(engine.DefaultDeadline)
	z.checking.tick(end)
	z.spawn("check", func(ctx context.Context) {
		stopTick := z.ticking(ctx, time.Second, func() { z.checking.tick(end) })
		sreq, err := req.session()
		var run *session.Run
		if err == nil {
			run, err = z.eng.Check(ctx, sreq, z.bridge(z.checking.onEvent))
		}
		stopTick()
		if err == nil && !run.Outcome.Cancelled && z.settle > 0 {
			z.do(z.checking.done)
			select {
			case <-time.After(z.settle):
			case <-ctx.Done():
			}
		}
		z.do(func() { z.finishCheck(req, run, err) })
	})
}

// clearRun forgets everything that belonged to the run on screen before a
// new run of req starts: its result, its idle test, its saved report and
// its fix-it walk. Only the last finished run of the same address is kept,
// as the "Before" of a before/after, never as a result; a run that is then
// cancelled or cannot start leaves no result at all.
func (z *Wizard) clearRun(req Request) {
	switch {
	case z.run != nil && z.run.Request.Address == req.Address:
		z.before = z.run
	case z.run != nil || (z.before != nil && z.before.Request.Address != req.Address):
		z.before = nil
	}
	z.run, z.prev = nil, nil
	z.idleBusy = false
	z.result.clear()
	z.fix.reset()
	z.share.clear()
}

// finishCheck shows how a check ended.
func (z *Wizard) finishCheck(req Request, s *session.Run, err error) {
	z.running = false
	z.checking.tick(time.Time{}) // no countdown once it is over
	switch {
	case err != nil:
		z.checking.failed(err)
		z.updateNav()
		return
	case s.Outcome.Cancelled:
		z.checking.stopped()
		z.updateNav()
		return
	}
	z.checking.done()
	run := newShownRun(req, z.env, s)
	z.prev = z.before
	z.run = run
	z.idleBusy = false
	z.fix.reset()
	z.show(StepResult)
	// The self-test's server is on this computer: holding a quiet
	// connection to it proves nothing of the network, so it runs no idle
	// test.
	if z.eng.Idle != nil && req.IdleTest > 0 && run.Verdict.Works() && !z.selfTestOn(StepResult) {
		z.startIdle(run)
	}
}

// startIdle holds a connection open in the background while the result is
// on screen, with a countdown the result screen shows.
func (z *Wizard) startIdle(run *shownRun) {
	z.idleBusy = true
	z.result.idleStarted(time.Now().Add(run.Request.IdleTest))
	z.spawn("idle", func(ctx context.Context) {
		stopTick := z.ticking(ctx, idleTick, func() {
			if sameCheck(z.run, run) && z.idleBusy {
				z.result.idleTick()
				z.share.idleTick()
			}
		})
		done := z.eng.Idle(ctx, run.Session, run.Request.IdleTest)
		stopTick()
		skipped := ctx.Err() != nil || done == run.Session
		z.do(func() { z.finishIdle(run, done, skipped) })
	})
}

// SkipIdle stops the idle test (the Skip button).
func (z *Wizard) SkipIdle() { z.cancelTask("idle") }

// finishIdle shows the run with the idle test's result, diagnosed again,
// unless a newer run has taken its place.
func (z *Wizard) finishIdle(run *shownRun, done *session.Run, skipped bool) {
	if !sameCheck(z.run, run) || !z.idleBusy {
		return
	}
	z.idleBusy = false
	z.share.idleEnded()
	if skipped {
		z.result.idleSkipped()
		return
	}
	if z.run.Session != run.Session && done.Idle != nil {
		// The browser's answer came meanwhile: keep it too.
		done = z.run.Session.WithIdle(*done.Idle)
	}
	z.run = newShownRun(run.Request, run.Conn, done)
	z.result.update()
	if z.step == StepFix {
		z.fix.reset()
		z.fix.update()
	}
	z.updateNav()
}

// testAgain runs the same check again, for a before/after.
func (z *Wizard) testAgain() { z.startCheck() }

// sameCheck reports whether a and b show the same check: the idle test
// and the browser's answer each give a check a new shownRun.
func sameCheck(a, b *shownRun) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Session == b.Session || (a.Outcome.Started.Equal(b.Outcome.Started) && a.Outcome.Target.URL() == b.Outcome.Target.URL())
}

// ticking calls tick on Fyne's goroutine every interval, until stop is
// called or ctx ends; stop returns once no tick is left to come.
func (z *Wizard) ticking(ctx context.Context, every time.Duration, tick func()) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				z.do(tick)
			}
		}
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}
