package checks

import (
	"context"
	"sync"
)

// SecureCounterpart is the wss:// twin of a plain ws:// target on the
// standard port: the same host and path on port 443. Many networks let
// encrypted WebSockets through where a firewall or proxy stops plain ones,
// and checking both tells that apart from a server that has none. Only a
// ws:// target on port 80 has one: another port gives no clue which port
// the encrypted service uses, and a wss:// target is never checked over
// plain ws://, which would send its headers and cookies unencrypted.
func (t Target) SecureCounterpart() (Target, bool) {
	if t.Scheme != "ws" || t.Port != 80 {
		return Target{}, false
	}
	s := t
	s.Scheme, s.Port = "wss", 443
	return s, true
}

// Works reports whether the run opened a WebSocket and, when it tried,
// got messages through: the upgrade passed and the echo, if it ran, too
// (a warning counts as passing).
func (o Outcome) Works() bool {
	up, _ := o.Result(ProbeUpgrade)
	echo, hasEcho := o.Result(ProbeEcho)
	return up.OK() && (!hasEcho || echo.OK())
}

// RunWithCounterpart runs rn on t and, at the same time and without
// events, the same check of t's SecureCounterpart if it has one (without
// the idle test). other is nil when there is none, when it could not run,
// or when t works: then it is cancelled as soon as t's run ends, so a
// healthy check takes no longer than one run.
func RunWithCounterpart(ctx context.Context, rn *Runner, t Target, opts Options) (out Outcome, other *Outcome, err error) {
	sec, ok := t.SecureCounterpart()
	if !ok {
		out, err = rn.Run(ctx, t, opts)
		return out, nil, err
	}
	octx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg     sync.WaitGroup
		twin   Outcome
		twinOK bool
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		o := opts
		o.Idle = 0
		quiet := *rn
		quiet.OnEvent = nil
		quiet.Probes = withoutIdle(rn.Probes)
		r, err := quiet.Run(octx, sec, o)
		twin, twinOK = r, err == nil && !r.Cancelled
	}()
	out, err = rn.Run(ctx, t, opts)
	if err != nil || out.Works() || out.Cancelled {
		cancel()
	}
	wg.Wait()
	if err != nil || out.Works() || out.Cancelled || !twinOK {
		return out, nil, err
	}
	return out, &twin, nil
}

// withoutIdle is probes without the idle probe; nil stays nil (the
// default probes, which have none).
func withoutIdle(probes []Probe) []Probe {
	if probes == nil {
		return nil
	}
	var out []Probe
	for _, p := range probes {
		if p.Name != "idle" {
			out = append(out, p)
		}
	}
	return out
}
