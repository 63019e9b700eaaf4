package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// verdictLine is the one-line summary of each verdict in the text output.
var verdictLine = map[diagnose.Verdict]string{
	diagnose.Works:             "WebSockets work",
	diagnose.WorksWithWarnings: "WebSockets work, with warnings",
	diagnose.DoesNotWork:       "WebSockets do not work",
	diagnose.Incomplete:        "The check did not finish",
}

// InsecureBanner is shown at the top of every output of a run made with
// certificate checks off.
const InsecureBanner = "WARNING: --insecure was used: certificates were NOT verified, so a TLS interception or an attack would not be noticed."

// Text writes the report for a terminal or an e-mail: the verdict first,
// then the findings with their steps, the note for the network
// administrator, and a table of probes with status, time and what each saw.
func Text(w io.Writer, r Report) error {
	var b strings.Builder
	if r.Insecure {
		fmt.Fprintf(&b, "%s\n\n", InsecureBanner)
	}
	fmt.Fprintf(&b, "%s %s: %s\n", r.Tool.Name, r.Tool.Version, r.Target)
	fmt.Fprintf(&b, "Verdict: %s (%s)\n", verdictLine[r.Verdict], fmtMS(r.DurationMS))
	writeDiagnosis(&b, r)
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "PROBE\tSTATUS\tTIME\tDETAIL")
	for _, res := range r.Results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", res.Probe, res.Status, fmtDur(res), Detail(res))
	}
	tw.Flush()
	b.WriteString("\n")
	for _, res := range r.Results {
		if len(res.Evidence) == 0 && res.Error == "" && len(res.Timings) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s:\n", res.Probe)
		if len(res.Timings) > 0 {
			var parts []string
			for _, t := range res.Timings {
				parts = append(parts, fmt.Sprintf("%s %s", t.Phase, fmtMS(checks.Millis(t.Duration))))
			}
			fmt.Fprintf(&b, "  timings: %s\n", strings.Join(parts, ", "))
		}
		if res.Error != "" {
			fmt.Fprintf(&b, "  error: %s\n", res.Error)
		}
		for _, kv := range res.Evidence {
			fmt.Fprintf(&b, "  %s: %s\n", kv.Key, oneLine(kv.Value))
		}
	}
	if !r.Redacted {
		b.WriteString("\nNOTE: this report was written with --no-redact and may contain secrets.\n")
	}
	fmt.Fprintf(&b, "\nrun %s, %s\n", r.RunID, r.Started.Format(time.RFC3339))
	_, err := io.WriteString(w, b.String())
	return err
}

// Detail is the short explanation of a result shown next to its status.
func Detail(res checks.Result) string {
	d := res.Reason
	if res.Code != "" && res.Code != checks.CodeOK && !strings.Contains(d, res.Code) {
		if d == "" {
			d = res.Code
		} else {
			d = res.Code + ": " + d
		}
	}
	return oneLine(d)
}

func fmtDur(res checks.Result) string {
	if res.Status == checks.Skip && res.Duration == 0 {
		return "-"
	}
	return fmtMS(checks.Millis(res.Duration))
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

// oneLine folds a value onto one bounded line for a table.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 160
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

// textWidth is where the text output wraps its sentences: it reads well in
// a terminal and in an e-mail.
const textWidth = 78

// writeDiagnosis writes the summary, each finding with its numbered steps
// and who can fix it, and the admin note.
func writeDiagnosis(b *strings.Builder, r Report) {
	if s := r.Summary; s != nil {
		for _, line := range []string{s.CauseText, s.WhoCanFixText, s.UncertainText} {
			if line != "" {
				wrap(b, line, "", "")
			}
		}
	}
	for i, f := range r.Findings {
		b.WriteString("\n")
		head := fmt.Sprintf("%d. [%s] %s (%s", i+1, orKey(diagnose.Label("severity."+string(f.Severity)), string(f.Severity)), f.Title, f.ID)
		if f.Confidence != "" && f.Confidence != diagnose.Sure {
			head += ", " + orKey(diagnose.Label("confidence."+string(f.Confidence)), string(f.Confidence))
		}
		wrap(b, head+")", "", "   ")
		if f.Explanation != "" {
			wrap(b, f.Explanation, "   ", "   ")
		}
		if len(f.Terms) > 0 {
			wrap(b, "("+orKey(diagnose.Label("terms"), "terms")+": "+strings.Join(f.Terms, " ")+")", "   ", "   ")
		}
		if len(f.Steps) > 0 {
			fmt.Fprintf(b, "   %s:\n", orKey(diagnose.Label("steps"), "steps"))
			for j, st := range f.Steps {
				wrap(b, st, fmt.Sprintf("     %d. ", j+1), "        ")
			}
		}
		if f.WhoCanFix != "" {
			wrap(b, fmt.Sprintf("%s: %s", orKey(diagnose.Label("who_can_fix"), "who can fix"), orKey(diagnose.Label("fixer."+string(f.WhoCanFix)), string(f.WhoCanFix))), "   ", "   ")
		}
		if len(f.Evidence) > 0 {
			var refs []string
			for _, e := range f.Evidence {
				refs = append(refs, fmt.Sprintf("%s %s=%s", e.Probe, e.Key, oneLine(e.Value)))
			}
			wrap(b, orKey(diagnose.Label("evidence"), "evidence")+": "+strings.Join(refs, "; "), "   ", "     ")
		}
	}
	if r.AdminNote != "" {
		fmt.Fprintf(b, "\n%s:\n", orKey(diagnose.Label("admin_note"), "admin note"))
		for _, line := range strings.Split(r.AdminNote, "\n") {
			if line == "" {
				b.WriteString("\n")
				continue
			}
			cont := "  "
			if strings.HasPrefix(line, "- ") {
				cont = "    "
			}
			wrap(b, line, "  ", cont)
		}
	}
}

func orKey(label, key string) string {
	if label == "" {
		return key
	}
	return label
}

// wrap writes s folded to textWidth: first prefixes the first line, rest
// the others.
func wrap(b *strings.Builder, s, first, rest string) {
	line := first
	empty := true
	for _, w := range strings.Fields(s) {
		if !empty && len([]rune(line))+1+len([]rune(w)) > textWidth {
			b.WriteString(line + "\n")
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += w
		empty = false
	}
	b.WriteString(line + "\n")
}
