// Command wsdoctor finds out why WebSockets do not work on this machine.
// With no arguments it opens the window; `check`, `serve`, `version` and
// `help` run headless.
package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"sync"
	"time"

	// Sorts before fyne.io, so it is initialised before Fyne: see its doc.
	_ "codeberg.org/wsdoctor/wsdoctor/ui/quietlog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/cli"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/ui"
)

func main() {
	langFlag, guiArgs, langErr := cli.SplitLang(os.Args[1:])
	if langErr != nil {
		cli.AttachConsole()
		fmt.Fprintln(os.Stderr, "wsdoctor:", langErr)
		os.Exit(cli.ExitUsage)
	}
	presetFile, args, err := cli.SplitPreset(guiArgs)
	if err != nil || len(args) > 0 {
		cli.AttachConsole()
		if langFlag != "" {
			// From a terminal the texts stay English unless asked: the
			// findings and the report in that language, the admin note in
			// English.
			l := i18n.Choose(langFlag)
			report.SetLanguage(l)
			diagnose.SetPreferred(diagnose.MustCatalogue(l))
		}
		os.Exit(cli.Main(guiArgs, os.Stdout, os.Stderr))
	}
	pre, presetErr := cli.LoadPreset(presetFile)
	if presetErr != nil || pre.Preset == nil {
		pre = preset.Loaded{Preset: &preset.Preset{}} // the error is shown below; the window still works
	}
	e := &engine{preset: pre.Preset}
	lang := i18n.Choose(langFlag, pre.Language, ui.SystemLanguage())
	ui.SetLanguage(lang)
	report.SetLanguage(lang)
	e.words, e.adminWords = diagnose.MustCatalogue(lang), diagnose.MustCatalogue(i18n.Choose(pre.SupportLanguage))
	go osVersion() // read while the window opens; reports name the release
	a := app.NewWithID("io.github.wsdoctor")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	a.Settings().SetTheme(ui.Theme())
	title := "WebSocket Doctor"
	if pre.ProductName != "" {
		title = pre.ProductName + " – " + title
	}
	w := a.NewWindow(title)
	w.Resize(fyne.NewSize(900, 640))
	ui.NewWizard(w, ui.Engine{
		Check: e.check,
		Diagnose: func(out checks.Outcome, env *ui.Environment) []diagnose.Finding {
			return e.diagnosis(out, env).Findings
		},
		Idle:        e.idle,
		Environment: e.environment,
		Export:      e.export,
		AdminNote:   func(run ui.Run) string { return e.diagnosis(withIdle(run), run.Env).AdminNote },
		Formats:     []string{"html", "json", "md", "text"},
		Preset:      uiPreset(pre),
		Version:     cli.Version,
		About:       cli.VersionString(),
		Mail: func(to, subject, body string) error {
			q := url.Values{"subject": {subject}, "body": {body}}
			return a.OpenURL(&url.URL{Scheme: "mailto", Opaque: to, RawQuery: q.Encode()})
		},
	})
	if presetErr != nil {
		dialog.ShowError(presetErr, w)
	}
	w.ShowAndRun()
}

// engine runs the window's checks with the preset in force.
type engine struct {
	preset *preset.Preset
	// words and adminWords are the catalogues of the window's language
	// and of the note for the IT team.
	words, adminWords *diagnose.Catalogue

	// others holds the wss:// runs made beside plain ws:// runs that
	// failed (see checks.RunWithCounterpart), by runKey, for the diagnosis.
	mu     sync.Mutex
	others map[string]*checks.Outcome
}

// runKey names a run: its address and start time.
func runKey(out checks.Outcome) string {
	return out.Target.URL() + " " + out.Started.Format(time.RFC3339Nano)
}

// other is the wss:// run made beside out, or nil.
func (e *engine) other(out checks.Outcome) *checks.Outcome {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.others[runKey(out)]
}

// uiPreset is what the window shows of the preset.
func uiPreset(l preset.Loaded) ui.Preset {
	p := l.Preset
	u := ui.Preset{
		ProductName:  p.ProductName,
		SupportEmail: p.SupportEmail,
		SupportURL:   p.SupportURL,
		IdleRequired: time.Duration(p.RequiredIdleSeconds) * time.Second,
	}
	for _, t := range p.Targets {
		u.Targets = append(u.Targets, ui.Target{URL: t.URL, Label: t.Label})
	}
	if l.Path != "" {
		u.Source = l.Path + " (" + string(l.Source) + ")"
	}
	return u
}

// options are the run's options: what the window set, with the preset's
// headers, idle requirement and certificate issuers.
func (e *engine) options(req ui.Request) checks.Options {
	o := req.Options()
	cli.ApplyPreset(&o, e.preset)
	return o
}

// check runs one check for the window.
func (e *engine) check(ctx context.Context, req ui.Request, onEvent func(checks.Event)) (checks.Outcome, error) {
	t, stop, err := target(req.Address)
	if err != nil {
		return checks.Outcome{}, err
	}
	defer stop()
	rn := &checks.Runner{OnEvent: onEvent}
	out, other, err := checks.RunWithCounterpart(ctx, rn, t, e.options(req))
	if other != nil {
		e.mu.Lock()
		if e.others == nil || len(e.others) >= 16 {
			e.others = map[string]*checks.Outcome{} // only the latest runs are looked at again
		}
		e.others[runKey(out)] = other
		e.mu.Unlock()
	}
	return out, err
}

