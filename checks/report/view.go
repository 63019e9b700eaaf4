package report

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// view is what the human formats (HTML, Markdown, text) show, worked out
// once from a Report so that they say the same things in the same order.
type view struct {
	R           Report
	W           wording
	Banners     []string
	Verdict     string
	VerdictHint string
	// HintRepeatsVerdict: the diagnosis's headline says no more than the
	// verdict (“Live connections do not work from this computer.” under
	// “Live connections do not work”), so the text shows the verdict once.
	HintRepeatsVerdict bool
	// Summary lines from the diagnosis: the most likely cause, who can
	// fix it, and whether the evidence could not tell the causes apart.
	Summary      []string
	Top          *diagnose.Finding
	FirstFailure *Result
	Others       []diagnose.Finding
	AdminNotes   []adminNote
	Env          []pair
	// Browser is the "Your browser" section; nil when the test did not run.
	Browser      []pair
	BrowserTitle string
	Rows         []row
	Run          []pair
	// Watch is the watch's timeline and table; nil for a check alone.
	Watch *watchView
}

type adminNote struct{ Title, Note string }

type pair struct{ Label, Value string }

// row is one probe as the tables and the timing chart show it.
type row struct {
	Res    Result
	Label  string
	Status string
	Time   string
	Detail string
	// Reason is the result's reason in the report's language (the JSON
	// keeps the engine's English one).
	Reason string
	// OffsetPct and WidthPct place the probe's bar on the run's time line;
	// Phases split the bar.
	OffsetPct, WidthPct float64
	Phases              []phaseBar
}

type phaseBar struct {
	Phase               engine.Phase
	OffsetPct, WidthPct float64
	Title               string
}

// Time formats used in every rendered report.
const (
	utcLayout   = "2006-01-02 15:04:05 UTC"
	localLayout = "2006-01-02 15:04:05 MST"
)

func newView(r Report, wd wording) view {
	v := view{R: r, W: wd, Verdict: wd.heading(r), VerdictHint: wd.named("report.verdict_hint.", string(r.Verdict))}
	if !r.Redacted {
		v.Banners = append(v.Banners, wd.T("report.banner.no_redact"))
	}
	if r.Insecure {
		v.Banners = append(v.Banners, wd.T("report.banner.insecure"))
	}
	if top, ok := r.Top(); ok {
		v.Top = &top
	}
	for _, f := range r.Findings {
		if v.Top != nil && f.ID == v.Top.ID {
			continue
		}
		v.Others = append(v.Others, f)
	}
	if s := r.Summary; s != nil {
		// The diagnosis ranked the findings, most likely cause first.
		if s.Headline != "" {
			v.VerdictHint = s.Headline
			v.HintRepeatsVerdict = s.Headline == wd.labels.Label("verdict."+string(r.Verdict))
		}
		for _, line := range []string{s.CauseText, s.WhoCanFixText, s.UncertainText} {
			if line != "" {
				v.Summary = append(v.Summary, line)
			}
		}
	} else {
		// Most severe first; the given order among equals.
		sort.SliceStable(v.Others, func(i, j int) bool {
			return severityRank(v.Others[i].Severity) > severityRank(v.Others[j].Severity)
		})
	}
	if r.AdminNote != "" {
		// The diagnosis wrote one note for the whole run.
		v.AdminNotes = []adminNote{{Note: r.AdminNote}}
	} else {
		for _, f := range append(topSlice(v.Top), v.Others...) {
			if f.AdminNote != "" {
				v.AdminNotes = append(v.AdminNotes, adminNote{f.Title, f.AdminNote})
			}
		}
	}
	if v.Top == nil && !r.Verdict.Works() {
		v.FirstFailure = firstFailure(r.Results)
	}
	v.Env = []pair{
		{wd.T("report.env.os"), osLine(r.Environment)},
		{wd.T("report.env.app"), strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version)},
		{wd.T("report.env.proxy"), wd.proxyLine(r.Environment.Proxy)},
		{wd.T("report.env.vpn"), wd.vpnLine(r.Environment.VPN)},
	}
	v.Browser, v.BrowserTitle = wd.browserPairs(r.Browser), wd.T("report.browser.title")
	v.Rows = wd.rows(r)
	v.Run = wd.runInfo(r)
	v.Watch = wd.watchView(r)
	return v
}

// heading is the report's big heading: the verdict, or what the run was
// where the verdict alone would mislead: the self-test, which tested this
// computer only, and a web page's address, whose live connection's own
// address is still to be tested.
func (wd wording) heading(r Report) string {
	key := ""
	switch {
	case r.Scope == "self-test" && r.Verdict.Works():
		key = "report.verdict.self_test"
	case r.Scope == "self-test" && r.Verdict == diagnose.DoesNotWork:
		key = "report.verdict.self_test_fails"
	case r.Verdict == diagnose.Incomplete && slices.ContainsFunc(r.Findings, func(f diagnose.Finding) bool { return f.ID == diagnose.IDAddressNeeded }):
		key = "report.verdict.address_needed"
	}
	if key != "" && wd.Has(key) {
		return wd.T(key)
	}
	if key, args := diagnose.Headline(headlineFacts(r)); key != "" && wd.Has(key) {
		return wd.T(key, args...)
	}
	return wd.verdict(r.Verdict)
}

