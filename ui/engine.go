package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// Engine is everything the wizard asks of the rest of the program: the
// check session of package checks/session, or a test's fakes. Only Check
// is required: every other field may be nil, and the wizard then does
// without (see each field).
type Engine struct {
	// Check runs and diagnoses one check of req and reports progress
	// through onEvent, from any goroutine. It must return promptly when
	// ctx is cancelled. Required.
	Check func(ctx context.Context, req session.Request, onEvent func(engine.Event)) (*session.Run, error)

	// Probes are the names of the probes Check runs, in the order the rows
	// are shown; nil means those of engine.DefaultProbes.
	Probes []string

	// Environment says how this computer reaches the network (proxy, VPN)
	// for req. Nil: the "Your connection" screen is skipped and the path
	// picture shows no proxy or VPN.
	Environment func(ctx context.Context, req session.Request) (Environment, error)

	// Idle holds a WebSocket open and quiet for length and returns run
	// with that result, diagnosed again; run itself when ctx ends first
	// (the user pressed Skip). Nil: no idle test, and its setting is
	// hidden.
	Idle func(ctx context.Context, run *session.Run, length time.Duration) *session.Run

	// Browser opens the run's address in the person's own browser and
	// returns the run with its answer beside the check's, diagnosed again
	// (Checker.Browser with the system's browser). It must return
	// promptly when ctx is cancelled (the user pressed Skip). Nil: no
	// "Test in my browser too" button.
	Browser func(ctx context.Context, run *session.Run) (*session.Run, error)

	// Export writes the run in one of Formats. Nil: the session's own
	// export, redacted.
	Export func(run *session.Run, format string) ([]byte, error)
	// Formats are the formats Export writes ("html", "json", "md",
	// "text"), the one offered first first. Nil: all four, HTML first.
	Formats []string

	// Mail opens the user's e-mail program with a message to to. Nil, or
	// an empty Preset.SupportEmail: the e-mail button is disabled.
	Mail func(to, subject, body string) error

	// Preset is what the support team set for their service.
	Preset Preset

	// Version is the program's version.
	Version string
	// About is the version line the About box shows (version, commit,
	// build date). Empty: the About box shows Version.
	About string
}

// Preset is what a support team sets in the checker they hand out.
type Preset struct {
	// Address is filled in on the first screen; empty means the first of
	// Targets, if any.
	Address string
	// Targets are the addresses the support team set, each with its label;
	// with more than one the first screen offers a choice.
	Targets []Target
	// ProductName names the service in sentences ("Acme Chat").
	ProductName string
	// SupportEmail receives the summary from the Share screen.
	SupportEmail string
	// SupportURL is the support team's help page.
	SupportURL string
	// IdleRequired is how long the service needs an idle WebSocket to stay
	// open: the idle test lasts at least that long by default.
	IdleRequired time.Duration
	// Source says where the preset came from ("/path/acme.json
	// (--preset)"); empty means the one built into the program.
	Source string
}

// Target is an address the support team set, with its label.
type Target struct {
	URL   string
	Label string
}

// address is the address the first screen starts with.
func (p Preset) address() string {
	if p.Address == "" && len(p.Targets) > 0 {
		return p.Targets[0].URL
	}
	return p.Address
}

// ProxyChoice is what the user chose for the proxy in the advanced
// settings.
type ProxyChoice string

// The proxy choices.
const (
	// ProxySystem follows the computer's settings (the default).
	ProxySystem ProxyChoice = "system"
	// ProxyNone connects directly.
	ProxyNone ProxyChoice = "none"
	// ProxyURL uses Request.ProxyURL.
	ProxyURL ProxyChoice = "url"
)

// Header is one extra request header.
type Header = session.Header

// Request is what the user asked to check, as typed on the first screen.
type Request struct {
	// Address as typed.
	Address string
	// SelfTest checks this computer alone (Test this computer only).
	SelfTest bool
	// Headers are extra request headers, in the order typed.
	Headers []Header
	// Cookie is sent as the Cookie header.
	Cookie string
	// Proxy is the proxy choice; "" means ProxySystem.
	Proxy ProxyChoice
	// ProxyURL is the proxy to use when Proxy is ProxyURL.
	ProxyURL string
	// ProxyUser and ProxyPassword sign in to a proxy that asks (Basic,
	// NTLM) when it does not take the Windows sign-in; empty: none.
	ProxyUser, ProxyPassword string
	// ClientCert and ClientKey are PEM files for a client certificate.
	ClientCert, ClientKey string
	// CAFile is a PEM file of a CA to trust.
	CAFile string
	// IdleTest is how long the idle test holds a connection; 0 is off.
	IdleTest time.Duration
}

// session is the check the request asks for; the error says why the
// proxy typed is not one a check can use.
func (r Request) session() (session.Request, error) {
	req := session.Request{
		Address:    r.Address,
		SelfTest:   r.SelfTest,
		Headers:    r.Headers,
		Cookie:     r.Cookie,
		ClientCert: r.ClientCert,
		ClientKey:  r.ClientKey,
		CAFile:     r.CAFile,
	}
	if r.ProxyUser != "" {
		req.ProxyCredentials = &netenv.ProxyCredentials{User: r.ProxyUser, Password: r.ProxyPassword}
	}
	switch r.Proxy {
	case ProxyNone:
		req.Proxy = netenv.Direct
	case ProxyURL:
		m, err := netenv.ProxyMode(r.ProxyURL)
		if err != nil {
			return req, err
		}
		req.Proxy = m
	}
	return req, nil
}

