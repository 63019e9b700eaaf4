package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// Engine is everything the wizard asks of the rest of the program. Main
// fills it from package checks and its sub-packages; tests fill it with
// fakes. Only Check is required: every other field may be nil, and the
// wizard then does without (see each field).
type Engine struct {
	// Check runs one check of req and reports progress through onEvent,
	// from any goroutine. It must return promptly when ctx is cancelled.
	// An empty req.Address means the built-in self-test. Required.
	Check func(ctx context.Context, req Request, onEvent func(checks.Event)) (checks.Outcome, error)

	// Probes are the names of the probes Check runs, in the order the rows
	// are shown; nil means those of checks.DefaultProbes.
	Probes []string

	// Environment says how this computer reaches the network (proxy, VPN)
	// for req. Nil: the "Your connection" screen is skipped and the path
	// picture shows no proxy or VPN.
	Environment func(ctx context.Context, req Request) (Environment, error)

	// Diagnose turns a run into findings, most likely first. env is nil
	// when Environment is nil or failed. Nil: no findings; the result
	// screen names the probes that failed instead.
	Diagnose func(out checks.Outcome, env *Environment) []diagnose.Finding

	// Idle holds a WebSocket open and quiet for req.IdleTest and says how
	// that went, as a result named "idle" that is added to the run and
	// diagnosed again. It must return promptly when ctx is cancelled (the
	// user pressed Skip). Nil: no idle test, and its setting is hidden.
	Idle func(ctx context.Context, req Request) checks.Result

	// Browser opens run's address in the person's own browser (package
	// checks/browser: browser.Test with the system's browser) and waits for
	// its answer; it must return promptly when ctx is cancelled (the user
	// pressed Skip). The engine keeps the answer for run.Outcome and sets it
	// beside the check's in its later Diagnose, AdminNote and Export of that
	// run. Nil: no "Test in my browser too" button.
	Browser func(ctx context.Context, run Run) (browser.Result, error)

	// AdminNote is the whole note for the network administrator about
	// run: what the check needs of the network and every finding, as one
	// block. Nil or empty: the Fix it screen copies the note of the finding
	// the step is for.
	AdminNote func(run Run) string

	// Export writes the run in one of Formats. Nil: DefaultExport.
	Export func(run Run, format string) ([]byte, error)
	// Formats are the formats Export writes ("html", "json", "md",
	// "text"), the one offered first first. Nil: DefaultFormats.
	Formats []string

	// Mail opens the user's e-mail program with a message to to. Nil, or
	// an empty Preset.SupportEmail: the e-mail button is disabled.
	Mail func(to, subject, body string) error

	// Preset is what the support team set for their service.
	Preset Preset

	// Version is the program's version, for the default export.
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
type Header struct {
	Name, Value string
}

// Request is what the user asked to check, as typed on the first screen.
type Request struct {
	// Address as typed; "" means the built-in self-test.
	Address string
	// Headers are extra request headers, in the order typed.
	Headers []Header
	// Cookie is sent as the Cookie header.
	Cookie string
	// Proxy is the proxy choice; "" means ProxySystem.
	Proxy ProxyChoice
	// ProxyURL is the proxy to use when Proxy is ProxyURL.
	ProxyURL string
	// ClientCert and ClientKey are PEM files for a client certificate.
	ClientCert, ClientKey string
	// CAFile is a PEM file of a CA to trust.
	CAFile string
	// IdleTest is how long the idle test holds a connection; 0 is off.
	IdleTest time.Duration
}

// Options are the run options the request asks for.
func (r Request) Options() checks.Options {
	o := checks.Options{
		ClientCert: r.ClientCert,
		ClientKey:  r.ClientKey,
		CAFile:     r.CAFile,
		Proxy:      "system",
	}
	switch r.Proxy {
	case ProxyNone:
		o.Proxy = "none"
	case ProxyURL:
		o.Proxy = strings.TrimSpace(r.ProxyURL)
	}
	if len(r.Headers) > 0 || r.Cookie != "" {
		h := map[string][]string{}
		for _, kv := range r.Headers {
			k := canonicalKey(kv.Name)
			h[k] = append(h[k], kv.Value)
		}
		if r.Cookie != "" {
			h["Cookie"] = []string{r.Cookie}
		}
		o.Headers = h
	}
	return o
}

// canonicalKey writes a header name as net/http does ("x-api-key" becomes
// "X-Api-Key"), so the probes find Cookie and Origin under their names.
func canonicalKey(s string) string {
	b := []byte(strings.ToLower(s))
	up := true
	for i, c := range b {
		if up && 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '-'
	}
	return string(b)
}

// parseHeaders reads the advanced headers box: one "Name: value" a line,
// blank lines ignored. The error names the first bad line, from 1.
func parseHeaders(text string) ([]Header, int) {
	var hs []Header
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, i + 1
		}
		hs = append(hs, Header{name, strings.TrimSpace(value)})
	}
	return hs, 0
}

