package report

import (
	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// FromDiagnosis builds the report of a run with its diagnosis: the verdict,
// summary, findings and admin note of d. Unless noRedact is set, secrets are
// replaced in all of it, the diagnosis's words included.
func FromDiagnosis(tool Tool, o checks.Outcome, d diagnose.Diagnosis, noRedact bool) Report {
	return Build(Input{Tool: tool, Outcome: o, Diagnosis: &d, NoRedact: noRedact})
}
