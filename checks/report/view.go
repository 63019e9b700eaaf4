package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// view is what the human formats (HTML, Markdown, text) show, worked out
// once from a Report so that they say the same things in the same order.
type view struct {
	R           Report
	Banners     []string
	Verdict     string
	VerdictHint string
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

func newView(r Report) view {
	v := view{R: r, Verdict: words.Verdict[r.Verdict], VerdictHint: words.VerdictHint[r.Verdict]}
	if v.Verdict == "" {
		v.Verdict = string(r.Verdict)
	}
	if !r.Redacted {
		v.Banners = append(v.Banners, NoRedactBanner)
	}
	if r.Insecure {
		v.Banners = append(v.Banners, InsecureBanner)
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
		{words.OS, osLine(r.Environment)},
		{words.App, strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version)},
		{words.Proxy, proxyLine(r.Environment.Proxy)},
		{words.VPN, vpnLine(r.Environment.VPN)},
	}
	v.Browser, v.BrowserTitle = browserPairs(r.Browser), browserWords.Title
	v.Rows = rows(r)
	v.Run = runInfo(r)
	return v
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

func osLine(e Environment) string {
	s := e.OS
	if e.OSVersion != "" {
		s = e.OSVersion
	}
	if e.Arch != "" {
		s += " (" + e.Arch + ")"
	}
	return s
}

func proxyLine(p *Proxy) string {
	if p == nil {
		return words.NotChecked
	}
	var from []string
	if src := strings.TrimSpace(p.Source + " " + p.Origin); src != "" {
		from = append(from, words.From+" "+src)
	}
	if !p.Configured {
		if p.PACURL != "" {
			from = append(from, "PAC "+p.PACURL)
		}
		if len(from) == 0 {
			return words.NoProxy
		}
		return fmt.Sprintf(words.NoProxyFrom, strings.Join(from, ", "))
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

func vpnLine(p *VPN) string {
	switch {
	case p == nil:
		return words.NotChecked
	case !p.Active:
		return words.NoVPN
	}
	var parts []string
	for _, s := range []string{p.Name, p.Interface} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		s = "active"
	}
	if p.DefaultRoute {
		s += "; " + words.VPNDefaultRoute
	}
	return s
}

func rows(r Report) []row {
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
			Label:  probeLabel(res.Probe),
			Status: words.Status[res.Status],
			Time:   resultTime(res),
			Detail: detail(res.Code, res.Reason),
		}
		if rw.Status == "" {
			rw.Status = string(res.Status)
		}
		if end > 0 && res.DurationMS > 0 {
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
					Title:     fmt.Sprintf("%s %s", t.Phase, fmtMS(t.MS)),
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

func runInfo(r Report) []pair {
	p := []pair{
		{words.RunID, r.RunID},
		{words.StartedUTC, r.Started.UTC().Format(utcLayout)},
		{words.StartedLocal, localLine(r)},
		{words.Duration, fmtMS(r.DurationMS)},
		{words.Target, r.Target},
	}
	var opts []string
	for _, k := range sortedKeys(r.Options.Headers) {
		opts = append(opts, k+": "+r.Options.Headers[k])
	}
	if len(r.Options.Subprotocols) > 0 {
		opts = append(opts, words.OptSubprotocols+" "+strings.Join(r.Options.Subprotocols, ", "))
	}
	if r.Options.CAFile != "" {
		opts = append(opts, words.OptCAFile+" "+r.Options.CAFile)
	}
	if r.Options.ClientCert != "" {
		opts = append(opts, words.OptClientCert+" "+r.Options.ClientCert)
	}
	if r.Options.Insecure {
		opts = append(opts, words.OptInsecure)
	}
	opts = append(opts, fmt.Sprintf(words.OptTimeouts, fmtMS(r.Options.ProbeTimeoutMS), fmtMS(r.Options.DeadlineMS)))
	p = append(p, pair{words.Options, strings.Join(opts, "; ")})
	if r.Cancelled {
		p = append(p, pair{"", words.Cancelled})
	}
	if r.DeadlineHit {
		p = append(p, pair{"", words.DeadlineHit})
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

// resultTime is a result's duration as the tables show it.
func resultTime(res Result) string {
	if res.Status == engine.Skip && res.DurationMS == 0 {
		return "-"
	}
	return fmtMS(res.DurationMS)
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

func fmtMS(ms float64) string {
	switch {
	case ms >= 10000:
		return fmt.Sprintf("%.0f s", ms/1000)
	case ms >= 1000:
		return fmt.Sprintf("%.2f s", ms/1000)
	case ms >= 10:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f ms", ms)
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
func findingMeta(f diagnose.Finding) string {
	var parts []string
	if f.Confidence != "" {
		parts = append(parts, labels.Label("confidence."+string(f.Confidence)))
	}
	if f.WhoCanFix != "" {
		parts = append(parts, labels.Label("who_can_fix")+": "+labels.Label("fixer."+string(f.WhoCanFix)))
	}
	return strings.Join(parts, " · ")
}

// findingTerms is the finding's explanations of technical words, as one
// paragraph, or "".
func findingTerms(f diagnose.Finding) string {
	if len(f.Terms) == 0 {
		return ""
	}
	return labels.Label("terms") + ": " + strings.Join(f.Terms, " ")
}
