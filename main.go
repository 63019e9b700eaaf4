// Command wsdoctor finds out why WebSockets do not work on this machine.
// With no arguments it opens the window; `check`, `serve`, `version` and
// `help` run headless.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"

	// Sorts before fyne.io, so it is initialised before Fyne: see its doc.
	_ "codeberg.org/wsdoctor/wsdoctor/ui/quietlog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/cli"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/ui"
)

func main() {
	if len(os.Args) > 1 {
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	a := app.NewWithID("io.github.wsdoctor")
	a.Settings().SetTheme(ui.Theme())
	w := a.NewWindow("WebSocket Doctor")
	w.Resize(fyne.NewSize(900, 640))
	ui.NewWizard(w, ui.Engine{
		Check:    check,
		Diagnose: func(out checks.Outcome, env *ui.Environment) []diagnose.Finding { return diagnosis(out, env).Findings },
		Export:   export,
		Formats:  []string{"html", "json", "md", "text"},
		Preset:   preset(),
		Version:  cli.Version,
		Mail: func(to, subject, body string) error {
			q := url.Values{"subject": {subject}, "body": {body}}
			return a.OpenURL(&url.URL{Scheme: "mailto", Opaque: to, RawQuery: q.Encode()})
		},
	})
	w.ShowAndRun()
}

// check runs one check for the window; an empty address checks the built-in
// reference server on this computer.
func check(ctx context.Context, req ui.Request, onEvent func(checks.Event)) (checks.Outcome, error) {
	raw := req.Address
	if raw == "" {
		srv, err := refserver.Start("127.0.0.1:0", "", "")
		if err != nil {
			return checks.Outcome{}, err
		}
		defer srv.Close()
		raw = srv.URL
	}
	t, err := checks.ParseTarget(raw)
	if err != nil {
		return checks.Outcome{}, err
	}
	rn := &checks.Runner{OnEvent: onEvent}
	return rn.Run(ctx, t, req.Options())
}

// diagnosis diagnoses a run with what the window knows of the machine.
func diagnosis(out checks.Outcome, env *ui.Environment) diagnose.Diagnosis {
	in := diagnose.Input{Outcome: out}
	if env != nil && env.Proxy != nil {
		in.Env.ProxyURL, in.Env.ProxySource = env.Proxy.Address, env.Proxy.Source
	}
	if env != nil && env.VPN != nil {
		in.Env.VPNActive, in.Env.VPNName = true, env.VPN.Name
	}
	return diagnose.Diagnose(in)
}

// export writes a run as a report in format (html, json, md or text),
// redacted.
func export(run ui.Run, format string) ([]byte, error) {
	out := run.Outcome
	if run.Idle != nil {
		out.Results = append(append([]checks.Result(nil), out.Results...), *run.Idle)
	}
	rep := report.FromDiagnosis(report.Tool{Name: "wsdoctor", Version: cli.Version}, out, diagnosis(out, run.Env), false)
	var b bytes.Buffer
	if err := report.Render(&b, rep, report.Format(format)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// preset reads the embedded preset's first target and support contact.
func preset() ui.Preset {
	var p struct {
		ProductName  string `json:"product_name"`
		SupportEmail string `json:"support_email"`
		Targets      []struct {
			URL string `json:"url"`
		} `json:"targets"`
	}
	if json.Unmarshal(assets.Preset, &p) != nil {
		return ui.Preset{}
	}
	out := ui.Preset{ProductName: p.ProductName, SupportEmail: p.SupportEmail}
	if len(p.Targets) > 0 {
		out.Address = p.Targets[0].URL
	}
	return out
}
