package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlPage is the page template. It has no script and loads nothing: the
// CSS is inline and the pictures are inline SVG, so the file reads the same
// on a machine with no network, and prints. Its words come from the
// wording each page is rendered with (htmlData.W), never from here. It is
// parsed on first use, not when the program starts: most runs never write
// HTML.
var htmlPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"sev":       wording.severity,
		"probe":     wording.probeLabel,
		"meta":      wording.findingMeta,
		"terms":     wording.findingTerms,
		"adminNote": func(wd wording) string { return wd.labels.Label("admin_note") },
		"detail":    func(wd wording, r *Result) string { return wd.detail(r.Code, r.Reason) },
		"timings": func(wd wording, ts []Timing) string {
			parts := make([]string, len(ts))
			for i, t := range ts {
				parts[i] = fmt.Sprintf("%s %s", t.Phase, wd.ms(t.MS))
			}
			return strings.Join(parts, ", ")
		},
		// barStyle places a bar; it only ever formats two numbers.
		"barStyle": func(offset, width float64) template.CSS {
			return template.CSS(fmt.Sprintf("left:%.2f%%;width:%.2f%%", offset, width))
		},
	}).Parse(htmlSource))
})

// htmlData is what the template reads.
type htmlData struct {
	R                    Report
	V                    view
	W                    wording
	Started              string
	PathAcross, PathDown template.HTML
	Phases               []engine.Phase
}

// HTML writes the report as one self-contained page: verdict and top
// finding first, then what to do, the note for the administrator, the path,
// this computer, the steps with a timing chart and their evidence, and the
// run's details; in the language of words (English when nil), which
// also gives the page's lang.
func HTML(w io.Writer, r Report, words *i18n.Words) error {
	wd := wordingOf(words)
	v := newView(r, wd)
	hops := pathOf(r)
	d := htmlData{
		R: r, V: v, W: wd,
		Started: fmtTime(r.Started),
		// pathSVG escapes every text it writes.
		PathAcross: template.HTML(wd.pathSVG(hops, true)),
		PathDown:   template.HTML(wd.pathSVG(hops, false)),
	}
	seen := map[engine.Phase]bool{}
	for _, res := range r.Results {
		for _, t := range res.Timings {
			if !seen[t.Phase] && t.MS > 0 {
				seen[t.Phase] = true
				d.Phases = append(d.Phases, t.Phase)
			}
		}
	}
	var b strings.Builder
	if err := htmlPage().Execute(&b, d); err != nil {
		return fmt.Errorf("report: render HTML: %w", err)
	}
	_, err := io.WriteString(w, escapeHTMLControls(b.String()))
	return err
}
