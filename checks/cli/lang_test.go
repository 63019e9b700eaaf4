package cli

import (
	"slices"
	"testing"
)

func TestSplitLang(t *testing.T) {
	lang, rest, err := SplitLang([]string{"--preset", "p.json", "--lang", "de"})
	if err != nil || lang != "de" || !slices.Equal(rest, []string{"--preset", "p.json"}) {
		t.Errorf("SplitLang = %q %q %v", lang, rest, err)
	}
	if lang, _, err := SplitLang([]string{"-lang=ja_JP"}); err != nil || lang != "ja_JP" {
		t.Errorf("SplitLang(-lang=ja_JP) = %q %v", lang, err)
	}
	if _, _, err := SplitLang([]string{"--lang", "xx"}); err == nil {
		t.Error("an unknown language is accepted")
	}
	if _, _, err := SplitLang([]string{"--lang"}); err == nil {
		t.Error("--lang without a value is accepted")
	}
}
