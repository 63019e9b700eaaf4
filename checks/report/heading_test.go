package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// TestHeadingSaysWhatWasTested: the self-test's report is headed as the
// self-test, never "Live connections work", in every format and in
// German too; a check of an address keeps the verdict as its heading.
func TestHeadingSaysWhatWasTested(t *testing.T) {
	for _, tc := range []struct {
		scope, lang, want, not string
	}{
		{"self-test", "en", "Self-test: this computer can make live connections", "Live connections work"},
		{"self-test", "de", "Selbsttest: Dieser Computer kann Live-Verbindungen aufbauen", "Live-Verbindungen funktionieren"},
		{"target", "en", "Live connections work", "Self-test"},
	} {
		in := healthyInput()
		in.Scope = tc.scope
		r := Build(in)
		for _, f := range []Format{FormatText, FormatMarkdown, FormatHTML} {
			var b bytes.Buffer
			if err := Render(&b, r, f, i18n.MustLoad(tc.lang)); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), tc.want) || strings.Contains(b.String(), tc.not) {
				t.Errorf("%s %s %s: want %q and no %q:\n%.600s", tc.scope, tc.lang, f, tc.want, tc.not, b.String())
			}
		}
	}
}

// TestHeadingNamesTheParty: a run that does not work is headed, in every
// format and language and when read back from its JSON, with the sentence
// the window shows (diagnose.Headline): here the company's proxy. An
// uncertain diagnosis keeps the verdict as its heading.
func TestHeadingNamesTheParty(t *testing.T) {
	r := Build(failingInput())
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	uncertain := Build(failingInput())
	uncertain.Summary = &diagnose.Summary{Verdict: uncertain.Verdict, Headline: "A live connection could not be opened.",
		Uncertain: true, UncertainText: "The check cannot tell for sure which cause it is."}
	for _, tc := range []struct {
		name      string
		r         Report
		lang      string
		want, not string
	}{
		{"built", r, "en", "Your company proxy refuses live connections.", "Live connections do not work"},
		{"built, German", r, "de", "Der Proxy Ihrer Firma lässt keine Live-Verbindungen durch.", "Live-Verbindungen funktionieren nicht"},
		{"read back", back, "en", "Your company proxy refuses live connections.", "Live connections do not work"},
		{"uncertain", uncertain, "en", "Live connections do not work", "refuses live connections"},
	} {
		for _, f := range []Format{FormatText, FormatMarkdown, FormatHTML} {
			var b bytes.Buffer
			if err := Render(&b, tc.r, f, i18n.MustLoad(tc.lang)); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), tc.want) || strings.Contains(b.String(), tc.not) {
				t.Errorf("%s %s: want %q and no %q:\n%.400s", tc.name, f, tc.want, tc.not, b.String())
			}
		}
	}
}
