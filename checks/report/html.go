package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlPage is the page template. It has no script and loads nothing: the
// CSS is inline and the pictures are inline SVG, so the file reads the same
// on a machine with no network, and prints.
var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"sev": func(s diagnose.Severity) string {
		if w := words.Severity[s]; w != "" {
			return w
		}
		return string(s)
	},
	"probe":  probeLabel,
	"meta":   findingMeta,
	"terms":  findingTerms,
	"detail": func(r *Result) string { return detail(r.Code, r.Reason) },
	"timings": func(ts []Timing) string {
		parts := make([]string, len(ts))
		for i, t := range ts {
			parts[i] = fmt.Sprintf("%s %s", t.Phase, fmtMS(t.MS))
		}
		return strings.Join(parts, ", ")
	},
	// barStyle places a bar; it only ever formats two numbers.
	"barStyle": func(offset, width float64) template.CSS {
		return template.CSS(fmt.Sprintf("left:%.2f%%;width:%.2f%%", offset, width))
	},
}).Parse(htmlSource))

// htmlData is what the template reads.
type htmlData struct {
	R                    Report
	V                    view
	W                    *wordsTable
	Lang                 string
	Started              string
	PathAcross, PathDown template.HTML
	Phases               []engine.Phase
}

// HTML writes the report as one self-contained page: verdict and top
// finding first, then what to do, the note for the administrator, the path,
// this computer, the steps with a timing chart and their evidence, and the
// run's details.
func HTML(w io.Writer, r Report) error {
	v := newView(r)
	hops := pathOf(r)
	d := htmlData{
		R: r, V: v, W: &words, Lang: lang,
		Started: fmtTime(r.Started),
		// pathSVG escapes every text it writes.
		PathAcross: template.HTML(pathSVG(hops, true)),
		PathDown:   template.HTML(pathSVG(hops, false)),
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
	if err := htmlPage.Execute(&b, d); err != nil {
		return fmt.Errorf("report: render HTML: %w", err)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
