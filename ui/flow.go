package ui

import (
	"context"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
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
	req := z.req
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
		out, err := z.eng.Check(ctx, req, z.bridge(z.checking.onEvent))
		if err == nil && !out.Cancelled && z.settle > 0 {
			z.do(z.checking.done)
			select {
			case <-time.After(z.settle):
			case <-ctx.Done():
			}
		}
		z.do(func() { z.finishCheck(req, out, err) })
	})
}

// finishCheck shows how a check ended.
func (z *Wizard) finishCheck(req Request, out checks.Outcome, err error) {
	z.running = false
	switch {
	case err != nil:
		z.checking.failed(err)
		z.updateNav()
		return
	case out.Cancelled:
		z.checking.stopped()
		z.updateNav()
		return
	}
	z.checking.done()
	run := &Run{Request: req, Env: z.env, Outcome: out}
	z.diagnose(run)
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

// diagnose sets the run's findings and verdict from its outcome.
func (z *Wizard) diagnose(run *Run) {
	run.Findings = nil
	if z.eng.Diagnose != nil {
		run.Findings = z.eng.Diagnose(run.Outcome, run.Env)
	}
	run.Verdict = verdictOf(run.Outcome, run.Findings)
}

// verdictOf is the run's verdict: whether a WebSocket worked, and, when it
// did, whether a finding asks for attention (a proxy that closed the idle
// connection, say).
func verdictOf(o checks.Outcome, findings []diagnose.Finding) diagnose.Verdict {
	v := diagnose.VerdictOf(o)
	if v == diagnose.Works {
		for _, f := range findings {
			if f.Severity == diagnose.SeverityProblem || f.Severity == diagnose.SeverityWarning {
				return diagnose.WorksWithWarnings
			}
		}
	}
	return v
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
		res := z.eng.Idle(ctx, run.Request)
		stopTick()
		ticker.Wait()
		skipped := ctx.Err() != nil
		z.do(func() { z.finishIdle(run, res, skipped) })
	})
}

// SkipIdle stops the idle test (the Skip button).
func (z *Wizard) SkipIdle() { z.cancelTask("idle") }

// finishIdle adds the idle test's result to its run and diagnoses again,
// unless a newer run has taken its place.
func (z *Wizard) finishIdle(run *Run, res checks.Result, skipped bool) {
	if z.run != run || !z.idleBusy {
		return
	}
	z.idleBusy = false
	if skipped {
		z.result.idleSkipped()
		return
	}
	if res.Probe == "" {
		res.Probe = "idle"
	}
	run.Idle = &res
	replaced := false
	for i, r := range run.Outcome.Results {
		if r.Probe == res.Probe {
			run.Outcome.Results[i], replaced = res, true
		}
	}
	if !replaced {
		run.Outcome.Results = append(run.Outcome.Results, res)
	}
	z.diagnose(run)
	z.result.update()
	if z.step == StepFix {
		z.fix.reset()
		z.fix.update()
	}
	z.updateNav()
}

// testAgain runs the same check again, for a before/after.
func (z *Wizard) testAgain() { z.startCheck() }
