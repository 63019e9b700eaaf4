// Package report turns a run into what leaves the machine: the JSON a script
// reads and the HTML, Markdown and text a person reads, with secrets redacted
// by default and files written so that a failure never leaves half a report.
//
// Every renderer reads only the Report struct, so a report parsed back from
// its JSON (what a user e-mailed to support) renders exactly as the original.
package report

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// SchemaVersion is the version of the JSON layout (schema.json). It goes up
// when a field changes meaning or goes away; new fields do not change it.
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

// Machine is the machine the run happened on: its platform, and its
// proxy and VPN. Proxy and VPN are nil when they were not looked at (they
// are filled by package netenv).
type Machine struct {
	engine.Platform
	// OSVersion is the OS's own name for its release ("Windows 11 23H2",
	// "macOS 14.5", "Debian GNU/Linux 12"), when known.
	OSVersion string `json:"os_version,omitempty"`
	Proxy     *Proxy `json:"proxy"`
	VPN       *VPN   `json:"vpn"`
}

// Proxy says whether a proxy applies to the target and which one.
type Proxy struct {
	// Configured is set when a proxy applies to the target.
	Configured bool `json:"configured"`
	// URL is the proxy's address (credentials redacted), or "" for none.
	URL string `json:"url,omitempty"`
	// Source says where the setting came from, a netenv source name:
	// "env", "wininet", "macos", "gnome", "kde", "option", "pac", "wpad".
	Source string `json:"source,omitempty"`
	// Origin is the exact place: the variable, registry or settings key,
	// or "--proxy" (a PAC file's address is in PACURL).
	Origin string `json:"origin,omitempty"`
	// PACURL is the proxy auto-configuration script's address, if any.
	PACURL string `json:"pac_url,omitempty"`
}

// VPN says whether a VPN is on and whether it carries this machine's
// traffic.
type VPN struct {
	// Active is set when a VPN interface is up.
	Active bool `json:"active"`
	// Name is the VPN product or connection name, when known.
	Name string `json:"name,omitempty"`
	// Interface is the network interface ("tun0", "utun3", ...).
	Interface string `json:"interface,omitempty"`
	// DefaultRoute is set when the VPN carries the default route, so all
	// traffic, the WebSocket's included, goes through it.
	DefaultRoute bool `json:"default_route"`
}

// Timing is one measured phase of a probe, in milliseconds.
type Timing struct {
	Phase   engine.Phase `json:"phase"`
	StartMS float64      `json:"start_ms"`
	MS      float64      `json:"ms"`
}

// Result is one probe's result as the report keeps it: the fields of
// engine.Result with every duration already in milliseconds, so a parsed
// report writes back byte for byte.
type Result struct {
	Probe      string          `json:"probe"`
	Status     engine.Status   `json:"status"`
	Code       string          `json:"code,omitempty"`
	Reason     string          `json:"reason,omitempty"`
	Error      string          `json:"error,omitempty"`
	Started    time.Time       `json:"started"`
	Timings    []Timing        `json:"timings,omitempty"`
	Evidence   engine.Evidence `json:"evidence,omitempty"`
	DurationMS float64         `json:"duration_ms"`
}

// Report is one run, ready to export. Its JSON is documented by schema.json.
type Report struct {
	SchemaVersion int    `json:"schema_version"`
	Tool          Tool   `json:"tool"`
	RunID         string `json:"run_id"`
	Target        string `json:"target"`
	// Scope says what the check covered: "target" (the address given),
	// "preset" (the preset's target), "page" (a web page's address) or
	// "self-test" (this computer only: nothing crossed the network).
	Scope       string      `json:"scope,omitempty"`
	Insecure    bool        `json:"insecure"`
	Redacted    bool        `json:"redacted"`
	Options     OptionsView `json:"options"`
	Environment Machine     `json:"environment"`
	// Started and Finished are in UTC.
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// LocalOffsetMinutes and LocalTimeZone are the machine's clock at the
	// start of the run, so the report can show the user's local time.
	LocalOffsetMinutes int              `json:"local_offset_minutes"`
	LocalTimeZone      string           `json:"local_time_zone,omitempty"`
	DurationMS         float64          `json:"duration_ms"`
	Cancelled          bool             `json:"cancelled"`
	DeadlineHit        bool             `json:"deadline_hit"`
	Verdict            diagnose.Verdict `json:"verdict"`
	// TopFinding is the ID of the finding that explains the verdict: the
	// most severe problem or warning, first listed; websocket-ok when
	// there is none; "" without findings.
	TopFinding string             `json:"top_finding"`
	Results    []Result           `json:"results"`
	Findings   []diagnose.Finding `json:"findings"`
	// Summary is the verdict in words, the most likely cause and who can
	// fix it; nil in a report made without a diagnosis.
	Summary *diagnose.Summary `json:"summary,omitempty"`
	// AdminNote is the diagnosis's note for the network administrator.
	AdminNote string `json:"admin_note,omitempty"`
	// Path is the way to the service and where the connection stops, as
	// the diagnosis worked it out.
	Path *diagnose.Path `json:"path,omitempty"`
	// Browser is what the person's own browser saw when it opened the same
	// address (package checks/browser); nil when that test did not run.
	Browser *browser.Result `json:"browser,omitempty"`
	// BrowserWay is the way a browser would open this WebSocket, as the h2
	// probe found: "h2" (over HTTP/2, RFC 8441, because the service invites
	// it) or "http/1.1" (the way the check's upgrade took); empty when the
	// h2 probe did not find out (ws://, or it did not get that far).
	BrowserWay string `json:"browser_way,omitempty"`
	// BrowserWayWorks says whether that way worked: for "http/1.1" the
	// upgrade's result, for "h2" the h2 probe's.
	BrowserWayWorks bool `json:"browser_way_works,omitempty"`
	// Watch is the watch's timeline (wsdoctor watch, Keep watching) when
	// the run was watched after its check: engine.WatchLog's layout, times
	// in UTC, its text redacted like the rest; nil for a check alone.
	Watch *engine.WatchLog `json:"watch,omitempty"`
}

