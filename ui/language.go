package ui

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// language is what the window speaks, chosen once in main.go and handed
// in through Engine: its own words (the window.* keys of the catalogues,
// with the language's numbers and units) and the diagnosis's (the labels
// the window shares with the reports, the glossary, the sentences for
// probe codes).
type language struct {
	*i18n.Words
	cat *diagnose.Catalogue
}

// languageOf is the language eng asks for: English when it names none.
func languageOf(eng Engine) language {
	w := eng.Words
	if w == nil {
		w = i18n.English()
	}
	c := eng.Catalogue
	if c == nil {
		c = diagnose.MustCatalogue(w.Lang)
	}
	return language{Words: w, cat: c}
}

// SystemLanguage is the language of the desktop, as Fyne reads it
// (LANG and LC_* on Linux, the user's language on Windows and macOS), as
// one of i18n.Languages; "" when the window does not speak it.
func SystemLanguage() string {
	l, _ := i18n.Match(string(lang.SystemLocale()))
	return l
}

// label is the diagnosis catalogue's label key ("fixer.you"), the words
// the window and the reports share; def when the catalogue has none.
func (l language) label(key, def string) string {
	if s := l.cat.Label(key); s != "" {
		return s
	}
	return def
}

// addressError words a bad address for the person who typed it.
func (l language) addressError(err error) string {
	var te *engine.TargetError
	if errors.As(err, &te) {
		key := "window.address.bad." + te.Part
		if !l.Has(key) {
			key = "window.address.bad.other"
		}
		return l.T(key, "problem", te.Msg)
	}
	return l.T("window.address.bad.other", "problem", err.Error())
}

// fixerOf says who can fix a finding, in the diagnosis's words.
func (l language) fixerOf(f diagnose.Finding) string {
	if f.Severity == diagnose.SeverityOK || f.Severity == diagnose.SeverityInfo {
		return l.T("window.result.fixer_nobody")
	}
	you := l.label("fixer."+string(diagnose.FixerYou), string(diagnose.FixerYou))
	return l.label("fixer."+string(f.WhoCanFix), you)
}

// whoFixes is the "Who can fix it: ..." line of a finding.
func (l language) whoFixes(f diagnose.Finding) string {
	return strings.ReplaceAll(l.label("who", "{who}"), "{who}", l.fixerOf(f))
}

// severity is a finding's severity in words.
func (l language) severity(s diagnose.Severity) string {
	return l.label("severity."+string(s), string(s))
}

// probeWords is what a probe does, in plain words; its name when the
// window has none.
func (l language) probeWords(name string) string {
	if key := "window.probe." + name; l.Has(key) {
		return l.T(key)
	}
	return name
}

// probeWordsFor is what a probe does in a run: the self-test's own words
// where a probe's usual ones speak of the Internet or the service, which
// the self-test does not reach.
func (l language) probeWordsFor(name string, selfTest bool) string {
	if key := "window.probe_self." + name; selfTest && l.Has(key) {
		return l.T(key)
	}
	return l.probeWords(name)
}

// probeTime is a probe's time for its row: under a millisecond, whole
// milliseconds below ten seconds, else seconds with one decimal, in the
// language's numbers ("1,5 s" in German).
func (l language) probeTime(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return l.T("unit.under_ms")
	case d < 10*time.Second:
		return l.T("unit.ms", "n", d.Milliseconds())
	}
	return l.T("unit.s", "n", l.Float(d.Seconds(), 1))
}

// verdictShort is the verdict in a few words, for the before/after line
// and an e-mail's subject.
func (l language) verdictShort(v diagnose.Verdict) string {
	return l.T("window.verdict_short." + string(v))
}

// formatName is how a report format is offered ("Web page (HTML)").
func (l language) formatName(format string) string {
	if key := "window.share.format." + format; l.Has(key) {
		return l.T(key)
	}
	return format
}
