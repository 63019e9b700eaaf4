package report

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/width"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// textWidth is where prose wraps: e-mail clients keep lines of this length
// as they are.
const textWidth = 76

// Text writes the report for a terminal or an e-mail body: the verdict and
// what to do first, then the path, this computer, a table of the steps and
// what each saw, in the language of words (English when nil).
func Text(w io.Writer, r Report, words *i18n.Words) error {
	wd := wordingOf(words)
	v := newView(r, wd)
	var b strings.Builder
	for _, s := range v.Banners {
		b.WriteString(wrap(s, textWidth, "") + "\n\n")
	}
	fmt.Fprintf(&b, "%s: %s\n", wd.T("report.title"), r.Target)
	fmt.Fprintf(&b, "%s (%s)\n", v.Verdict, wd.ms(r.DurationMS))
	if !v.HintRepeatsVerdict {
		b.WriteString(wrap(v.VerdictHint, textWidth, "") + "\n")
	}
	for _, s := range v.Summary {
		b.WriteString(wrap(s, textWidth, "") + "\n")
	}
	if v.Top != nil {
		fmt.Fprintf(&b, "\n%s\n", wd.findingHead(*v.Top))
		wd.textFindingBody(&b, *v.Top)
		if len(v.Top.Steps) > 0 {
			fmt.Fprintf(&b, "\n%s:\n", wd.T("report.what_to_do"))
			textSteps(&b, v.Top.Steps, "  ")
		}
	} else if v.FirstFailure != nil {
		fmt.Fprintf(&b, "\n%s: %s: %s\n", wd.T("report.first_failure"), wd.probeLabel(v.FirstFailure.Probe), wd.detail(v.FirstFailure.Code, v.FirstFailure.Reason))
	}
	if w := v.Watch; w != nil {
		fmt.Fprintf(&b, "\n%s:\n", wd.T("report.section.watch"))
		for _, s := range w.Summary {
			b.WriteString(wrap(s, textWidth, "  ") + "\n")
		}
		for _, row := range w.lines() {
			b.WriteString(wrap("- "+row.Time+"  "+row.what()+": "+row.Detail, textWidth, "    ")[2:] + "\n")
		}
		if m := w.moreLines(wd); m != "" {
			b.WriteString(wrap(m, textWidth, "  ") + "\n")
		}
	}
	if len(v.Others) > 0 {
		fmt.Fprintf(&b, "\n%s:\n", wd.T("report.also_found"))
		for _, f := range v.Others {
			fmt.Fprintf(&b, "- %s\n", wd.findingHead(f))
			wd.textFindingBody(&b, f)
			textSteps(&b, f.Steps, "  ")
		}
	}
	if len(v.AdminNotes) > 0 {
		fmt.Fprintf(&b, "\n%s:\n", wd.labels.Label("admin_note"))
		for _, n := range v.AdminNotes {
			note := n.Note
			if n.Title != "" {
				note = n.Title + ": " + note
			}
			for _, line := range strings.Split(note, "\n") {
				b.WriteString(wrap(line, textWidth, "  ") + "\n")
			}
		}
	}
	fmt.Fprintf(&b, "\n%s:\n", wd.T("report.section.path"))
	for i, h := range pathOf(r) {
		arrow := "   "
		if i > 0 {
			arrow = "-> "
		}
		fmt.Fprintf(&b, "  %s%s\n", arrow, wd.hopText(h))
	}
	fmt.Fprintf(&b, "\n%s:\n", wd.T("report.section.computer"))
	textPairs(&b, v.Env)
	if v.Browser != nil {
		fmt.Fprintf(&b, "\n%s:\n", v.BrowserTitle)
		textPairs(&b, v.Browser)
	}

	fmt.Fprintf(&b, "\n%s:\n", wd.T("report.section.steps"))
	nameW, statusW := 0, 0
	for _, rw := range v.Rows {
		nameW, statusW = max(nameW, columns(rw.Res.Probe)), max(statusW, columns(rw.Status))
	}
	for _, rw := range v.Rows {
		b.WriteString(strings.TrimRight(fmt.Sprintf("  %s  %s  %8s", padTo(rw.Res.Probe, nameW), padTo(rw.Status, statusW), rw.Time), " ") + "\n")
		if rw.Detail != "" {
			b.WriteString(wrap(rw.Detail, textWidth, "    ") + "\n")
		}
	}
	for _, rw := range v.Rows {
		res := rw.Res
		if len(res.Evidence) == 0 && res.Error == "" && len(res.Timings) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%s):\n", rw.Label, res.Probe)
		if len(res.Timings) > 0 {
			var parts []string
			for _, t := range res.Timings {
				parts = append(parts, fmt.Sprintf("%s %s", t.Phase, wd.ms(t.MS)))
			}
			fmt.Fprintf(&b, "  %s: %s\n", strings.ToLower(wd.T("report.section.timings")), strings.Join(parts, ", "))
		}
		if res.Error != "" {
			b.WriteString(wrap(wd.T("report.step.error")+": "+EscapeControls(ErrorCause(res.Error), false), textWidth, "  ") + "\n")
		}
		for _, kv := range res.Evidence {
			val := kv.Value
			if isErrorKey(kv.Key) {
				val = ErrorCause(val)
			}
			b.WriteString(wrap(kv.Key+": "+EscapeControls(val, false), textWidth, "  ") + "\n")
		}
	}
	fmt.Fprintf(&b, "\n%s:\n", wd.T("report.section.run"))
	textPairs(&b, v.Run)
	if r.Redacted {
		b.WriteString("\n" + wrap(wd.T("report.redacted"), textWidth, "") + "\n")
	}
	_, err := io.WriteString(w, EscapeControls(b.String(), true))
	return err
}

func (wd wording) findingHead(f diagnose.Finding) string {
	return fmt.Sprintf("[%s] %s (%s)", wd.severity(f.Severity), f.Title, f.ID)
}

// textFindingBody writes what follows a finding's title: how sure and who
// can fix it, the explanation and the words it explains.
func (wd wording) textFindingBody(b *strings.Builder, f diagnose.Finding) {
	for _, s := range []string{wd.findingMeta(f), f.Explanation, wd.findingTerms(f)} {
		if s != "" {
			b.WriteString(wrap(s, textWidth, "  ") + "\n")
		}
	}
}

func textSteps(b *strings.Builder, steps []string, indent string) {
	for i, s := range steps {
		n := fmt.Sprintf("%d. ", i+1)
		b.WriteString(indent + n + strings.TrimPrefix(wrap(s, textWidth, indent+strings.Repeat(" ", len(n))), indent+strings.Repeat(" ", len(n))) + "\n")
	}
}

func textPairs(b *strings.Builder, ps []pair) {
	for _, p := range ps {
		if p.Label == "" {
			b.WriteString(wrap(p.Value, textWidth, "  ") + "\n")
			continue
		}
		b.WriteString(wrap(p.Label+": "+p.Value, textWidth, "  ") + "\n")
	}
}

// columns is how many columns of a terminal s takes: two for a Japanese
// or Chinese character, one for the others.
func columns(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// padTo is s with spaces after it up to w columns.
func padTo(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-columns(s)))
}

// wrap folds s into lines of at most width runes, each starting with
// indent; a word longer than a line (a URL) stays whole.
func wrap(s string, width int, indent string) string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := indent
		for _, word := range strings.Fields(para) {
			if line != indent && len([]rune(line))+1+len([]rune(word)) > width {
				lines = append(lines, line)
				line = indent
			}
			if line != indent {
				line += " "
			}
			line += word
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
