package diagnose

import (
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

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

// rank orders severities for the findings list: problems, then warnings,
// then the good news, then the background information.
func (s Severity) rank() int {
	switch s {
	case SeverityProblem:
		return 4
	case SeverityWarning:
		return 3
	case SeverityOK:
		return 2
	}
	return 1
}

// Confidence says how sure the evidence makes a finding. When the evidence
// cannot tell two causes apart, both are listed, the likelier first.
type Confidence string

// The confidences, surest first.
const (
	// Sure: the evidence shows it.
	Sure Confidence = "sure"
	// Likely: the most probable reading of the evidence.
	Likely Confidence = "likely"
	// Possible: the evidence is also consistent with it.
	Possible Confidence = "possible"
)

func (c Confidence) rank() int {
	switch c {
	case Sure:
		return 3
	case Likely:
		return 2
	}
	return 1
}

// Fixer says who can fix what a finding reports.
type Fixer string

// The people a finding can send the user to.
const (
	// FixerYou: the person at the computer.
	FixerYou Fixer = "you"
	// FixerNetworkAdmin: whoever runs the network the computer is on
	// (company IT, the proxy or firewall administrator).
	FixerNetworkAdmin Fixer = "network_admin"
	// FixerServiceAdmin: whoever runs the service being reached.
	FixerServiceAdmin Fixer = "service_admin"
)

// EvidenceRef points at the observation that raised a finding: a probe's
// evidence key ("upgrade", "via"), its result code (Key "code"), or the
// environment (Probe "environment").
type EvidenceRef struct {
	Probe string `json:"probe"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Finding is one diagnosis with a stable ID (IDs), what it means, and what
// to do about it. Its words come from the catalogue
// (assets/words/<lang>/findings.json), filled in from this run.
type Finding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	// Confidence is how sure the evidence makes it; findings that compete
	// to explain one failure are listed likeliest first.
	Confidence Confidence `json:"confidence,omitempty"`
	// WhoCanFix is who can act on it; Label("fixer."+WhoCanFix) names them.
	WhoCanFix   Fixer  `json:"who_can_fix,omitempty"`
	Title       string `json:"title"`
	Explanation string `json:"explanation,omitempty"`
	// Terms explain the technical words the finding uses, one short
	// sentence each; a word is explained in the first finding that uses
	// it and not again.
	Terms []string `json:"terms,omitempty"`
	Steps []string `json:"steps,omitempty"`
	// StepFixers say who does each of Steps: the person (FixerYou), or
	// the one a step sends them to (their IT team, the service's team).
	StepFixers []Fixer `json:"-"`
	AdminNote  string  `json:"admin_note,omitempty"`
	// Evidence are the observations that raised it.
	Evidence []EvidenceRef `json:"evidence,omitempty"`
}

// Summary is the answer in a few lines, for the top of every report: the
// verdict in words, the most likely cause and who can fix it. The *Text
// fields are ready to print; empty ones are left out.
type Summary struct {
	Verdict  Verdict `json:"verdict"`
	Headline string  `json:"headline"`
	// Cause is the ID of the most likely cause when something is wrong, or
	// of the first warning when WebSockets work.
	Cause     string `json:"cause,omitempty"`
	CauseText string `json:"cause_text,omitempty"`
	// WhoCanFix is who can fix the most likely cause.
	WhoCanFix     Fixer  `json:"who_can_fix,omitempty"`
	WhoCanFixText string `json:"who_can_fix_text,omitempty"`
	// Uncertain is set when the evidence could not tell the causes apart;
	// UncertainText says so to the user.
	Uncertain     bool   `json:"uncertain,omitempty"`
	UncertainText string `json:"uncertain_text,omitempty"`
}

// Diagnosis is what a run means: the summary, the findings ranked with the
// most likely cause first, and the note for the network administrator.
type Diagnosis struct {
	Summary
	Findings []Finding `json:"findings"`
	// AdminNote is one block of text for the network administrator, built
	// from this run; empty when there is nothing to ask of them.
	AdminNote string `json:"admin_note,omitempty"`
	// Path is the way to the service and where the connection stops.
	Path Path `json:"path"`
}

// Input is everything the diagnosis reads. Only Outcome is required; every
// other field adds a comparison or context that sharpens the findings.
type Input struct {
	// Outcome is the run as the application would connect: through the
	// proxy in Env.ProxyURL when there is one.
	Outcome engine.Outcome
	// Other is the same host checked over the other scheme (wss:// for a
	// ws:// Outcome and the reverse), when the caller ran it: it tells a
	// filter on unencrypted traffic from one on WebSockets as such.
	Other *engine.Outcome
	// Direct is the same target checked without the proxy, when Outcome
	// went through one: it tells the proxy from the server.
	Direct *engine.Outcome
	// Env is what the machine is set to.
	Env Environment
	// Browser is the person's own browser's answer on the same address
	// (package checks/browser), when they ran that test: it tells a cause
	// in the browser from one on the network (browser-differs).
	Browser *browser.Result
	// RequiredIdle is how long the service needs an idle WebSocket to
	// stay open; zero means engine.DefaultIdleRequired.
	RequiredIdle time.Duration
	// RequiredIdleSource says where RequiredIdle came from, one of
	// engine's Need* (a preset, a framework's heartbeat, the default); ""
	// when not told.
	RequiredIdleSource string
	// Watch is the timeline of a watch that followed the run (issue 24):
	// the pattern of its drops raises the watch's findings (rules_watch.go).
	// nil when there was no watch.
	Watch *engine.WatchLog
	// SelfTest is set when the run checked the reference server on this
	// computer only: a good result then proves nothing of the network.
	SelfTest bool
	// Catalogue holds the words; nil means the embedded English one.
	Catalogue *Catalogue
	// AdminCatalogue holds the words of the admin note and of each
	// finding's admin text, which are for the IT team and often in
	// another language than the person's (a preset's support_language);
	// nil means the embedded English one.
	AdminCatalogue *Catalogue
}

// Environment is what the machine is set to, as far as the diagnosis
// needs it. Package checks/netenv fills it; every field is optional.
type Environment struct {
	// ProxyURL is the proxy that applies to the target
	// ("http://proxy.corp:3128", "socks5://127.0.0.1:1080"), or "" for a
	// direct connection. Credentials in it are never shown.
	ProxyURL string
	// ProxySource is where that proxy was configured, one of netenv's
	// sources: "env", "wininet", "winhttp", "macos", "gnome", "kde",
	// "option", "pac", "wpad".
	ProxySource string
	// ProxyOrigin says exactly where, for the admin ("HTTPS_PROXY",
	// "HKCU\...\Internet Settings", a PAC file's URL).
	ProxyOrigin string
	// VPNActive is set when a VPN interface carries the default route.
	VPNActive bool
	// VPNName is the VPN's product or interface name ("WireGuard", "utun3").
	VPNName string
	// NoRoute is set when the machine has no default route at all (no
	// network connection).
	NoRoute bool
	// CaptivePortal is set when the operating system says the network
	// wants the user to sign in (NetworkManager's connectivity "portal").
	CaptivePortal bool
}

// requiredIdle is in.RequiredIdle or its default.
func (in Input) requiredIdle() time.Duration {
	if in.RequiredIdle > 0 {
		return in.RequiredIdle
	}
	return engine.DefaultIdleRequired
}

// Diagnose turns a run into a diagnosis. It is pure: the same input gives
// the same diagnosis.
func Diagnose(in Input) Diagnosis {
	cat := in.Catalogue
	if cat == nil {
		cat = Default()
	}
	f := newFacts(in)
	raised := rank(applyRules(f))

	verdict := verdictFor(f, raised)
	d := Diagnosis{Findings: cat.render(raised, f.vars)}
	d.Summary = cat.summary(f, verdict, d.Findings, raised)
	admin := in.AdminCatalogue
	if admin == nil {
		admin = Default()
	}
	adminFindings := d.Findings
	if admin != cat {
		adminFindings = admin.render(raised, f.vars)
		for i := range d.Findings {
			d.Findings[i].AdminNote = adminFindings[i].AdminNote
		}
	}
	d.AdminNote = admin.adminNote(f, raised, adminFindings)
	d.Path = pathOf(f, cat, d.Findings, verdict)
	return d
}
