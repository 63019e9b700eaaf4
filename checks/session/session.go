package session

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// Checker runs checks. The zero value reads this machine and uses no
// preset; the fields that read the machine are there for tests.
type Checker struct {
	// Tool names the program in reports.
	Tool report.Tool
	// Preset is used by requests that carry none.
	Preset *preset.Preset
	// ReadVPN and ReadOSVersion read this computer beside the run; nil
	// means netenv's readers.
	ReadVPN       func(ctx context.Context) netenv.VPN
	ReadOSVersion func(ctx context.Context) string
	// ReadCaptive asks the OS whether the network wants a sign-in (a
	// captive portal); nil means netenv.ReadCaptive.
	ReadCaptive func(ctx context.Context) netenv.Captive
	// MachineTimeout bounds that reading; zero means engine.MachineTimeout.
	MachineTimeout time.Duration
	// Resolver works out proxy routes for Connection; nil reads the
	// machine's settings.
	Resolver *netenv.Resolver
	// Words are the person's words, chosen once by the caller: the
	// reports' and the browser page's; nil means English.
	Words *i18n.Words
	// NewSampler makes the Sampler of a watch of t: what changed under
	// its connections, every WatchRequest.SampleEvery. nil:
	// MachineSampler, with ReadVPN.
	NewSampler func(t engine.Target) Sampler
	// Findings are the findings' words in the person's language; nil
	// means those of Words' language. AdminFindings are the words of the
	// note for the IT team; nil means the preset's support_language, else
	// English.
	Findings, AdminFindings *diagnose.Catalogue
}

// Machine is what a check read of this computer beside the run.
type Machine struct {
	// VPN is nil when it was not read in time.
	VPN       *netenv.VPN
	OSVersion string
	// Captive is what the OS says of a sign-in the network wants.
	Captive netenv.Captive
}

// Run is one finished check and everything shown of it.
type Run struct {
	Request Request
	Scope   Scope
	Outcome engine.Outcome
	// Other is the wss:// check made beside a ws:// address that failed
	// (see RunWithCounterpart); nil when there was none.
	Other   *engine.Outcome
	Machine Machine
	// Idle is the result of an idle test run after the check
	// (Checker.Idle); nil until one ended. It is also in Outcome.Results.
	Idle *engine.Result
	// Watch is the log of a watch run after the check (Checker.Watch);
	// nil when none ran.
	Watch *engine.WatchLog
	// Browser is the person's own browser's answer on the same address
	// (Checker.Browser); nil until one came.
	Browser *browser.Result
	// Diagnosis is the one diagnosis of all of the above.
	Diagnosis diagnose.Diagnosis
	// Tool names the program in the run's reports.
	Tool report.Tool
	// words, findings and adminFindings are the languages the run was
	// made in (see Checker), for diagnosing it again and for its reports.
	words                   *i18n.Words
	findings, adminFindings *diagnose.Catalogue
}

// Verdict is the run's verdict.
func (r *Run) Verdict() diagnose.Verdict { return r.Diagnosis.Verdict }

func (c *Checker) request(req Request) Request {
	if req.Preset == nil {
		req.Preset = c.Preset
	}
	return req
}

// Target is the target req checks, with the reference server of the
// self-test started on this computer until stop is called.
func (c *Checker) target(req Request) (t engine.Target, plan Plan, stop func(), err error) {
	plan, stop = PlanOf(req), func() {}
	raw := plan.Address
	if plan.Scope == ScopeSelfTest {
		srv, err := refserver.Start("127.0.0.1:0", "", "")
		if err != nil {
			return t, plan, stop, fmt.Errorf("self-test: %w", err)
		}
		stop, raw = func() { srv.Close() }, srv.URL
	}
	t, err = engine.ParseTarget(raw)
	if err != nil {
		stop()
		return t, plan, func() {}, err
	}
	return t, plan, stop, nil
}

