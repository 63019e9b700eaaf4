package session

import (
	"context"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// WatchRequest is how a watch (issue 24) runs after a check.
type WatchRequest struct {
	// For is how long to watch; zero watches until the context ends.
	For time.Duration
	// PingEvery and DataEvery are the ping and busy connections'
	// intervals, SampleEvery how often the machine is asked what changed;
	// zero means 25 s, 25 s and 10 s.
	PingEvery, DataEvery, SampleEvery time.Duration
}

// DefaultSampleEvery is how often a watch asks the machine what changed.
const DefaultSampleEvery = 10 * time.Second

// Sampler reads, each time it is called, what can change under a watch's
// connections to one target (route, interface, Wi-Fi, VPN, proxy, PAC,
// DNS) and returns what changed since its last call as WatchChange events
// (What, From, To; none the first time). A watch makes one with
// Checker.NewSampler and calls it from one goroutine, every SampleEvery,
// within ctx.
type Sampler func(ctx context.Context) []engine.WatchEvent

// Watch keeps the three watch connections (engine.WatchProbe) open to the
// run's target, through the route its check took, for w.For or until ctx
// ends, and returns the run with the watch's log, diagnosed again: what
// was seen so far is kept either way. Every SampleEvery it asks the
// machine what changed (Checker.NewSampler; nil: MachineSampler). onEvent
// (nil: none) sees each event as it is logged, one call at a time; it
// must return quickly.
func (c *Checker) Watch(ctx context.Context, run *Run, w WatchRequest, onEvent func(engine.WatchEvent)) *Run {
	req := run.Request
	// The watch goes where the check went, as the idle test does; the
	// self-test's server has stopped with the check, so it gets a new one.
	req.SelfTest = run.Scope == ScopeSelfTest
	wo := engine.WatchOptions{For: w.For, PingEvery: orDefault(w.PingEvery, engine.DefaultWatchEvery), DataEvery: orDefault(w.DataEvery, engine.DefaultWatchEvery)}
	l := &watchLog{onEvent: onEvent}
	l.log.Target = engine.RedactURLText(run.Outcome.Target.String())
	l.log.PingEvery, l.log.DataEvery = wo.PingEvery, wo.DataEvery
	l.log.Start = time.Now()
	t, _, stop, err := c.target(req)
	if err != nil {
		l.add(engine.WatchEvent{At: time.Now(), Kind: engine.WatchStart})
		l.add(engine.WatchEvent{At: time.Now(), Kind: engine.WatchStop, Detail: "error: " + engine.RedactURLText(err.Error())})
		return run.WithWatch(l.done())
	}
	defer stop()

	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	sample := c.sampler(t, req)
	every := orDefault(w.SampleEvery, DefaultSampleEvery)
	wg.Go(func() { l.sample(wctx, sample, every) })
	_, err = (&engine.Runner{}).Watch(wctx, t, req.Options(), wo, l.add)
	cancel()
	wg.Wait()
	if err != nil {
		l.add(engine.WatchEvent{At: time.Now(), Kind: engine.WatchStop, Detail: "error: " + engine.RedactURLText(err.Error())})
	}
	return run.WithWatch(l.done())
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// watchLog is a watch's log as it grows: the engine's events and the
// sampler's, one at a time.
type watchLog struct {
	mu      sync.Mutex
	log     engine.WatchLog
	onEvent func(engine.WatchEvent)
}

func (l *watchLog) add(e engine.WatchEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.At.IsZero() {
		e.At = time.Now()
	}
	l.log.Add(e)
	if l.onEvent != nil {
		l.onEvent(e)
	}
}

// sample asks the machine what changed every every until ctx ends. The
// first reading is the baseline.
func (l *watchLog) sample(ctx context.Context, sample Sampler, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		for _, e := range sample(ctx) {
			if ctx.Err() != nil {
				return
			}
			e.Kind, e.Conn = engine.WatchChange, ""
			l.add(e)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// done is the finished log.
func (l *watchLog) done() engine.WatchLog {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.log.End = time.Now()
	return l.log.Copy()
}

// WithWatch is a copy of run with a watch's log in place of any earlier
// one, diagnosed again.
func (r *Run) WithWatch(log engine.WatchLog) *Run {
	n := *r
	n.Watch = &log
	n.diagnose()
	return &n
}
