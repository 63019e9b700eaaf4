package session

import (
	"context"
	"sync"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// SecureCounterpart is the wss:// twin of a plain ws:// target on the
// standard port: the same host and path on port 443. Many networks let
// encrypted WebSockets through where a firewall or proxy stops plain ones,
// and checking both tells that apart from a server that has none. Only a
// ws:// target on port 80 has one: another port gives no clue which port
// the encrypted service uses, and a wss:// target is never checked over
// plain ws://, which would send its headers and cookies unencrypted.
func SecureCounterpart(t engine.Target) (engine.Target, bool) {
	if t.Scheme != "ws" || t.Port != 80 {
		return engine.Target{}, false
	}
	s := t
	s.Scheme, s.Port = "wss", 443
	return s, true
}

// RunWithCounterpart runs rn on t and, at the same time and without
// events, the same check of t's SecureCounterpart if it has one (without
// the idle test). other is nil when there is none, when it could not run,
// or when t works: then it is cancelled as soon as t's run ends, so a
// healthy check takes no longer than one run.
func RunWithCounterpart(ctx context.Context, rn *engine.Runner, t engine.Target, opts engine.Options) (out engine.Outcome, other *engine.Outcome, err error) {
	sec, ok := SecureCounterpart(t)
	if !ok {
		out, err = rn.Run(ctx, t, opts)
		return out, nil, err
	}
	octx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg     sync.WaitGroup
		twin   engine.Outcome
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
func withoutIdle(probes []engine.Probe) []engine.Probe {
	if probes == nil {
		return nil
	}
	var out []engine.Probe
	for _, p := range probes {
		if p.Name != engine.ProbeIdle {
			out = append(out, p)
		}
	}
	return out
}
