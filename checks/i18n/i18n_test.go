package i18n

import (
	"strings"
	"testing"

	"golang.org/x/text/language"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"de", "de"}, {"de_AT.UTF-8", "de"}, {"de-CH", "de"}, {"fr_CA", "fr"}, {"es-419", "es"},
		{"pt_BR.utf8", "pt-BR"}, {"pt-PT", "pt-BR"}, {"ja_JP.UTF-8", "ja"}, {"zh_CN", "zh-Hans"},
		{"zh-Hans-CN", "zh-Hans"}, {"zh-hans", "zh-Hans"}, {"en-US", "en"}, {"EN", "en"},
		{"zh-TW", ""}, {"zh-Hant", ""}, {"C", ""}, {"", ""}, {"nl", ""}, {"klingon", ""},
		{"zh-SG", "zh-Hans"}, {"zh-HK", ""}, {"gsw_CH", "de"}, {"en-GB", "en"}, {"nb", ""}, {"POSIX", ""}, {"de-XY", "de"}, {"tlh", ""}, {"i-klingon", ""},
	} {
		got, ok := Match(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Match(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

// TestMatchExact: Match's shortcut for one of Languages answers what
// CLDR's matcher answers, in any letter case.
func TestMatchExact(t *testing.T) {
	for _, l := range Languages {
		for _, in := range []string{l, strings.ToUpper(l), strings.ToLower(l)} {
			_, i, conf := matcher().Match(language.MustParse(in))
			if Languages[i] != l || conf < language.High {
				t.Errorf("the matcher reads %q as %q (%v)", in, Languages[i], conf)
			}
			if got, ok := Match(in); got != l || !ok {
				t.Errorf("Match(%q) = %q, %v; want %q", in, got, ok, l)
			}
		}
	}
}

func TestChoose(t *testing.T) {
	if got := Choose("", "fr", "de_DE"); got != "fr" {
		t.Errorf("the preset's language loses to the system's: %q", got)
	}
	if got := Choose("ja", "fr", "de_DE"); got != "ja" {
		t.Errorf("--lang loses: %q", got)
	}
	if got := Choose("", "", "C.UTF-8"); got != "en" {
		t.Errorf("no language gives %q", got)
	}
	if Check("xx") == nil || Check("pt-BR") != nil {
		t.Error("Check is wrong")
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "ja_JP.UTF-8")
	if got := FromEnv(); got != "ja" {
		t.Errorf("FromEnv = %q", got)
	}
	t.Setenv("LANGUAGE", "fr:de")
	if got := FromEnv(); got != "fr" {
		t.Errorf("FromEnv with LANGUAGE = %q", got)
	}
}
