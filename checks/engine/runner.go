package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// Runner runs probes against a target. The zero value runs DefaultProbes
// with the system's dialer, resolver and clock; tests replace the edges.
type Runner struct {
	// Probes to run; nil means DefaultProbes().
	Probes []Probe
	// Dial opens connections; nil means a net.Dialer.
	Dial DialFunc
	// Lookup resolves names; nil means net.DefaultResolver.
	Lookup LookupFunc
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Route works out how connections to the target go; nil means
	// RouteFor, which reads the machine's proxy settings when
	// Options.Proxy is "system".
	Route func(ctx context.Context, target Target, opts Options) netenv.Route
	// Settings reads the machine's proxy settings for the proxy probe's
	// evidence; nil means netenv.ReadSettings.
	Settings func(ctx context.Context) netenv.Settings
	// Firefox reads the default Firefox profile's proxy setting for the
	// proxy probe's evidence; nil means netenv.ReadFirefoxProxy.
	Firefox func() (netenv.FirefoxProxy, bool)
	// OnEvent receives progress. Calls are serialised, so it needs no lock
	// of its own, and must return quickly: it runs on the probes' time.
	OnEvent func(Event)
}

// DefaultProbes are the probes of a quick check, in report order. Runner
// adds H2Probe to them for a wss:// target, unless Options.NoH2 is set,
// FallbackProbe for a framework's address whose fallback it speaks
// (FallbackApplies), and IdleProbe when Options.Idle is set.
func DefaultProbes() []Probe {
	return []Probe{
		DNSProbe(),
		TCPProbe(),
		ProxyProbe(),
		TLSProbe(),
		HTTPProbe(),
		UpgradeProbe(),
		UpgradeDirectProbe(),
		EchoProbe(),
	}
}

// Run checks target with opts. Probes run concurrently as their Needs allow;
// Run returns when every probe has ended, and no goroutine it started is
// left running. Cancelling ctx stops every probe at once.
func (rn *Runner) Run(ctx context.Context, target Target, opts Options) (Outcome, error) {
	if err := opts.validate(); err != nil {
		return Outcome{}, err
	}
	tlsSetup, err := opts.LoadTLS()
	if err != nil {
		return Outcome{}, err
	}
	if target.Secure() {
		defer tlsSetup.Warm()()
	}
	probes := rn.Probes
	if probes == nil {
		probes = DefaultProbes()
		if target.Secure() && !opts.NoH2 {
			probes = append(probes, H2Probe())
		}
		if FallbackApplies(target, opts) {
			probes = append(probes, FallbackProbe())
		}
		if opts.Idle > 0 {
			probes = append(probes, IdleProbe())
		}
	}
	if err := validateGraph(probes); err != nil {
		return Outcome{}, err
	}
	sh := &shared{
		settings: rn.Settings,
		firefox:  rn.Firefox,
		dial:     rn.Dial,
		lookup:   rn.Lookup,
		now:      rn.Now,
		results:  map[string]Result{},
		viaProxy: map[string]bool{},
	}
	if sh.firefox == nil {
		sh.firefox = netenv.ReadFirefoxProxy
	}
	if sh.settings == nil {
		sh.settings = func(ctx context.Context) netenv.Settings { return netenv.ReadSettings(ctx, nil) }
	}
	if sh.dial == nil {
		d := &net.Dialer{}
		sh.dial = d.DialContext
	}
	if sh.lookup == nil {
		sh.lookup = net.DefaultResolver.LookupNetIP
	}
	if sh.now == nil {
		sh.now = time.Now
	}
	var emitMu sync.Mutex
	sh.emit = func(e Event) {
		if rn.OnEvent == nil {
			return
		}
		emitMu.Lock()
		defer emitMu.Unlock()
		rn.OnEvent(e)
	}

	out := Outcome{Target: target, Options: opts, Started: sh.now()}
	runCtx, cancel := context.WithTimeout(ctx, opts.deadline())
	defer cancel()
	// The machine's settings are read once a run (on Linux that starts
	// gsettings, about 15 ms): the route and the proxy probe share them.
	readSettings := sh.settings
	settingsOnce := sync.OnceValue(func() netenv.Settings {
		sctx, cancel := context.WithTimeout(runCtx, RouteTimeout)
		defer cancel()
		return readSettings(sctx)
	})
	sh.settings = func(context.Context) netenv.Settings { return settingsOnce() }
	routeFor := rn.Route
	if routeFor == nil {
		routeFor = func(ctx context.Context, t Target, opts Options) netenv.Route {
			rv := &netenv.Resolver{}
			if opts.Proxy.Kind == netenv.ModeSystem {
				s := sh.settings(ctx)
				rv.Settings = &s
			}
			return rv.Route(ctx, opts.Proxy, t.Secure(), t.Host, t.Port, t.Path)
		}
	}
	var routed struct {
		sync.Mutex
		route *netenv.Route
	}
	sh.route = sync.OnceValue(func() netenv.Route {
		rctx, cancel := context.WithTimeout(runCtx, RouteTimeout)
		defer cancel()
		r := routeFor(rctx, target, opts)
		routed.Lock()
		routed.route = &r
		routed.Unlock()
		return r
	})
	sh.routeKnown = func() bool {
		routed.Lock()
		defer routed.Unlock()
		return routed.route != nil
	}

	done := make(map[string]chan struct{}, len(probes))
	for _, p := range probes {
		done[p.Name] = make(chan struct{})
	}
	results := make([]Result, len(probes))
	// The quick probes are waited for first: the deadline is theirs, and
	// a long probe running past it has not hit it.
	var quick, long sync.WaitGroup
	for i, p := range probes {
		wg := &quick
		if p.Long {
			wg = &long
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[p.Name])
			res := rn.runOne(ctx, runCtx, p, done, sh, target, opts, tlsSetup)
			sh.mu.Lock()
			sh.results[p.Name] = res
			sh.mu.Unlock()
			results[i] = res
			sh.emit(Event{Kind: EventFinished, Probe: p.Name, Result: &res, Time: sh.now()})
		}()
	}
	quick.Wait()
	deadlineHit := errors.Is(runCtx.Err(), context.DeadlineExceeded)
	long.Wait()
	sh.conns.release()
	if c := (&ProbeRun{shared: sh}).TakeConn(); c != nil {
		c.Close()
	}
	out.Results = results
	routed.Lock()
	out.Route = routed.route
	routed.Unlock()
	out.Finished = sh.now()
	out.Cancelled = ctx.Err() != nil
	out.DeadlineHit = !out.Cancelled && deadlineHit
	return out, nil
}