// Input is what a report is built from.
type Input struct {
	Tool    Tool
	Outcome engine.Outcome
	// Diagnosis gives the verdict, summary, findings, admin note and path.
	Diagnosis diagnose.Diagnosis
	// Proxy and VPN describe the network settings, when they were read.
	// A nil Proxy is taken from the run's own route (Outcome.Route), when
	// it has one.
	Proxy *Proxy
	VPN   *VPN
	// OSVersion is the OS release name, when known.
	OSVersion string
	// Local is the user's time zone; nil means time.Local.
	Local *time.Location
	// Scope says what the check covered: "target", "preset", "page" or
	// "self-test" (see package session).
	Scope string
	// NoRedact keeps secrets (the user's --no-redact).
	NoRedact bool
	// RunID overrides the random run ID (tests).
	RunID string
	// Platform overrides this program's (tests); nil means this one's.
	Platform *engine.Platform
	// Browser is the person's own browser's answer on the same address,
	// when they ran that test.
	Browser *browser.Result
	// Watch is the watch's log when the run was watched after its check
	// (session.Run.Watch); nil for a check alone.
	Watch *engine.WatchLog
}

// Build builds the report of a run from in. Unless in.NoRedact is set,
// secrets (cookie and authorization values, URL credentials and tokens)
// are replaced before anything is copied into it.
func Build(in Input) Report {
	o := in.Outcome
	platform := engine.CurrentPlatform()
	if in.Platform != nil {
		platform = *in.Platform
	}
	loc := in.Local
	if loc == nil {
		loc = time.Local
	}
	zone, offset := o.Started.In(loc).Zone()
	proxy := in.Proxy
	if proxy == nil && o.Route != nil {
		proxy = ProxyOf(*o.Route)
	}
	r := Report{
		SchemaVersion: SchemaVersion,
		Tool:          in.Tool,
		RunID:         in.RunID,
		Target:        typedTarget(o.Target),
		Scope:         in.Scope,
		Insecure:      o.Options.Insecure,
		Redacted:      !in.NoRedact,
		Options: OptionsView{
			Subprotocols:   o.Options.Subprotocols,
			CAFile:         o.Options.CAFile,
			ClientCert:     o.Options.ClientCert,
			Insecure:       o.Options.Insecure,
			ProbeTimeoutMS: engine.Millis(orDefault(o.Options.ProbeTimeout, engine.DefaultProbeTimeout)),
			DeadlineMS:     engine.Millis(orDefault(o.Options.Deadline, engine.DefaultDeadline)),
		},
		Environment: Machine{
			Platform:  platform,
			OSVersion: in.OSVersion,
			Proxy:     proxy,
			VPN:       in.VPN,
		},
		Started:            o.Started.UTC(),
		Finished:           o.Finished.UTC(),
		LocalOffsetMinutes: offset / 60,
		LocalTimeZone:      zone,
		DurationMS:         engine.Millis(o.Finished.Sub(o.Started)),
		Cancelled:          o.Cancelled,
		DeadlineHit:        o.DeadlineHit,
		Verdict:            in.Diagnosis.Verdict,
		Results:            make([]Result, 0, len(o.Results)),
		Findings:           append([]diagnose.Finding{}, in.Diagnosis.Findings...),
		AdminNote:          in.Diagnosis.AdminNote,
	}
	if d := in.Diagnosis; d.Headline != "" {
		s := d.Summary
		r.Summary = &s
	}
	if p := in.Diagnosis.Path; len(p.Hops) > 0 {
		r.Path = &p
	}
	if r.RunID == "" {
		r.RunID = newRunID()
	}
	r.Browser = copyBrowser(in.Browser)
	for _, res := range o.Results {
		r.Results = append(r.Results, resultOf(res))
	}
	r.BrowserWay, r.BrowserWayWorks = browserWay(o)
	r.TopFinding = topFinding(r.Findings)
	if r.Summary != nil && r.Summary.Cause != "" {
		r.TopFinding = r.Summary.Cause
	}
	if len(o.Options.Headers) > 0 {
		r.Options.Headers = map[string]string{}
		for k, vs := range o.Options.Headers {
			for _, v := range vs {
				r.Options.Headers[http.CanonicalHeaderKey(k)] = v
			}
		}
	}
	if in.NoRedact {
		r.Watch = watchOf(in.Watch, nil)
		return r
	}
	secrets := secretsOf(o, proxy)
	// The watch's text is redacted before it is cut to length, so that no
	// secret is cut in two past recognising.
	r.Watch = watchOf(in.Watch, func(s string) string { return redactText(s, secrets) })
	return redact(r, secrets)
}

