package ui

import (
	"context"
	"strings"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
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

	// Connection says how this computer reaches the network (proxy, VPN)
	// for req (Checker.Connection). Nil: the "Your connection" screen is
	// skipped.
	Connection func(ctx context.Context, req session.Request) (session.Connection, error)

	// Idle holds a WebSocket open and quiet for length and returns run
	// with that result, diagnosed again; run itself when ctx ends first
	// (the user pressed Skip). Nil: no idle test, and its setting is
	// hidden.
	Idle func(ctx context.Context, run *session.Run, length time.Duration) *session.Run

	// Watch keeps connections open to the run's address through the
	// run's route for length (0: until ctx ends), calls onEvent with each
	// thing that happens to them, as it happens and from any goroutine,
	// and returns run with what it saw, diagnosed again, also when ctx
	// ends first (the user pressed Stop): Checker.Watch. Nil: no Keep
	// watching on Result.
	Watch func(ctx context.Context, run *session.Run, length time.Duration, onEvent func(engine.WatchEvent)) *session.Run

	// Browser opens the run's address in the person's own browser and
	// returns the run with its answer beside the check's, diagnosed again
	// (Checker.Browser with the system's browser). It must return
	// promptly when ctx is cancelled (the user pressed Skip), and call
	// notLoaded (from any goroutine) with the test page's address when no
	// browser has loaded it after browser.LoadWait (Checker.BrowserWatch).
	// Nil: no "Test in my browser too" button.
	Browser func(ctx context.Context, run *session.Run, notLoaded func(page string)) (*session.Run, error)

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

	// Words are the window's words in the person's language, chosen once
	// in main.go; nil means English.
	Words *i18n.Words
	// Catalogue is the diagnosis's words in the same language: the labels
	// the window shares with the reports (who can fix it, severities,
	// proxy sources), the glossary and the sentences for probe codes. Nil
	// means the catalogue of Words' language.
	Catalogue *diagnose.Catalogue
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
	// Origin says where the preset came from: "flag" (--preset), "beside"
	// (the file beside the program), "added" (preset embed), "built_in"
	// (built into the program at build time); empty: no preset, the
	// program's own.
	Origin string
	// File is the preset's file, for "flag" and "beside".
	File string
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
type ProxyChoice = session.ProxyChoice

// The proxy choices.
const (
	// ProxySystem follows the computer's settings (the default).
	ProxySystem = session.ProxySystem
	// ProxyNone connects directly.
	ProxyNone = session.ProxyNone
	// ProxyURL uses Request.ProxyURL.
	ProxyURL = session.ProxyURL
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
	err := req.UseProxy(r.Proxy, r.ProxyURL, r.ProxyUser, r.ProxyPassword)
	return req, err
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
	return session.CheckProxyURL(s) == nil
}

// idleChoices are the lengths offered for the idle test, matching
// idleChoiceKeys; two minutes is longer than the 60 to 90 s that many
// proxies allow, and shorter than the 120 to 180 s they are asked for.
var idleChoices = []time.Duration{0, 30 * time.Second, time.Minute, 2 * time.Minute, 3 * time.Minute, 5 * time.Minute}

// idleChoiceKeys name idleChoices in the catalogue (window.idle.choice.*).
var idleChoiceKeys = []string{"off", "30s", "1min", "2min", "3min", "5min"}

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

// shownRun is one finished check as the result and share screens show
// it: the session's run (session.Run, the one meaning of "run"), the
// request as typed and the connection screen's view, and the parts of the
// session run the screens read.
type shownRun struct {
	Request Request
	// Conn is what the connection screen showed; nil when it was skipped.
	Conn    *session.Connection
	Session *session.Run
	// Outcome, Findings, Verdict, Path and Idle are the session run's.
	Outcome  engine.Outcome
	Findings []diagnose.Finding
	Verdict  diagnose.Verdict
	Path     diagnose.Path
	// Idle is the idle test's result, once it has ended (not skipped).
	Idle *engine.Result
}

// newShownRun is the run the screens show of s.
func newShownRun(req Request, conn *session.Connection, s *session.Run) *shownRun {
	return &shownRun{Request: req, Conn: conn, Session: s, Outcome: s.Outcome, Findings: s.Diagnosis.Findings,
		Verdict: s.Diagnosis.Verdict, Path: s.Diagnosis.Path, Idle: s.Idle}
}

// problems are the findings that ask for action, in their order.
func (r *shownRun) problems() []diagnose.Finding {
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
var formatExt = sync.OnceValue(func() map[string]string {
	return map[string]string{"html": ".html", "json": ".json", "md": ".md", "text": ".txt"}
})