// runOne waits for p's needs (within the run's deadline, runCtx), runs it
// under its own timeout and settles its status against the probes it comes
// after. A Long probe runs under parent, the caller's context, instead of
// the deadline.
func (rn *Runner) runOne(parent, runCtx context.Context, p Probe, done map[string]chan struct{}, sh *shared, target Target, opts Options, ts TLSSetup) Result {
	ctx := runCtx
	skip := func(code, format string, args ...any) Result {
		return Result{Probe: p.Name, Status: Skip, Code: code, Reason: fmt.Sprintf(format, args...), Started: sh.now()}
	}
	for _, n := range p.Needs {
		select {
		case <-done[n]:
		case <-ctx.Done():
			return skip(stopCode(ctx), "stopped before it started (%s)", stopWhy(ctx))
		}
		sh.mu.Lock()
		nr := sh.results[n]
		sh.mu.Unlock()
		if !nr.OK() && !(n == ProbeDNS && viaResolvingProxy(p.Name, sh)) {
			return skip("needs_"+n, "needs %s, which %s", n, outcomeWords(nr))
		}
	}
	if ctx.Err() != nil {
		return skip(stopCode(ctx), "stopped before it started (%s)", stopWhy(ctx))
	}
	if p.Long {
		ctx = parent
	}
	r := &ProbeRun{Target: target, Options: opts, TLS: ts, shared: sh, probe: p.Name, start: sh.now(), life: ctx}
	sh.emit(Event{Kind: EventStarted, Probe: p.Name, Time: r.start})
	pctx, cancel := context.WithTimeout(ctx, p.timeout(opts))
	stopWatch := watchAfter(p, done, sh, cancel)
	res := r.finish(p.Run(pctx, r))
	stopWatch()
	cancel()
	if res.Status == "" {
		res.Status = Fail
		res.Reason = "probe returned no status"
	}
	if res.Status == Fail && ctx.Err() != nil && res.Code == "" {
		res.Code = stopCode(ctx)
	}
	if res.Status != Fail {
		return res
	}
	for _, a := range p.After {
		if done[a] == nil {
			continue
		}
		<-done[a]
		sh.mu.Lock()
		ar := sh.results[a]
		// A probe that went through the proxy is not explained by one
		// that went direct (tcp), nor the other way round.
		samePath := sh.viaProxy[p.Name] == sh.viaProxy[a]
		sh.mu.Unlock()
		if ar.Status == Fail && samePath {
			// The code names the cause, so the diagnosis counts it once;
			// what this probe saw itself stays in the evidence.
			if res.Code != "" {
				res.Evidence.Set("own_code", res.Code)
			}
			res.Status, res.Code = Skip, "after_"+a
			res.Reason = fmt.Sprintf("not tested on its own: %s %s", a, outcomeWords(ar))
			return res
		}
	}
	return res
}

