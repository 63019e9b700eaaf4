package report

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// textWidth is where prose wraps: e-mail clients keep lines of this length
// as they are.
const textWidth = 76

// Text writes the report for a terminal or an e-mail body: the verdict and
// what to do first, then the path, this computer, a table of the steps and
// what each saw.
func Text(w io.Writer, r Report) error {
	v := newView(r)
	var b strings.Builder
	for _, s := range v.Banners {
		b.WriteString(wrap(s, textWidth, "") + "\n\n")
	}
	fmt.Fprintf(&b, "%s: %s\n", words.Title, r.Target)
	fmt.Fprintf(&b, "%s (%s)\n", v.Verdict, fmtMS(r.DurationMS))
	b.WriteString(wrap(v.VerdictHint, textWidth, "") + "\n")
	for _, s := range v.Summary {
		b.WriteString(wrap(s, textWidth, "") + "\n")
	}
	if v.Top != nil {
		fmt.Fprintf(&b, "\n%s\n", findingHead(*v.Top))
		textFindingBody(&b, *v.Top)
		if len(v.Top.Steps) > 0 {
			fmt.Fprintf(&b, "\n%s:\n", words.WhatToDo)
			textSteps(&b, v.Top.Steps, "  ")
		}
	} else if v.FirstFailure != nil {
		fmt.Fprintf(&b, "\n%s: %s: %s\n", words.FirstFailure, probeLabel(v.FirstFailure.Probe), detail(v.FirstFailure.Code, v.FirstFailure.Reason))
	}
	if len(v.Others) > 0 {
		fmt.Fprintf(&b, "\n%s:\n", words.OtherFindings)
		for _, f := range v.Others {
			fmt.Fprintf(&b, "- %s\n", findingHead(f))
			textFindingBody(&b, f)
			textSteps(&b, f.Steps, "  ")
		}
	}
	if len(v.AdminNotes) > 0 {
		fmt.Fprintf(&b, "\n%s:\n", words.ForAdmin)
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
	fmt.Fprintf(&b, "\n%s:\n", words.Path)
	for i, h := range pathOf(r) {
		arrow := "   "
		if i > 0 {
			arrow = "-> "
		}
		fmt.Fprintf(&b, "  %s%s\n", arrow, hopText(h))
	}
	fmt.Fprintf(&b, "\n%s:\n", words.Environment)
	textPairs(&b, v.Env)
	if v.Browser != nil {
		fmt.Fprintf(&b, "\n%s:\n", v.BrowserTitle)
		textPairs(&b, v.Browser)
	}

	fmt.Fprintf(&b, "\n%s:\n", words.Probes)
	nameW, statusW := 0, 0
	for _, rw := range v.Rows {
		nameW, statusW = max(nameW, len(rw.Res.Probe)), max(statusW, len(rw.Status))
	}
	for _, rw := range v.Rows {
		fmt.Fprintf(&b, "  %-*s  %-*s  %8s\n", nameW, rw.Res.Probe, statusW, rw.Status, rw.Time)
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
				parts = append(parts, fmt.Sprintf("%s %s", t.Phase, fmtMS(t.MS)))
			}
			fmt.Fprintf(&b, "  %s: %s\n", strings.ToLower(words.Timings), strings.Join(parts, ", "))
		}
		if res.Error != "" {
			b.WriteString(wrap(words.Error+": "+EscapeControls(res.Error, false), textWidth, "  ") + "\n")
		}
		for _, kv := range res.Evidence {
			b.WriteString(wrap(kv.Key+": "+EscapeControls(kv.Value, false), textWidth, "  ") + "\n")
		}
	}
	fmt.Fprintf(&b, "\n%s:\n", words.RunInfo)
	textPairs(&b, v.Run)
	if r.Redacted {
		b.WriteString("\n" + wrap(words.Redacted, textWidth, "") + "\n")
	}
	_, err := io.WriteString(w, EscapeControls(b.String(), true))
	return err
}

func findingHead(f diagnose.Finding) string {
	sev := words.Severity[f.Severity]
	if sev == "" {
		sev = string(f.Severity)
	}
	return fmt.Sprintf("[%s] %s (%s)", sev, f.Title, f.ID)
}

// textFindingBody writes what follows a finding's title: how sure and who
// can fix it, the explanation and the words it explains.
func textFindingBody(b *strings.Builder, f diagnose.Finding) {
	for _, s := range []string{findingMeta(f), f.Explanation, findingTerms(f)} {
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
