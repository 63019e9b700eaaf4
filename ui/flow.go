package ui

import (
	"context"
	"sync"
	"time"

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
	if z.eng.Environment == nil {
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
		env, err := z.eng.Environment(ctx, req)
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
	z.checking.reset(req)
	z.show(StepChecking)
	z.spawn("check", func(ctx context.Context) {
		sreq, err := req.session()
		var run *session.Run
		if err == nil {
			run, err = z.eng.Check(ctx, sreq, z.bridge(z.checking.onEvent))
		}
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

// finishCheck shows how a check ended.
func (z *Wizard) finishCheck(req Request, s *session.Run, err error) {
	z.running = false
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
	run := newRun(req, z.env, s)
	z.prev = nil
	if z.run != nil && z.run.Request.Address == req.Address {
		z.prev = z.run
	}
	z.run = run
	z.idleBusy = false
	z.fix.reset()
	z.show(StepResult)
	if z.eng.Idle != nil && req.IdleTest > 0 && run.Verdict.Works() {
		z.startIdle(run)
	}
}

// startIdle holds a connection open in the background while the result is
// on screen, with a countdown the result screen shows.
func (z *Wizard) startIdle(run *Run) {
	z.idleBusy = true
	z.result.idleStarted(time.Now().Add(run.Request.IdleTest))
	z.spawn("idle", func(ctx context.Context) {
		tickCtx, stopTick := context.WithCancel(ctx)
		var ticker sync.WaitGroup
		ticker.Add(1)
		go func() {
			defer ticker.Done()
			t := time.NewTicker(idleTick)
			defer t.Stop()
			for {
				select {
				case <-tickCtx.Done():
					return
				case <-t.C:
					z.do(func() {
						if z.run == run && z.idleBusy {
							z.result.idleTick()
						}
					})
				}
			}
		}()
		done := z.eng.Idle(ctx, run.Session, run.Request.IdleTest)
		stopTick()
		ticker.Wait()
		skipped := ctx.Err() != nil || done == run.Session
		z.do(func() { z.finishIdle(run, done, skipped) })
	})
}

// SkipIdle stops the idle test (the Skip button).
func (z *Wizard) SkipIdle() { z.cancelTask("idle") }

// finishIdle shows the run with the idle test's result, diagnosed again,
// unless a newer run has taken its place.
func (z *Wizard) finishIdle(run *Run, done *session.Run, skipped bool) {
	if z.run != run || !z.idleBusy {
		return
	}
	z.idleBusy = false
	if skipped {
		z.result.idleSkipped()
		return
	}
	z.run = newRun(run.Request, run.Env, done)
	z.result.update()
	if z.step == StepFix {
		z.fix.reset()
		z.fix.update()
	}
	z.updateNav()
}

// testAgain runs the same check again, for a before/after.
func (z *Wizard) testAgain() { z.startCheck() }