// watchAfter stops p as soon as a probe it comes after times out on the
// same, direct path: a port that drops packets then costs one probe timeout, not
// the tcp probe's and then the upgrade's longer one. p's result is settled
// as a skip "after_" that probe, as if it had failed on its own. stop ends
// the watch.
func watchAfter(p Probe, done map[string]chan struct{}, sh *shared, cancel context.CancelFunc) (stop func()) {
	var after []chan struct{}
	var names []string
	for _, a := range p.After {
		if done[a] != nil {
			after, names = append(after, done[a]), append(names, a)
		}
	}
	if len(after) == 0 {
		return func() {}
	}
	quit := make(chan struct{})
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		for i, ch := range after {
			select {
			case <-quit:
				return
			case <-ch:
			}
			sh.mu.Lock()
			ar, via := sh.results[names[i]], sh.viaProxy[names[i]]
			sh.mu.Unlock()
			// Only a timeout: a quicker failure (refused, reset) ends p
			// as quickly on its own, with what p saw itself.
			if ar.Status == Fail && ar.Code == CodeTimeout && !via && sh.route().Proxy() == nil {
				cancel()
				return
			}
		}
	}()
	return func() { close(quit); <-ended }
}

// validateGraph rejects unknown names and cycles, which would deadlock.
func validateGraph(probes []Probe) error {
	idx := map[string]int{}
	for i, p := range probes {
		if p.Name == "" || p.Run == nil {
			return fmt.Errorf("run: probe %d has no name or no Run", i)
		}
		if _, dup := idx[p.Name]; dup {
			return fmt.Errorf("run: probe %q is listed twice", p.Name)
		}
		idx[p.Name] = i
	}
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("run: probe dependencies form a cycle through %q", n)
		case 2:
			return nil
		}
		state[n] = 1
		p := probes[idx[n]]
		for _, d := range p.Needs {
			if _, ok := idx[d]; !ok {
				return fmt.Errorf("run: probe %q needs unknown probe %q", n, d)
			}
		}
		for _, d := range append(append([]string(nil), p.Needs...), p.After...) {
			if _, ok := idx[d]; !ok {
				continue // an After probe left out of the run explains nothing
			}
			if err := visit(d); err != nil {
				return err
			}
		}
		state[n] = 2
		return nil
	}
	for _, p := range probes {
		if err := visit(p.Name); err != nil {
			return err
		}
	}
	return nil
}

func outcomeWords(r Result) string {
	verb := "failed"
	if r.Status == Skip {
		verb = "was skipped"
	}
	why := r.Reason
	if why == "" {
		why = r.Error
	}
	if why == "" {
		return verb
	}
	return verb + ": " + why
}

func stopCode(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return CodeDeadline
	}
	return "cancelled"
}

func stopWhy(ctx context.Context) string {
	if stopCode(ctx) == CodeDeadline {
		return "the run's time limit was reached"
	}
	return "the run was cancelled"
}

// viaResolvingProxy reports whether probe dials through a proxy that looks
// the target's name up itself, so it can run when this computer's own
// lookup failed: common at work, where only the proxy resolves outside
// names. The tcp probe and the direct upgrade go direct and still need
// this computer's lookup, and a SOCKS4 proxy needs an address.
func viaResolvingProxy(probe string, sh *shared) bool {
	switch probe {
	case ProbeTLS, ProbeHTTP, ProbeUpgrade:
	default:
		return false
	}
	if sh.route == nil {
		return false
	}
	p := sh.route().Proxy()
	return p != nil && p.Scheme != "socks4"
}
