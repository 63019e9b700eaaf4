package report

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// Markdown writes the report to paste into a ticket: the same sections as
// the HTML, as headings, lists and one table, in the language of words
// (English when nil).
func Markdown(w io.Writer, r Report, words *i18n.Words) error {
	wd := wordingOf(words)
	v := newView(r, wd)
	var b strings.Builder
	for _, s := range v.Banners {
		fmt.Fprintf(&b, "> **%s**\n\n", mdEscape(s))
	}
	fmt.Fprintf(&b, "# %s: %s\n\n", wd.T("report.title"), mdEscape(r.Target))
	fmt.Fprintf(&b, "## %s\n\n%s\n\n", mdEscape(v.Verdict), mdEscape(v.VerdictHint))
	for _, s := range v.Summary {
		fmt.Fprintf(&b, "%s  \n", mdEscape(s))
	}
	if len(v.Summary) > 0 {
		b.WriteString("\n")
	}
	if v.Top != nil {
		fmt.Fprintf(&b, "### %s\n\n", wd.mdFindingHead(*v.Top))
		for _, s := range []string{wd.findingMeta(*v.Top), v.Top.Explanation, wd.findingTerms(*v.Top)} {
			if s != "" {
				fmt.Fprintf(&b, "%s\n\n", mdEscape(s))
			}
		}
		if len(v.Top.Steps) > 0 {
			fmt.Fprintf(&b, "**%s**\n\n", wd.T("report.what_to_do"))
			mdSteps(&b, v.Top.Steps, "")
			b.WriteString("\n")
		}
	} else if v.FirstFailure != nil {
		fmt.Fprintf(&b, "**%s:** %s: %s\n\n", wd.T("report.first_failure"), mdEscape(wd.probeLabel(v.FirstFailure.Probe)), mdEscape(wd.detail(v.FirstFailure.Code, v.FirstFailure.Reason)))
	}
	if w := v.Watch; w != nil {
		fmt.Fprintf(&b, "### %s\n\n", wd.T("report.section.watch"))
		for _, s := range w.Summary {
			fmt.Fprintf(&b, "%s\n\n", mdEscape(s))
		}
		for _, row := range w.lines() {
			fmt.Fprintf(&b, "- %s **%s**: %s\n", mdEscape(row.Time), mdEscape(row.what()), mdEscape(row.Detail))
		}
		if m := w.moreLines(wd); m != "" {
			fmt.Fprintf(&b, "\n%s\n", mdEscape(m))
		}
		b.WriteString("\n")
	}
	if len(v.Others) > 0 {
		fmt.Fprintf(&b, "### %s\n\n", wd.T("report.also_found"))
		for _, f := range v.Others {
			fmt.Fprintf(&b, "- **%s**", wd.mdFindingHead(f))
			if m := wd.findingMeta(f); m != "" {
				fmt.Fprintf(&b, " (%s)", mdEscape(m))
			}
			if f.Explanation != "" {
				fmt.Fprintf(&b, ": %s", mdEscape(f.Explanation))
			}
			b.WriteString("\n")
			mdSteps(&b, f.Steps, "   ")
		}
		b.WriteString("\n")
	}
	if len(v.AdminNotes) > 0 {
		fmt.Fprintf(&b, "### %s\n\n", wd.labels.Label("admin_note"))
		for _, n := range v.AdminNotes {
			b.WriteString("> ")
			if n.Title != "" {
				fmt.Fprintf(&b, "**%s:** ", mdEscape(n.Title))
			}
			b.WriteString(strings.ReplaceAll(mdEscape(n.Note), "\n", "  \n> "))
			b.WriteString("\n\n")
		}
	}
	fmt.Fprintf(&b, "### %s\n\n", wd.T("report.section.path"))
	for i, h := range pathOf(r) {
		if i > 0 {
			b.WriteString(" → ")
		}
		fail := h.State == diagnose.HopStops
		h.State = diagnose.HopOK
		b.WriteString(mdEscape(wd.hopText(h)))
		if fail {
			fmt.Fprintf(&b, " **(✕ %s)**", wd.T("report.path.fails_here"))
		}
	}
	b.WriteString("\n\n")
	fmt.Fprintf(&b, "### %s\n\n", wd.T("report.section.computer"))
	mdPairs(&b, v.Env)
	if v.Browser != nil {
		fmt.Fprintf(&b, "### %s\n\n", mdEscape(v.BrowserTitle))
		mdPairs(&b, v.Browser)
	}

	fmt.Fprintf(&b, "### %s\n\n| %s | %s | %s | %s |\n|---|---|---|---|\n", wd.T("report.section.steps"),
		wd.T("report.column.step"), wd.T("report.column.status"), wd.T("report.column.time"), wd.T("report.column.detail"))
	for _, rw := range v.Rows {
		fmt.Fprintf(&b, "| %s (%s) | %s | %s | %s |\n", mdCell(rw.Label), mdCode(rw.Res.Probe), mdCell(rw.Status), mdCell(rw.Time), mdCell(rw.Detail))
	}
	fmt.Fprintf(&b, "\n### %s\n\n", wd.T("report.section.details"))
	for _, rw := range v.Rows {
		res := rw.Res
		fmt.Fprintf(&b, "#### %s (%s): %s\n\n", mdEscape(rw.Label), mdCode(res.Probe), mdEscape(rw.Status))
		if res.Code != "" {
			fmt.Fprintf(&b, "- %s: %s\n", wd.T("report.step.code"), mdCode(res.Code))
		}
		if rw.Reason != "" {
			fmt.Fprintf(&b, "- %s\n", mdEscape(oneLine(rw.Reason)))
		}
		if len(res.Timings) > 0 {
			var parts []string
			for _, t := range res.Timings {
				parts = append(parts, fmt.Sprintf("%s %s", t.Phase, wd.ms(t.MS)))
			}
			fmt.Fprintf(&b, "- %s: %s\n", strings.ToLower(wd.T("report.section.timings")), mdEscape(strings.Join(parts, ", ")))
		}
		if res.Error != "" {
			fmt.Fprintf(&b, "- %s: %s\n", wd.T("report.step.error"), mdCode(flat(res.Error)))
		}
		for _, kv := range res.Evidence {
			fmt.Fprintf(&b, "- %s: %s\n", mdCode(kv.Key), mdCode(flat(kv.Value)))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "### %s\n\n", wd.T("report.section.run"))
	mdPairs(&b, v.Run)
	if r.Redacted {
		fmt.Fprintf(&b, "_%s_\n", mdEscape(wd.T("report.redacted")))
	}
	_, err := io.WriteString(w, EscapeControls(b.String(), true))
	return err
}

func (wd wording) mdFindingHead(f diagnose.Finding) string {
	return fmt.Sprintf("%s: %s (%s)", mdEscape(wd.severity(f.Severity)), mdEscape(f.Title), mdCode(f.ID))
}

func mdSteps(b *strings.Builder, steps []string, indent string) {
	for i, s := range steps {
		fmt.Fprintf(b, "%s%d. %s\n", indent, i+1, mdEscape(oneLine(s)))
	}
}

func mdPairs(b *strings.Builder, ps []pair) {
	for _, p := range ps {
		if p.Label == "" {
			fmt.Fprintf(b, "- %s\n", mdEscape(p.Value))
			continue
		}
		fmt.Fprintf(b, "- **%s:** %s\n", mdEscape(p.Label), mdEscape(p.Value))
	}
	b.WriteString("\n")
}

// mdEscape makes s plain text in Markdown (GitHub, GitLab, Jira's Markdown
// mode), on one line, escaping only what would change its meaning so that
// the raw text still reads well in a ticket that does not render Markdown.
func mdEscape(s string) string {
	rs := []rune(strings.Join(strings.Fields(s), " "))
	word := func(i int) bool {
		return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]))
	}
	var b strings.Builder
	for i, c := range rs {
		switch c {
		case '\\', '`', '*', '[', ']', '<', '~':
			b.WriteByte('\\')
		case '_':
			// Inside a word ("not_public_root") it is never emphasis.
			if !word(i-1) || !word(i+1) {
				b.WriteByte('\\')
			}
		case '#', '>', '+', '-':
			if i == 0 {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(c)
	}
	return b.String()
}

// mdCell is mdEscape for a table cell.
func mdCell(s string) string { return strings.ReplaceAll(mdEscape(s), "|", `\|`) }

// mdCode puts s in a code span whose fence is longer than any run of
// backticks inside it.
func mdCode(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	run, longest := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if s == "" || strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || longest > 0 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
