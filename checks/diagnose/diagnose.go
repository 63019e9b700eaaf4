// Package diagnose turns what the probes observed into a verdict and
// findings a person can act on. It is pure: no network, no clock, no I/O, so
// every rule is tested from fixture results.
package diagnose

import "codeberg.org/wsdoctor/wsdoctor/checks"

// Verdict is the one-word answer to "do WebSockets work here?".
type Verdict string

// The verdicts, best first.
const (
	// Works: the upgrade returned 101 and messages went both ways.
	Works Verdict = "works"
	// WorksWithWarnings: WebSockets work, with something worth telling.
	WorksWithWarnings Verdict = "works_with_warnings"
	// DoesNotWork: a WebSocket could not be opened or used.
	DoesNotWork Verdict = "does_not_work"
	// Incomplete: the run was cancelled or cut short before it could tell.
	Incomplete Verdict = "incomplete"
)

// Works reports whether the verdict means a WebSocket could be used.
func (v Verdict) Works() bool { return v == Works || v == WorksWithWarnings }

// Severity ranks a finding.
type Severity string

// The severities of findings, mildest first.
const (
	SeverityOK      Severity = "ok"
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityProblem Severity = "problem"
)

// EvidenceRef points at the observation that raised a finding.
type EvidenceRef struct {
	Probe string `json:"probe"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Finding is one diagnosis with a stable ID from the catalogue
// (shared FINDINGS.md), what it means, and what to do about it.
type Finding struct {
	ID          string        `json:"id"`
	Severity    Severity      `json:"severity"`
	Title       string        `json:"title"`
	Explanation string        `json:"explanation,omitempty"`
	Steps       []string      `json:"steps,omitempty"`
	AdminNote   string        `json:"admin_note,omitempty"`
	Evidence    []EvidenceRef `json:"evidence,omitempty"`
}

// VerdictOf says whether a WebSocket could be opened and used in this run:
// the upgrade answered 101 and the echo probe did not fail.
func VerdictOf(o checks.Outcome) Verdict {
	up, _ := o.Result("upgrade")
	echo, hasEcho := o.Result("echo")
	switch {
	case up.OK() && (!hasEcho || echo.OK()):
		for _, r := range o.Results {
			if r.Status == checks.Warn || r.Status == checks.Fail {
				return WorksWithWarnings
			}
		}
		return Works
	case o.Cancelled || o.DeadlineHit:
		return Incomplete
	}
	return DoesNotWork
}
