package report

import (
	"bytes"
	"strings"
	"testing"

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