// idle runs the idle test the window starts after the quick verdict: the
// idle probe and what it needs, for req.IdleTest.
func (e *engine) idle(ctx context.Context, req ui.Request) checks.Result {
	skipped := checks.Result{Probe: "idle", Status: checks.Skip, Code: checks.CodeCancelled}
	t, stop, err := target(req.Address)
	if err != nil {
		skipped.Reason = err.Error()
		return skipped
	}
	defer stop()
	opts := e.options(req)
	opts.Idle = req.IdleTest
	out, err := (&checks.Runner{Probes: checks.IdleProbes()}).Run(ctx, t, opts)
	if err != nil {
		skipped.Reason = err.Error()
		return skipped
	}
	if ctx.Err() != nil {
		return skipped
	}
	r, _ := out.Result("idle")
	return r
}

// environment says how this computer reaches the address: the proxy that
// applies and where it was set, and a VPN that carries the traffic.
func (e *engine) environment(ctx context.Context, req ui.Request) (ui.Environment, error) {
	var env ui.Environment
	raw := req.Address
	if raw == "" {
		raw = "ws://127.0.0.1/" // the self-test's server
	}
	t, err := checks.ParseTarget(raw)
	if err != nil {
		return env, err
	}
	ctx, cancel := context.WithTimeout(ctx, netenv.RouteTimeout())
	defer cancel()
	route := checks.RouteFor(ctx, t, e.options(req))
	if p := route.Proxy(); p != nil {
		auto := route.Source == netenv.SourcePAC || route.Source == netenv.SourceWPAD
		env.Proxy = &ui.ProxyInfo{Address: p.Redacted(), Source: string(route.Source), Managed: auto, Auto: auto}
	}
	v := netenv.ReadVPN(ctx)
	if v.Active {
		env.VPN = &ui.VPNInfo{Name: v.Product, Interface: v.Via}
	}
	env.Raw = machine{vpn: v}
	osVersion()
	return env, nil
}

// machine is what the window read of this computer with the environment,
// handed back in ui.Environment.Raw for the reports: the whole VPN
// detection, split tunnels included.
type machine struct {
	vpn netenv.VPN
}

// osVersion is this computer's OS release, read once (bounded by
// netenv.OSVersionTimeout) and then remembered.
var osVersion = sync.OnceValue(func() string {
	return netenv.ReadOSVersion(context.Background(), nil)
})

// target is the address to check; an empty address checks the built-in
// reference server, started on this computer until stop is called.
func target(raw string) (t checks.Target, stop func(), err error) {
	stop = func() {}
	if raw == "" {
		srv, err := refserver.Start("127.0.0.1:0", "", "")
		if err != nil {
			return t, stop, err
		}
		stop, raw = func() { srv.Close() }, srv.URL
	}
	t, err = checks.ParseTarget(raw)
	if err != nil {
		stop()
	}
	return t, stop, err
}

// diagnosis diagnoses a run with what the window knows of the machine.
func (e *engine) diagnosis(out checks.Outcome, env *ui.Environment) diagnose.Diagnosis {
	in := diagnose.Input{Outcome: out, Other: e.other(out), RequiredIdle: time.Duration(e.preset.RequiredIdleSeconds) * time.Second,
		Catalogue: e.words, AdminCatalogue: e.adminWords}
	if env != nil && env.Proxy != nil {
		in.Env.ProxyURL, in.Env.ProxySource = env.Proxy.Address, env.Proxy.Source
	}
	if env != nil {
		if m, ok := env.Raw.(machine); ok && m.vpn.NoDefaultRoute() {
			in.Env.NoRoute = true
		}
	}
	if env != nil && env.VPN != nil {
		in.Env.VPNActive, in.Env.VPNName = true, env.VPN.Name
		if in.Env.VPNName == "" {
			in.Env.VPNName = env.VPN.Interface
		}
	}
	return diagnose.Diagnose(in)
}

// reportInput is what a report of a run is made of: the diagnosis, the
// proxy route the run took (from the outcome), the VPN as the window read
// it, and the OS release. A VPN the window did not look at (the check
// started before the look ended) is "not checked".
func (e *engine) reportInput(out checks.Outcome, env *ui.Environment) report.Input {
	d := e.diagnosis(out, env)
	in := report.Input{Tool: report.Tool{Name: "wsdoctor", Version: cli.Version}, Outcome: out, Diagnosis: &d, OSVersion: osVersion()}
	if env == nil {
		return in
	}
	in.VPN = &report.VPN{}
	if v := env.VPN; v != nil {
		in.VPN = &report.VPN{Active: true, Name: v.Name, Interface: v.Interface, DefaultRoute: true}
	}
	if m, ok := env.Raw.(machine); ok {
		in.VPN = report.VPNOf(m.vpn)
	}
	return in
}

// export writes a run as a report in format (html, json, md or text),
// redacted.
func (e *engine) export(run ui.Run, format string) ([]byte, error) {
	out := withIdle(run)
	rep := report.Build(e.reportInput(out, run.Env))
	var b bytes.Buffer
	if err := report.Render(&b, rep, report.Format(format)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// withIdle is the run's outcome with the idle test's result, once it ended.
func withIdle(run ui.Run) checks.Outcome {
	out := run.Outcome
	if run.Idle != nil {
		out.Results = append(append([]checks.Result(nil), out.Results...), *run.Idle)
	}
	return out
}