// headlineFacts are the report's own facts for diagnose.Headline, so the
// heading names the party that fails as the window does, also for a
// report read back from its JSON.
func headlineFacts(r Report) diagnose.HeadlineFacts {
	f := diagnose.HeadlineFacts{Verdict: r.Verdict, SelfTest: r.Scope == "self-test"}
	if r.Summary != nil {
		f.Uncertain = r.Summary.Uncertain
	}
	if r.Path != nil {
		f.Path = *r.Path
	}
	if p := r.Environment.Proxy; p != nil && p.Configured && p.Source == string(netenv.SourceOption) {
		f.ProxyEntered = true
	}
	for _, res := range r.Results {
		if res.Probe == engine.ProbeTCP {
			f.TCPCode = res.Code
		}
	}
	if u, err := url.Parse(r.Target); err == nil {
		f.Host = u.Hostname()
	}
	return f
}

// firstFailure is the result to name when there is no finding: the first
// failure, else the first step that did not run for a reason of its own
// (not because of another step).
func firstFailure(rs []Result) *Result {
	for i, res := range rs {
		if res.Status == engine.Fail {
			return &rs[i]
		}
	}
	for i, res := range rs {
		if res.Status == engine.Skip && !strings.HasPrefix(res.Code, "needs_") && !strings.HasPrefix(res.Code, "after_") && res.Code != engine.CodeNotApplicable {
			return &rs[i]
		}
	}
	return nil
}

func topSlice(f *diagnose.Finding) []diagnose.Finding {
	if f == nil {
		return nil
	}
	return []diagnose.Finding{*f}
}

func osLine(e Machine) string {
	s := e.OS
	if e.OSVersion != "" {
		s = e.OSVersion
	}
	if e.Arch != "" {
		s += " (" + e.Arch + ")"
	}
	return s
}

func (wd wording) proxyLine(p *Proxy) string {
	if p == nil {
		return wd.T("report.env.not_checked")
	}
	var from []string
	if src := strings.TrimSpace(p.Source + " " + p.Origin); src != "" {
		from = append(from, wd.T("report.env.from", "source", src))
	}
	if !p.Configured {
		if p.PACURL != "" {
			from = append(from, "PAC "+p.PACURL)
		}
		if len(from) == 0 {
			return wd.T("report.env.no_proxy")
		}
		return wd.T("report.env.no_proxy_from", "from", strings.Join(from, ", "))
	}
	s := p.URL
	if s == "" {
		s = p.PACURL
	}
	if len(from) > 0 {
		s += " (" + strings.Join(from, ", ") + ")"
	}
	if p.PACURL != "" && p.URL != "" {
		s += ", PAC " + p.PACURL
	}
	return strings.TrimSpace(s)
}

func (wd wording) vpnLine(p *VPN) string {
	switch {
	case p == nil:
		return wd.T("report.env.not_checked")
	case !p.Active:
		return wd.T("report.env.no_vpn")
	}
	var parts []string
	for _, s := range []string{p.Name, p.Interface} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		s = wd.T("report.env.vpn_active")
	}
	if p.DefaultRoute {
		s += "; " + wd.T("report.env.vpn_default_route")
	}
	return s
}

func (wd wording) rows(r Report) []row {
	// The time line runs from the run's start to the last probe's end.
	end := r.DurationMS
	for _, res := range r.Results {
		if e := offsetMS(r, res) + res.DurationMS; e > end {
			end = e
		}
	}
	out := make([]row, 0, len(r.Results))
	for _, res := range r.Results {
		rw := row{
			Res:    res,
			Label:  wd.probeLabel(res.Probe),
			Status: wd.status(res.Status),
			Time:   wd.resultTime(res),
			Detail: wd.detail(res.Code, res.Reason),
			Reason: wd.reason(res.Reason),
		}
		// A step that did not run has no bar on the time line.
		if end > 0 && res.DurationMS > 0 && res.Status != engine.Skip {
			rw.OffsetPct = pct(offsetMS(r, res), end)
			rw.WidthPct = max(pct(res.DurationMS, end), 0.5)
			for _, t := range res.Timings {
				if t.MS <= 0 {
					continue
				}
				rw.Phases = append(rw.Phases, phaseBar{
					Phase:     t.Phase,
					OffsetPct: pct(t.StartMS, res.DurationMS),
					WidthPct:  max(pct(t.MS, res.DurationMS), 1),
					Title:     fmt.Sprintf("%s %s", t.Phase, wd.ms(t.MS)),
				})
			}
		}
		out = append(out, rw)
	}
	return out
}

