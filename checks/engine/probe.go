package engine

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"github.com/gorilla/websocket"
)

// A Probe observes one thing about the path to the target. Probes only
// observe; what it means is decided by package diagnose.
type Probe struct {
	// Name is the probe's stable name, used in reports and dependencies.
	Name string
	// Needs are probes that must pass (or warn) before this one starts;
	// when one does not, this probe is skipped with the reason.
	Needs []string
	// After are probes that run at the same time as this one but explain
	// its failure: when one of them failed, this probe's own failure is
	// reported as a skip naming it, so one cause does not show as many red
	// rows. Its error and evidence are kept.
	After []string
	// Run does the probe. It must return by the time ctx is done.
	Run func(ctx context.Context, r *ProbeRun) Result
	// Timeout is the probe's own bound, from the options; nil means
	// Options.ProbeTimeout. The upgrade probe needs longer than the others
	// to tell a slow answer from none; the idle probe as long as asked.
	Timeout func(Options) time.Duration
	// Long marks a probe meant to outlast the run's deadline (the idle
	// probe): the deadline bounds its wait for its Needs, Timeout alone
	// bounds its run, and the quick probes never wait for it.
	Long bool
}

// timeout is p's own bound with opts.
func (p Probe) timeout(opts Options) time.Duration {
	if p.Timeout != nil {
		return p.Timeout(opts)
	}
	return opts.probeTimeout()
}

// DialFunc opens a network connection, like net.Dialer.DialContext.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// LookupFunc resolves a host name, like net.Resolver.LookupNetIP; network is
// "ip4" or "ip6".
type LookupFunc func(ctx context.Context, network, host string) ([]netip.Addr, error)

// ProbeRun is what a probe sees of the run it belongs to: the target, the options,
// the injected edges, the results of its Needs, and a stopwatch for phases.
type ProbeRun struct {
	// Target is what is checked.
	Target Target
	// Options are the user's settings.
	Options Options
	// TLS is loaded from the options' files.
	TLS TLSSetup

	shared *shared
	probe  string
	start  time.Time
	// life ends the probe's connections: the run's deadline, or the
	// caller's context for a Long probe (see lifetime.go).
	life context.Context

	// direct makes DialTarget ignore the proxy (upgrade_direct), and
	// noKeep makes KeepConn close the connection instead of keeping it.
	direct, noKeep bool

	mu       sync.Mutex
	timings  []Timing
	notes    Evidence
	viaProxy bool
}

// shared is the state all probes of one run see.
type shared struct {
	settings func(ctx context.Context) netenv.Settings
	firefox  func() (netenv.FirefoxProxy, bool)
	dial     DialFunc
	lookup   LookupFunc
	now      func() time.Time
	emit     func(Event)

	// route is the proxy decision, worked out once, on first use;
	// routeKnown reports whether it has been.
	route      func() netenv.Route
	routeKnown func() bool

	mu       sync.Mutex
	results  map[string]Result
	viaProxy map[string]bool
	addrs    []netip.Addr
	ws       *websocket.Conn

	// conns closes every connection when its probe's life ends.
	conns lifetimes
}

// Now is the run's clock.
func (r *ProbeRun) Now() time.Time { return r.shared.now() }

// Since is the time since t on the run's clock.
func (r *ProbeRun) Since(t time.Time) time.Duration { return r.shared.now().Sub(t) }

// Dial opens a connection with the run's dialer.
func (r *ProbeRun) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := r.shared.dial(ctx, network, addr)
	if err == nil {
		r.shared.conns.bind(r.life, c)
	}
	return c, err
}

// Lookup resolves host with the run's resolver.
func (r *ProbeRun) Lookup(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return r.shared.lookup(ctx, network, host)
}

// SetAddrs records the target's addresses, for the probes that dial it.
func (r *ProbeRun) SetAddrs(a []netip.Addr) {
	r.shared.mu.Lock()
	r.shared.addrs = append([]netip.Addr(nil), a...)
	r.shared.mu.Unlock()
}

// Addrs are the target's addresses as found by the dns probe (for an IP
// target, the IP itself).
func (r *ProbeRun) Addrs() []netip.Addr {
	r.shared.mu.Lock()
	defer r.shared.mu.Unlock()
	if len(r.shared.addrs) == 0 {
		if ip, err := netip.ParseAddr(r.Target.Host); err == nil {
			return []netip.Addr{ip}
		}
	}
	return append([]netip.Addr(nil), r.shared.addrs...)
}

// KeepConn hands an open WebSocket to the probes that follow (echo). The
// runner closes it when the run ends if no probe took it.
func (r *ProbeRun) KeepConn(c *websocket.Conn) {
	if r.noKeep {
		c.Close()
		return
	}
	r.shared.mu.Lock()
	old := r.shared.ws
	r.shared.ws = c
	r.shared.mu.Unlock()
	if old != nil {
		old.Close()
	}
}

// TakeConn takes the WebSocket kept by KeepConn; the caller closes it.
func (r *ProbeRun) TakeConn() *websocket.Conn {
	r.shared.mu.Lock()
	defer r.shared.mu.Unlock()
	c := r.shared.ws
	r.shared.ws = nil
	return c
}

// Begin starts timing phase p and tells the listeners; the returned function
// ends it. Safe to call from several goroutines.
func (r *ProbeRun) Begin(p Phase) (end func()) {
	t0 := r.Now()
	r.shared.emit(Event{Kind: EventPhase, Probe: r.probe, Phase: p, Time: t0})
	var once sync.Once
	return func() {
		once.Do(func() {
			t := Timing{Phase: p, Start: t0.Sub(r.start), Duration: r.Since(t0)}
			r.mu.Lock()
			r.timings = append(r.timings, t)
			r.mu.Unlock()
		})
	}
}

// Record adds a phase timing measured elsewhere (from httptrace, say).
func (r *ProbeRun) Record(p Phase, start time.Time, d time.Duration) {
	r.mu.Lock()
	r.timings = append(r.timings, Timing{Phase: p, Start: start.Sub(r.start), Duration: d})
	r.mu.Unlock()
}

// Route is how connections to the target go (directly or through which
// proxy, and which setting said so), worked out once per run from
// Options.Proxy.
func (r *ProbeRun) Route() netenv.Route {
	if r.shared.route == nil {
		return netenv.Route{}
	}
	return r.shared.route()
}

// Note adds evidence to this probe's result from code the probe calls
// (DialTarget notes what the proxy said). The probe's own keys win.
func (r *ProbeRun) Note(key, value string) {
	r.mu.Lock()
	r.notes.Set(key, value)
	r.mu.Unlock()
}

// Result starts a result for this probe.
func (r *ProbeRun) Result() Result {
	return Result{Probe: r.probe, Started: r.start}
}

func (r *ProbeRun) finish(res Result) Result {
	res.Probe = r.probe
	res.Started = r.start
	res.Duration = r.Since(r.start)
	r.mu.Lock()
	if len(res.Timings) == 0 {
		res.Timings = append([]Timing(nil), r.timings...)
	}
	for _, kv := range r.notes {
		if _, ok := res.Evidence.Get(kv.Key); !ok {
			res.Evidence = append(res.Evidence, kv)
		}
	}
	via := r.viaProxy
	r.mu.Unlock()
	if via {
		r.shared.mu.Lock()
		r.shared.viaProxy[r.probe] = true
		r.shared.mu.Unlock()
	}
	return res
}
