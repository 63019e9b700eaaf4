package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
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

// TestCheckInGerman: `wsdoctor check URL --lang de` writes its times in
// German numbers ("0,3 ms"), on the terminal and in the HTML report, and
// the HTML says it is German; without --lang it is English ("0.3 ms").
func TestCheckInGerman(t *testing.T) {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	comma, dot := regexp.MustCompile(`\d,\d+ (ms|s)\b`), regexp.MustCompile(`\d\.\d+ (ms|s)\b`)
	for _, tc := range []struct {
		words      *i18n.Words
		want, lack *regexp.Regexp
		lang       string
	}{{i18n.MustLoad("de"), comma, dot, "de"}, {nil, dot, comma, "en"}} {
		page := filepath.Join(t.TempDir(), "r.html")
		var out, errOut bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		code := Edges{}.check(ctx, tc.words, []string{srv.URL, "--quiet", "--output", page}, &out, &errOut)
		cancel()
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s%s", tc.lang, code, out.String(), errOut.String())
		}
		html, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for what, s := range map[string]string{"text": out.String(), "HTML": string(html)} {
			if !tc.want.MatchString(s) || tc.lack.MatchString(s) {
				t.Errorf("%s %s: times like %q, not %q, wanted\n%s", tc.lang, what, tc.want.FindString(s), tc.lack.FindString(s), s)
			}
		}
		if !strings.Contains(string(html), `<html lang="`+tc.lang+`">`) {
			t.Errorf("%s: the HTML report does not say its language", tc.lang)
		}
	}
}