// parseHeaders reads the advanced headers box: one "Name: value" a line,
// blank lines ignored. The error names the first bad line, from 1.
func parseHeaders(text string) ([]Header, int) {
	var hs []Header
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		h, err := session.ParseHeader(line)
		if err != nil {
			return nil, i + 1
		}
		hs = append(hs, h)
	}
	return hs, 0
}

// validProxyURL accepts the proxies a check can use.
func validProxyURL(s string) bool {
	_, err := netenv.ProxyMode(s)
	return err == nil
}

// idleChoices are the lengths offered for the idle test, matching
// Words.IdleChoices; two minutes is longer than the 60 to 90 s that many
// proxies allow, and shorter than the 120 to 180 s they are asked for.
var idleChoices = []time.Duration{0, 30 * time.Second, time.Minute, 2 * time.Minute, 3 * time.Minute, 5 * time.Minute}

// defaultIdle is the idle test's length unless the user changes it.
const defaultIdle = 2 * time.Minute

// idleFor is the idle test's length for a service that needs an idle
// WebSocket to stay open for required: the shortest choice that covers it
// (the longest if none does), defaultIdle when it says nothing.
func idleFor(required time.Duration) time.Duration {
	if required <= 0 {
		return defaultIdle
	}
	for _, d := range idleChoices {
		if d >= required {
			return d
		}
	}
	return idleChoices[len(idleChoices)-1]
}

// Environment is what the wizard shows of how this computer reaches the
// network, as the session worked it out.
type Environment = session.Environment

// ProxyInfo describes the proxy a connection goes through.
type ProxyInfo = session.ProxyInfo

// VPNInfo describes an active VPN.
type VPNInfo = session.VPNInfo

// Run is one finished check, as the result and share screens show it:
// the session's run, and the parts of it the screens read.
type Run struct {
	Request Request
	// Env is what the connection screen showed; nil when it was skipped.
	Env     *Environment
	Session *session.Run
	// Outcome, Findings, Verdict, Path and Idle are the session run's.
	Outcome  engine.Outcome
	Findings []diagnose.Finding
	Verdict  diagnose.Verdict
	Path     diagnose.Path
	// Idle is the idle test's result, once it has ended (not skipped).
	Idle *engine.Result
}

// newRun is the run the screens show of s.
func newRun(req Request, env *Environment, s *session.Run) *Run {
	return &Run{Request: req, Env: env, Session: s, Outcome: s.Outcome, Findings: s.Diagnosis.Findings,
		Verdict: s.Diagnosis.Verdict, Path: s.Diagnosis.Path, Idle: s.Idle}
}

// problems are the findings that ask for action, in their order.
func (r *Run) problems() []diagnose.Finding {
	var out []diagnose.Finding
	for _, f := range r.Findings {
		if f.Severity == diagnose.SeverityProblem || f.Severity == diagnose.SeverityWarning {
			out = append(out, f)
		}
	}
	return out
}

// allFormats are the formats the session exports, the one offered first
// first.
var allFormats = []string{"html", "json", "md", "text"}

// formatExt is the file name extension of each format.
var formatExt = map[string]string{"html": ".html", "json": ".json", "md": ".md", "text": ".txt"}

// addressError words a bad address for the person who typed it.
func addressError(err error) string {
	var te *engine.TargetError
	if errors.As(err, &te) {
		if f, ok := T.AddressBad[te.Part]; ok {
			return fmt.Sprintf(f, te.Msg)
		}
		return fmt.Sprintf(T.AddressBadOther, te.Msg)
	}
	return fmt.Sprintf(T.AddressBadOther, err)
}

// fixerOf says who can fix a finding, as the diagnosis says.
func fixerOf(f diagnose.Finding) string {
	if f.Severity == diagnose.SeverityOK || f.Severity == diagnose.SeverityInfo {
		return T.FixerNobody
	}
	switch f.WhoCanFix {
	case diagnose.FixerYou:
		return T.FixerYou
	case diagnose.FixerNetworkAdmin:
		return T.FixerIT
	case diagnose.FixerServiceAdmin:
		return T.FixerService
	}
	return T.FixerYou
}

// fmtDuration writes a duration the way a person says it.
func fmtDuration(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%d s", int(d.Seconds()))
	}
	m, s := int(d.Minutes()), int(d.Seconds())%60
	if s == 0 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d min %d s", m, s)
}

// fmtProbeTime is a probe's time for its row.
func fmtProbeTime(d time.Duration) string {
	if d < time.Millisecond {
		return T.TimeUnderMS
	}
	if d < 10*time.Second {
		return fmt.Sprintf(T.TimeMS, d.Milliseconds())
	}
	return fmt.Sprintf(T.TimeS, d.Seconds())
}