// resultOf copies a probe's result into the report's form.
func resultOf(res engine.Result) Result {
	out := Result{
		Probe: res.Probe, Status: res.Status, Code: res.Code,
		Reason: res.Reason, Error: res.Error,
		Started:    res.Started.UTC(),
		Evidence:   append(engine.Evidence(nil), res.Evidence...),
		DurationMS: engine.Millis(res.Duration),
	}
	for _, t := range res.Timings {
		out.Timings = append(out.Timings, Timing{t.Phase, engine.Millis(t.Start), engine.Millis(t.Duration)})
	}
	return out
}

// severityRank orders severities, mildest first.
func severityRank(s diagnose.Severity) int {
	switch s {
	case diagnose.SeverityOK:
		return 0
	case diagnose.SeverityInfo:
		return 1
	case diagnose.SeverityWarning:
		return 2
	case diagnose.SeverityProblem:
		return 3
	}
	return -1
}

// topFinding is the ID of the finding that explains the verdict: the most
// severe problem or warning, the first listed among equals (the diagnosis
// lists causes before consequences); when there is none, websocket-ok (a
// run through a proxy that works is explained by that, not by the
// proxy-configured background); else the first finding.
func topFinding(fs []diagnose.Finding) string {
	best := -1
	id := ""
	for _, f := range fs {
		if rk := severityRank(f.Severity); rk > best {
			best, id = rk, f.ID
		}
	}
	if best >= severityRank(diagnose.SeverityWarning) {
		return id
	}
	for _, f := range fs {
		if f.ID == diagnose.IDWebSocketOK {
			return f.ID
		}
	}
	if len(fs) > 0 {
		return fs[0].ID
	}
	return ""
}

// Top returns the finding named by TopFinding.
func (r Report) Top() (diagnose.Finding, bool) {
	for _, f := range r.Findings {
		if f.ID == r.TopFinding && f.ID != "" {
			return f, true
		}
	}
	return diagnose.Finding{}, false
}

// LocalTime is t on the user's clock as recorded in the report.
func (r Report) LocalTime(t time.Time) time.Time {
	return t.In(time.FixedZone(r.LocalTimeZone, r.LocalOffsetMinutes*60))
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
	if r.Results == nil {
		r.Results = []Result{}
	}
	if r.Findings == nil {
		r.Findings = []diagnose.Finding{}
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("report: encode JSON: %w", err)
	}
	return append(escapeJSONControls(b), '\n'), nil
}

// Parse reads a report written by JSON, checking it against the schema
// first so that a damaged or foreign file is refused with the field at
// fault rather than rendered half-empty.
//
// A file past one of the bounds of a saved report (MaxReportBytes,
// MaxFindings...) is refused before it is decoded, with a *LimitError.
func Parse(b []byte) (Report, error) {
	var r Report
	if err := checkLimits(b); err != nil {
		return r, err
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return r, fmt.Errorf("report: read JSON: %w", err)
	}
	if m, ok := doc.(map[string]any); ok {
		if v, ok := m["schema_version"].(float64); ok && (v < 1 || v > SchemaVersion) {
			return r, fmt.Errorf("report: schema_version %v is not one this version reads (1 to %d)", v, SchemaVersion)
		}
	}
	if err := Validate(doc); err != nil {
		return r, fmt.Errorf("report: not a wsdoctor report: %w", err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("report: read JSON: %w", err)
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

// browserWay is the way a browser would open the WebSocket (the h2
// probe's evidence) and whether it worked.
func browserWay(o engine.Outcome) (string, bool) {
	h, ok := o.Result(engine.ProbeH2)
	if !ok {
		return "", false
	}
	switch way := h.Evidence.Value(engine.KeyBrowserWay); way {
	case engine.BrowserWayH2:
		return way, h.Code == engine.CodeOK
	case engine.BrowserWayHTTP1:
		up, _ := o.Result(engine.ProbeUpgrade)
		return way, up.OK()
	}
	return "", false
}

// typedTarget is the address checked as the person gave it: a web page's
// address keeps its http:// or https:// (the check went to its host as
// ws:// or wss://), so the report does not show an address nobody typed.
func typedTarget(t engine.Target) string {
	s := t.String()
	if !t.Page {
		return s
	}
	if rest, ok := strings.CutPrefix(s, "wss://"); ok {
		return "https://" + rest
	}
	if rest, ok := strings.CutPrefix(s, "ws://"); ok {
		return "http://" + rest
	}
	return s
}
