package report

import (
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// InsecureBanner is shown at the top of every output of a run made with
// certificate checks off.
const InsecureBanner = "WARNING: --insecure was used: certificates were NOT verified, so a TLS interception or an attack would not be noticed."

// NoRedactBanner is shown at the top of every output of a report written
// with --no-redact.
const NoRedactBanner = "NOTE: this report was written with --no-redact and may contain secrets (cookies, tokens, passwords). Share it only with people you trust."

// wordsTable holds the fixed texts of a rendered report, in one place so that the
// formats say the same thing and a translation has one table to change.
// What a finding says comes from the diagnosis, not from here.
type wordsTable struct {
	Title, Redacted                                         string
	Verdict                                                 map[diagnose.Verdict]string
	VerdictHint                                             map[diagnose.Verdict]string
	Status                                                  map[engine.Status]string
	Severity                                                map[diagnose.Severity]string
	Probe                                                   map[string]string
	FirstFailure                                            string
	WhatToDo, ForAdmin, OtherFindings                       string
	Environment, Path, Probes, Timings, Details, RunInfo    string
	Target, App, OS, Proxy, VPN, NotChecked, NoProxy, NoVPN string
	VPNDefaultRoute, From, NoProxyFrom                      string
	RunID, StartedUTC, StartedLocal, Duration, Options      string
	Cancelled, DeadlineHit                                  string
	Error, Code                                             string
	Computer, Internet, Service, Failed                     string
	Footer                                                  string
	Columns                                                 [4]string
	OptSubprotocols, OptCAFile, OptClientCert, OptInsecure  string
	OptTimeouts                                             string
}

// englishWords is the table in English.
var englishWords = wordsTable{
	Title:    "WebSocket Doctor report",
	Redacted: "Secrets (cookies, authorization headers, tokens and passwords in addresses, the user name in folder paths) were replaced by [redacted] before this report was written.",
	Verdict: map[diagnose.Verdict]string{
		diagnose.Works:             "Live connections work",
		diagnose.WorksWithWarnings: "Live connections work, with warnings",
		diagnose.DoesNotWork:       "Live connections do not work",
		diagnose.Incomplete:        "The check did not finish",
	},
	VerdictHint: map[diagnose.Verdict]string{
		diagnose.Works:             "A live connection (WebSocket) was opened and messages went both ways.",
		diagnose.WorksWithWarnings: "A live connection (WebSocket) was opened, but something along the way is worth a look.",
		diagnose.DoesNotWork:       "A live connection (WebSocket) could not be opened or used from this computer.",
		diagnose.Incomplete:        "The check was stopped or ran out of time before it could tell.",
	},
	Status: map[engine.Status]string{
		engine.Pass: "Works",
		engine.Warn: "Works, with a warning",
		engine.Fail: "Does not work",
		engine.Skip: "Not tested",
	},
	Severity: map[diagnose.Severity]string{
		diagnose.SeverityOK:      "Fine",
		diagnose.SeverityInfo:    "Good to know",
		diagnose.SeverityWarning: "Worth a look",
		diagnose.SeverityProblem: "Problem",
	},
	Probe: map[string]string{
		engine.ProbeDNS:           "Name lookup (DNS)",
		engine.ProbeTCP:           "Connection (TCP)",
		engine.ProbeProxy:         "Through the proxy",
		engine.ProbeTLS:           "Secure connection (TLS)",
		engine.ProbeHTTP:          "Web request (HTTP)",
		engine.ProbeUpgrade:       "WebSocket handshake",
		engine.ProbeUpgradeDirect: "WebSocket handshake without the proxy",
		engine.ProbeEcho:          "Messages both ways",
		engine.ProbeIdle:          "Idle connection",
	},
	FirstFailure:    "First step that did not work",
	WhatToDo:        "What to do",
	ForAdmin:        "Note for your IT team",
	OtherFindings:   "Also found",
	Environment:     "This computer",
	Path:            "Connection path",
	Probes:          "Steps checked",
	Timings:         "Timings",
	Details:         "Details",
	RunInfo:         "About this run",
	Target:          "Address checked",
	App:             "App version",
	OS:              "Operating system",
	Proxy:           "Proxy",
	VPN:             "VPN",
	NotChecked:      "not checked",
	NoProxy:         "none (direct connection)",
	NoProxyFrom:     "none (direct connection; %s)",
	NoVPN:           "none active",
	VPNDefaultRoute: "carries all traffic",
	From:            "from",
	RunID:           "Run ID",
	StartedUTC:      "Started (UTC)",
	StartedLocal:    "Started (local time)",
	Duration:        "Duration",
	Options:         "Options",
	Cancelled:       "The check was cancelled before it finished.",
	DeadlineHit:     "The check reached its time limit before it finished.",
	Error:           "error",
	Code:            "code",
	Computer:        "This computer",
	Internet:        "Internet",
	Service:         "Service",
	Failed:          "fails here",
	Footer:          "Send this file to your support team as it is; it opens in any browser without internet.",
	Columns:         [4]string{"Step", "Status", "Time", "Detail"},
	OptSubprotocols: "subprotocols",
	OptCAFile:       "CA file",
	OptClientCert:   "client certificate",
	OptInsecure:     "insecure",
	OptTimeouts:     "timeout %s per step, %s in all",
}

// probeLabel is the name of a probe as a person reads it.
func probeLabel(name string) string {
	if l, ok := words.Probe[name]; ok {
		return l
	}
	return name
}
