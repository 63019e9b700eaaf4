package report

import (
	"math"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// wording is the language a report is written in: its own words
// (report.* and browser.* of the catalogues under assets/words) and the
// labels it shares with the diagnosis (severity, who can fix it, the
// note for the IT team), so that a label is said once. The caller hands
// it in; nothing here remembers a language.
type wording struct {
	*i18n.Words
	labels *diagnose.Catalogue
	// details are the engine's English reasons as patterns, to say them
	// in this language; none for English.
	details []detailTemplate
}

// wordingOf is the wording of w, English when w is nil.
func wordingOf(w *i18n.Words) wording {
	if w == nil {
		w = i18n.English()
	}
	wd := wording{Words: w, labels: diagnose.MustCatalogue(w.Lang)}
	if w.Lang != "en" {
		wd.details = detailTemplates(i18n.English())
	}
	return wd
}

// named is the text of prefix+name, or name itself when the catalogue
// has none (a value this version does not know, from a newer report).
func (wd wording) named(prefix, name string) string {
	if !wd.Has(prefix + name) {
		return name
	}
	return wd.T(prefix + name)
}

// probeLabel is the name of a probe as a person reads it.
func (wd wording) probeLabel(name string) string { return wd.named("report.probe.", name) }

func (wd wording) verdict(v diagnose.Verdict) string { return wd.named("report.verdict.", string(v)) }

func (wd wording) status(s engine.Status) string { return wd.named("report.status.", string(s)) }

// severity is the diagnosis's own word for s.
func (wd wording) severity(s diagnose.Severity) string {
	if l := wd.labels.Label("severity." + string(s)); l != "" {
		return l
	}
	return string(s)
}

// ms is a time the report keeps in milliseconds, in the language's
// numbers: "0.1 ms" in English, "0,1 ms" in German.
func (wd wording) ms(ms float64) string {
	return wd.Duration(time.Duration(math.Round(ms * float64(time.Millisecond))))
}
