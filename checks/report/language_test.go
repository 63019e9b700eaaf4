package report

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// en is the English wording, for tests that name a text.
var en = wordingOf(nil)

// sameInEnglish are the report's and the browser page's texts that may
// read the same in another language as in English: names and words
// borrowed as they are (an HTTP status line, which the note for the IT
// team, in English, also names).
var sameInEnglish = []string{"Proxy", "VPN", "Browser", "Status", "Options", "code", "error", "101 Switching Protocols", "Wi-Fi", "Route", "{h} h", "{h} h {min} min"}

// rawKey is a catalogue key shown instead of its text; unfilled is a
// placeholder left in a text.
var (
	rawKey   = regexp.MustCompile(`\b(report|browser|unit)\.[a-z_]+`)
	unfilled = regexp.MustCompile(`\{[a-z][a-z0-9_]*\}`)
)

// inLanguage is in with its diagnosis made again in lang, as the
// front ends make it: the findings, summary and path in lang's words.
func inLanguage(in Input, lang string) Input {
	cat := diagnose.MustCatalogue(lang)
	in.Diagnosis = diagnose.Diagnose(diagnose.Input{Outcome: in.Outcome, Browser: in.Browser, Catalogue: cat, AdminCatalogue: cat,
		Env: diagnose.Environment{ProxyURL: proxyURL(in.Proxy), VPNActive: in.VPN != nil && in.VPN.Active, VPNName: vpnName(in.VPN)}})
	return in
}

func proxyURL(p *Proxy) string {
	if p == nil {
		return ""
	}
	return p.URL
}

func vpnName(v *VPN) string {
	if v == nil {
		return ""
	}
	return v.Name
}

// TestEveryLanguage renders every format of a failing, a working and a
// browser-answer run in every language: no key shows instead of its
// text, no placeholder is left unfilled, and no English text of the
// report is left in another language.
func TestEveryLanguage(t *testing.T) {
	english := i18n.English()
	var phrases []string // English texts long enough not to occur by chance
	for _, k := range append(english.Keys("report."), english.Keys("browser.")...) {
		if s, _ := english.Raw(k); strings.Contains(s, " ") && !strings.Contains(s, "{") && !slices.Contains(sameInEnglish, s) {
			phrases = append(phrases, s)
		}
	}
	for _, lang := range i18n.Languages {
		words := i18n.MustLoad(lang)
		if lang != "en" {
			for _, k := range append(english.Keys("report."), english.Keys("browser.")...) {
				if e, _ := english.Raw(k); words.T(k) == e && !slices.Contains(sameInEnglish, e) {
					t.Errorf("%s: %s is left in English: %q", lang, k, e)
				}
			}
		}
		for name, in := range map[string]Input{"failing": failingInput(), "healthy": healthyInput(), "browser": browserInput(), "watched": watchedInput()} {
			r := Build(inLanguage(in, lang))
			for _, f := range Formats {
				var b bytes.Buffer
				if err := Render(&b, r, f, words); err != nil {
					t.Fatalf("%s %s %s: %v", lang, name, f, err)
				}
				out := b.String()
				if m := rawKey.FindString(out); m != "" {
					t.Errorf("%s %s %s: a key instead of its text: %q", lang, name, f, m)
				}
				if m := unfilled.FindString(out); m != "" {
					t.Errorf("%s %s %s: a placeholder left unfilled: %q", lang, name, f, m)
				}
				if f == FormatHTML && !strings.Contains(out, `<html lang="`+lang+`">`) {
					t.Errorf("%s %s: the page does not say it is in %s", lang, name, lang)
				}
				if lang == "en" || f == FormatJSON {
					continue
				}
				for _, p := range phrases {
					if strings.Contains(out, p) {
						t.Errorf("%s %s %s: English left in: %q", lang, name, f, p)
					}
				}
			}
		}
	}
}

// TestNumbersInTheLanguage: measured times are written as the language
// writes numbers, "4,1 ms" in German and "4.1 ms" in English, in the text
// and in the HTML report alike.
func TestNumbersInTheLanguage(t *testing.T) {
	comma, dot := regexp.MustCompile(`\d,\d+ (ms|s)\b`), regexp.MustCompile(`\d\.\d+ (ms|s)\b`)
	r := Build(failingInput())
	for _, f := range []Format{FormatText, FormatHTML, FormatMarkdown} {
		var de, english bytes.Buffer
		if err := Render(&de, r, f, i18n.MustLoad("de")); err != nil {
			t.Fatal(err)
		}
		if err := Render(&english, r, f, i18n.English()); err != nil {
			t.Fatal(err)
		}
		if !comma.MatchString(de.String()) || dot.MatchString(de.String()) {
			t.Errorf("German %s: want times like 4,1 ms, got %q and %q", f, comma.FindString(de.String()), dot.FindString(de.String()))
		}
		if !dot.MatchString(english.String()) || comma.MatchString(english.String()) {
			t.Errorf("English %s: want times like 4.1 ms, got %q and %q", f, dot.FindString(english.String()), comma.FindString(english.String()))
		}
		if !strings.Contains(de.String(), "4,1 ms") || !strings.Contains(english.String(), "4.1 ms") {
			t.Errorf("%s: the DNS time is not 4,1 ms in German and 4.1 ms in English", f)
		}
	}
}
