package ui

import (
	"fmt"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// TestPathPortBlocked: a port that does not answer is the network's fault
// on the way to another computer, and the service's (nothing listens) on
// this one, as the report's path picture says.
func TestPathPortBlocked(t *testing.T) {
	for raw, want := range map[string]string{
		"ws://203.0.113.10:8765/ws": "computer:0 internet:1 service:2 ",
		"ws://127.0.0.1:8765/ws":    "computer:0 internet:0 service:1 ",
		"ws://localhost:8765/ws":    "computer:0 internet:0 service:1 ",
	} {
		tg, err := checks.ParseTarget(raw)
		if err != nil {
			t.Fatal(err)
		}
		run := &Run{
			Outcome:  checks.Outcome{Target: tg, Results: []checks.Result{{Probe: "tcp", Status: checks.Fail, Code: checks.CodeRefused}}},
			Findings: []diagnose.Finding{{ID: diagnose.IDTCPBlocked, Severity: diagnose.SeverityProblem}},
			Verdict:  diagnose.DoesNotWork,
		}
		got := ""
		for _, hp := range pathOf(run, tg.Host) {
			got += string(hp.Kind) + ":" + fmt.Sprint(hp.State) + " "
		}
		if got != want {
			t.Errorf("%s: path %s, want %s", raw, got, want)
		}
	}
}