// validProxyURL accepts the proxies a check can use.
func validProxyURL(s string) bool {
	_, u, err := netenv.ParseMode(s)
	return err == nil && u != nil
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
// network.
type Environment struct {
	// Proxy is the proxy that applies to the address; nil means none.
	Proxy *ProxyInfo
	// VPN is the VPN carrying the default route; nil means none.
	VPN *VPNInfo
	// Raw is the engine's own description (say, netenv's settings), handed
	// back to Diagnose and Export untouched.
	Raw any
}

// ProxyInfo describes the proxy a connection goes through.
type ProxyInfo struct {
	// Address is the proxy as host:port or URL, without credentials; empty
	// when a script decides.
	Address string
	// Source is where the setting was found, a netenv source name ("env",
	// "wininet", "winhttp", "macos", "gnome", "kde", "option", "pac",
	// "wpad").
	Source string
	// Managed is set when the setting comes from an administrator (a
	// policy, a PAC or WPAD on the company network).
	Managed bool
	// Auto is set when a PAC script or WPAD chooses the proxy.
	Auto bool
}

// VPNInfo describes an active VPN.
type VPNInfo struct {
	// Name is the VPN's product or protocol ("WireGuard"); may be empty.
	Name string
	// Interface is the network interface ("wg0").
	Interface string
}

// Run is one finished check, as the result and share screens show it.
type Run struct {
	Request  Request
	Env      *Environment
	Outcome  checks.Outcome
	Findings []diagnose.Finding
	Verdict  diagnose.Verdict
	// Idle is the idle test's result, once it has ended (not skipped).
	Idle *checks.Result
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

// DefaultFormats are the formats DefaultExport writes.
var DefaultFormats = []string{"json", "text"}

// DefaultExport writes a run as the report package does today: JSON or
// text, redacted.
func DefaultExport(version string) func(run Run, format string) ([]byte, error) {
	return func(run Run, format string) ([]byte, error) {
		rep := report.New(report.Tool{Name: "wsdoctor", Version: version}, run.Outcome, run.Findings, false)
		switch format {
		case "json":
			return rep.JSON()
		case "text":
			var b bytes.Buffer
			err := report.Text(&b, rep)
			return b.Bytes(), err
		}
		return nil, fmt.Errorf("export: format %q is not supported", format)
	}
}

// formatExt is the file name extension of each format.
var formatExt = map[string]string{"html": ".html", "json": ".json", "md": ".md", "text": ".txt"}

// addressError words a bad address for the person who typed it.
func addressError(err error) string {
	var te *checks.TargetError
	if errors.As(err, &te) {
		if f, ok := T.AddressBad[te.Part]; ok {
			return fmt.Sprintf(f, te.Msg)
		}
		return fmt.Sprintf(T.AddressBadOther, te.Msg)
	}
	return fmt.Sprintf(T.AddressBadOther, err)
}

// fixerOf says who can fix a finding: the diagnosis says so; findings
// without it (from an older report) go by the shared catalogue's IDs.
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
	switch f.ID {
	case "websocket-ok", "proxy-configured":
		return T.FixerNobody
	case "server-no-websocket", "tls-cert-invalid":
		return T.FixerService
	case "no-network", "vpn-active", "plain-ws-blocked", "proxy-auth-required":
		return T.FixerYou
	}
	if f.AdminNote != "" {
		return T.FixerIT
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