// Check runs one check of req and diagnoses it, reporting progress
// through onEvent (nil: none) from any goroutine. A ws:// address on port
// 80 is checked over wss:// at the same time, and this computer's VPN and
// OS release are read alongside. The error is for a request that cannot
// run (a bad address, options no run can honour); a check that finds a
// problem returns a Run that says so.
func (c *Checker) Check(ctx context.Context, req Request, onEvent func(engine.Event)) (*Run, error) {
	req = c.request(req)
	if err := req.Check(); err != nil {
		return nil, err
	}
	t, plan, stop, err := c.target(req)
	if err != nil {
		return nil, err
	}
	defer stop()
	wait, stopMachine := c.readMachine(ctx)
	defer stopMachine()
	// The findings' words (2-4 ms of a processor) and the report's
	// patterns are made ready while the network is waited for: once the
	// check's WebSocket is on its way, so that they do not hold up its
	// setting out on a two-processor machine, and not after the network
	// answered. languages below waits for them; a run with no upgrade
	// makes them then.
	var warm sync.Once
	var warming sync.WaitGroup
	defer warming.Wait()
	events := func(e engine.Event) {
		if e.Kind == engine.EventPhase && e.Probe == engine.ProbeUpgrade {
			warm.Do(func() {
				warming.Go(func() {
					c.languages(req)
					report.Warm()
				})
			})
		}
		if onEvent != nil {
			onEvent(e)
		}
	}
	rn := &engine.Runner{OnEvent: events}
	out, other, err := RunWithCounterpart(ctx, rn, t, req.Options())
	if err != nil {
		return nil, err
	}
	run := &Run{Request: req, Scope: plan.Scope, Outcome: out, Other: other, Machine: wait(), Tool: c.Tool}
	run.words, run.findings, run.adminFindings = c.languages(req)
	run.diagnose()
	return run, nil
}

// languages are the words a check of req is shown in: the Checker's,
// with what it leaves nil filled in (see Checker).
func (c *Checker) languages(req Request) (words *i18n.Words, findings, admin *diagnose.Catalogue) {
	words, findings, admin = c.Words, c.Findings, c.AdminFindings
	if words == nil {
		words = i18n.English()
	}
	if findings == nil {
		findings = diagnose.MustCatalogue(words.Lang)
	}
	if admin == nil {
		support := ""
		if req.Preset != nil {
			support = req.Preset.SupportLanguage
		}
		admin = diagnose.MustCatalogue(i18n.Choose(support))
	}
	return words, findings, admin
}

// Idle holds WebSockets to the run's target open and quiet for length
// and returns the run with that result, diagnosed again. It returns run
// itself when ctx ends first (the person skipped it).
func (c *Checker) Idle(ctx context.Context, run *Run, length time.Duration) *Run {
	req := run.Request
	// The idle test goes where the check went (the request plans the same
	// target again, credentials included); the self-test's server has
	// stopped with the check, so it gets a new one.
	req.SelfTest = run.Scope == ScopeSelfTest
	t, _, stop, err := c.target(req)
	if err != nil {
		return run.WithIdle(engine.Result{Probe: engine.ProbeIdle, Status: engine.Skip, Code: engine.CodeCancelled, Reason: err.Error()})
	}
	defer stop()
	opts := req.Options()
	opts.Idle = length
	out, err := (&engine.Runner{Probes: engine.IdleProbes()}).Run(ctx, t, opts)
	if ctx.Err() != nil {
		return run
	}
	if err != nil {
		return run.WithIdle(engine.Result{Probe: engine.ProbeIdle, Status: engine.Skip, Code: engine.CodeCancelled, Reason: err.Error()})
	}
	r, _ := out.Result(engine.ProbeIdle)
	return run.WithIdle(r)
}