// offsetMS is when a probe started, from the run's start.
func offsetMS(r Report, res Result) float64 {
	if res.Started.IsZero() || r.Started.IsZero() || res.Started.Before(r.Started) {
		return 0
	}
	return engine.Millis(res.Started.Sub(r.Started))
}

func pct(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	p := 100 * part / whole
	return min(max(p, 0), 100)
}

func (wd wording) runInfo(r Report) []pair {
	p := []pair{
		{wd.T("report.run.id"), r.RunID},
		{wd.T("report.run.started_utc"), r.Started.UTC().Format(utcLayout)},
		{wd.T("report.run.started_local"), localLine(r)},
		{wd.T("report.run.duration"), wd.ms(r.DurationMS)},
		{wd.T("report.run.target"), r.Target},
	}
	if line := wd.browserWayLine(r); line != "" {
		p = append(p, pair{wd.T("report.run.browser_way"), line})
	}
	var opts []string
	for _, k := range sortedKeys(r.Options.Headers) {
		opts = append(opts, k+": "+r.Options.Headers[k])
	}
	if len(r.Options.Subprotocols) > 0 {
		opts = append(opts, wd.T("report.option.subprotocols", "list", strings.Join(r.Options.Subprotocols, ", ")))
	}
	if r.Options.CAFile != "" {
		opts = append(opts, wd.T("report.option.ca_file", "file", r.Options.CAFile))
	}
	if r.Options.ClientCert != "" {
		opts = append(opts, wd.T("report.option.client_cert", "file", r.Options.ClientCert))
	}
	if r.Options.Insecure {
		opts = append(opts, wd.T("report.option.insecure"))
	}
	opts = append(opts, wd.T("report.option.timeouts", "step", wd.ms(r.Options.ProbeTimeoutMS), "all", wd.ms(r.Options.DeadlineMS)))
	p = append(p, pair{wd.T("report.run.options"), strings.Join(opts, "; ")})
	if r.Cancelled {
		p = append(p, pair{"", wd.T("report.run.cancelled")})
	}
	if r.DeadlineHit {
		p = append(p, pair{"", wd.T("report.run.deadline_hit")})
	}
	return p
}

func localLine(r Report) string {
	off := r.LocalOffsetMinutes
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	utcOff := fmt.Sprintf("UTC%s%02d:%02d", sign, off/60, off%60)
	t := r.LocalTime(r.Started)
	if r.LocalTimeZone == "" || r.LocalTimeZone == "UTC" && r.LocalOffsetMinutes == 0 {
		return t.Format("2006-01-02 15:04:05") + " " + utcOff
	}
	return t.Format(localLayout) + " (" + utcOff + ")"
}

// resultTime is a result's duration as the tables show it: none for a
// step that did not run (its time is only the wait for the step it
// needed).
func (wd wording) resultTime(res Result) string {
	if res.Status == engine.Skip {
		return ""
	}
	return wd.ms(res.DurationMS)
}

// Detail is the short explanation of a result shown next to its status.
func Detail(res engine.Result) string { return detail(res.Code, res.Reason) }

func detail(code, reason string) string {
	d := reason
	if code != "" && code != engine.CodeOK && !strings.Contains(d, code) {
		if d == "" {
			d = code
		} else {
			d = code + ": " + d
		}
	}
	return oneLine(d)
}

// flat folds s onto one line, whole.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// oneLine folds a value onto one bounded line for a table.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 160
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

// fmtTime is t in UTC as the reports show it.
func fmtTime(t time.Time) string { return t.UTC().Format(utcLayout) }

// findingMeta is the line under a finding's title: how sure the diagnosis
// is and who can fix it, in the catalogue's words.
func (wd wording) findingMeta(f diagnose.Finding) string {
	var parts []string
	if f.Confidence != "" {
		parts = append(parts, wd.labels.Label("confidence."+string(f.Confidence)))
	}
	if f.WhoCanFix != "" {
		parts = append(parts, wd.labels.Label("who_can_fix")+": "+wd.labels.Label("fixer."+string(f.WhoCanFix)))
	}
	return strings.Join(parts, " · ")
}

// findingTerms is the finding's explanations of technical words, as one
// paragraph, or "".
func (wd wording) findingTerms(f diagnose.Finding) string {
	if len(f.Terms) == 0 {
		return ""
	}
	return wd.labels.Label("terms") + ": " + strings.Join(f.Terms, " ")
}

// browserWayLine says which way a browser would open the WebSocket and
// whether it worked; "" when the report does not know.
func (wd wording) browserWayLine(r Report) string {
	switch {
	case r.BrowserWay == engine.BrowserWayH2 && r.BrowserWayWorks:
		return wd.T("report.browser_way.h2_works")
	case r.BrowserWay == engine.BrowserWayH2:
		return wd.T("report.browser_way.h2_fails")
	case r.BrowserWay == engine.BrowserWayHTTP1:
		return wd.T("report.browser_way.http1")
	}
	return ""
}
