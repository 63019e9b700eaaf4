// Package report turns a run into what leaves the machine: the JSON a script
// reads and the text a person reads, with secrets redacted by default.
package report

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// SchemaVersion is the version of the JSON layout. It goes up when a field
// changes meaning or goes away; new fields do not change it.
const SchemaVersion = 1

// Tool names the program that wrote a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// OptionsView is the run's options as a report shows them.
type OptionsView struct {
	Headers        map[string]string `json:"headers,omitempty"`
	Subprotocols   []string          `json:"subprotocols,omitempty"`
	CAFile         string            `json:"ca_file,omitempty"`
	ClientCert     string            `json:"client_cert,omitempty"`
	Insecure       bool              `json:"insecure"`
	ProbeTimeoutMS float64           `json:"probe_timeout_ms"`
	DeadlineMS     float64           `json:"deadline_ms"`
}

// Report is one run, ready to export.
type Report struct {
	SchemaVersion int                `json:"schema_version"`
	Tool          Tool               `json:"tool"`
	RunID         string             `json:"run_id"`
	Target        string             `json:"target"`
	Insecure      bool               `json:"insecure"`
	Redacted      bool               `json:"redacted"`
	Options       OptionsView        `json:"options"`
	Environment   checks.Environment `json:"environment"`
	Started       time.Time          `json:"started"`
	Finished      time.Time          `json:"finished"`
	DurationMS    float64            `json:"duration_ms"`
	Cancelled     bool               `json:"cancelled"`
	DeadlineHit   bool               `json:"deadline_hit"`
	Verdict       diagnose.Verdict   `json:"verdict"`
	Results       []checks.Result    `json:"results"`
	Findings      []diagnose.Finding `json:"findings"`
	// Summary is the verdict in words, the most likely cause and who can
	// fix it; nil in reports made without a diagnosis.
	Summary *diagnose.Summary `json:"summary,omitempty"`
	// AdminNote is the note for the network administrator.
	AdminNote string `json:"admin_note,omitempty"`
}

// New builds the report of a run. Unless noRedact is set, secrets (cookie
// and authorization values, URL credentials and tokens) are replaced before
// anything is copied into it.
func New(tool Tool, o checks.Outcome, findings []diagnose.Finding, noRedact bool) Report {
	r := Report{
		SchemaVersion: SchemaVersion,
		Tool:          tool,
		RunID:         newRunID(),
		Target:        o.Target.String(),
		Insecure:      o.Options.Insecure,
		Redacted:      !noRedact,
		Options: OptionsView{
			Subprotocols:   o.Options.Subprotocols,
			CAFile:         o.Options.CAFile,
			ClientCert:     o.Options.ClientCert,
			Insecure:       o.Options.Insecure,
			ProbeTimeoutMS: checks.Millis(orDefault(o.Options.ProbeTimeout, checks.DefaultProbeTimeout)),
			DeadlineMS:     checks.Millis(orDefault(o.Options.Deadline, checks.DefaultDeadline)),
		},
		Environment: checks.CurrentEnvironment(),
		Started:     o.Started.UTC(),
		Finished:    o.Finished.UTC(),
		DurationMS:  checks.Millis(o.Finished.Sub(o.Started)),
		Cancelled:   o.Cancelled,
		DeadlineHit: o.DeadlineHit,
		Verdict:     diagnose.VerdictOf(o),
		Results:     o.Results,
		Findings:    findings,
	}
	if r.Findings == nil {
		r.Findings = []diagnose.Finding{}
	}
	if len(o.Options.Headers) > 0 {
		r.Options.Headers = map[string]string{}
		for k, vs := range o.Options.Headers {
			for _, v := range vs {
				r.Options.Headers[http.CanonicalHeaderKey(k)] = v
			}
		}
	}
	if !noRedact {
		r = redact(r, secretsOf(o))
	}
	return r
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// newRunID is a random ID that lets support match a report to a ticket.
func newRunID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// JSON is the report as indented JSON.
func (r Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("report: encode JSON: %w", err)
	}
	return append(b, '\n'), nil
}

// Parse reads a report written by JSON.
func Parse(b []byte) (Report, error) {
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("report: read JSON: %w", err)
	}
	if r.SchemaVersion == 0 || r.SchemaVersion > SchemaVersion {
		return r, fmt.Errorf("report: schema_version %d is not one this version reads (1 to %d)", r.SchemaVersion, SchemaVersion)
	}
	return r, nil
}

// sortedKeys returns m's keys in order, for stable output.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