// Browser opens the run's address in the person's own browser through a
// page served on this computer (package checks/browser), with open (the
// system's browser), and returns the run with the browser's answer beside
// the check's, diagnosed again. The self-test gets a new reference server:
// the check's has stopped with it.
func (c *Checker) Browser(ctx context.Context, run *Run, open func(url string) error) (*Run, error) {
	return c.BrowserWatch(ctx, run, open, nil)
}

// BrowserWatch is Browser that calls notLoaded with the test page's
// address when no browser has loaded it browser.LoadWait after open (see
// browser.TestWatch).
func (c *Checker) BrowserWatch(ctx context.Context, run *Run, open func(url string) error, notLoaded func(page string)) (*Run, error) {
	req := run.Request
	req.SelfTest = run.Scope == ScopeSelfTest
	t, _, stop, err := c.target(req)
	if err != nil {
		return nil, err
	}
	defer stop()
	res, err := browser.TestWatch(ctx, t.URL(), run.words, open, notLoaded)
	if err != nil {
		return nil, err
	}
	return run.WithBrowser(&res), nil
}

// WithBrowser is a copy of run with the browser's answer res, diagnosed
// again.
func (r *Run) WithBrowser(res *browser.Result) *Run {
	n := *r
	n.Browser = res
	n.diagnose()
	return &n
}

// WithIdle is a copy of run with an idle test's result in place of any
// earlier one, diagnosed again.
func (r *Run) WithIdle(res engine.Result) *Run {
	if res.Probe == "" {
		res.Probe = engine.ProbeIdle
	}
	n := *r
	n.Idle = &res
	n.Outcome.Results = nil
	for _, x := range r.Outcome.Results {
		if x.Probe != res.Probe {
			n.Outcome.Results = append(n.Outcome.Results, x)
		}
	}
	n.Outcome.Results = append(n.Outcome.Results, res)
	n.diagnose()
	return &n
}

// diagnosisInput is what the diagnosis is told: the run, the counterpart,
// the proxy the run's route went through and the VPN that carries it.
func (r *Run) diagnosisInput() diagnose.Input {
	in := diagnose.Input{Outcome: r.Outcome, Other: r.Other, RequiredIdle: r.Outcome.Options.IdleRequired,
		RequiredIdleSource: r.Outcome.Options.IdleNeedSource, SelfTest: r.Scope == ScopeSelfTest, Browser: r.Browser,
		Catalogue: r.findings, AdminCatalogue: r.adminFindings}
	in.Watch = r.Watch
	if rt := r.Outcome.Route; rt != nil {
		if p := rt.Proxy(); p != nil {
			in.Env.ProxyURL, in.Env.ProxySource, in.Env.ProxyOrigin = p.Redacted(), string(rt.Source), rt.Origin
		}
	}
	in.Env.CaptivePortal = r.Machine.Captive == netenv.CaptivePortal
	if v := r.Machine.VPN; v != nil {
		in.Env.NoRoute = v.NoDefaultRoute()
		if v.Active {
			in.Env.VPNActive, in.Env.VPNName = true, v.Product
			if in.Env.VPNName == "" {
				in.Env.VPNName = v.Via
			}
		}
	}
	return in
}

func (r *Run) diagnose() { r.Diagnosis = diagnose.Diagnose(r.diagnosisInput()) }

// Report is the run's report; secrets are left out unless noRedact.
func (r *Run) Report(noRedact bool) report.Report {
	in := report.Input{Tool: r.Tool, Outcome: r.Outcome, Diagnosis: r.Diagnosis, NoRedact: noRedact, OSVersion: r.Machine.OSVersion, Scope: string(r.Scope), Browser: r.Browser}
	in.Watch = r.Watch
	if v := r.Machine.VPN; v != nil {
		in.VPN = report.VPNOf(*v)
	}
	return report.Build(in)
}

// Export writes the run's report in format, in the run's language,
// secrets left out unless noRedact.
func (r *Run) Export(format report.Format, noRedact bool) ([]byte, error) {
	var b bytes.Buffer
	if err := report.Render(&b, r.Report(noRedact), format, r.words); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
