package report

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseRender: `wsdoctor report` reads any file it is given; Parse
// refuses or accepts it without a panic, every renderer writes what it
// accepted, and no format (text, Markdown, HTML, JSON, CSV) carries a raw
// control byte (CSV's CRLF line ends aside).
func FuzzParseRender(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"schema":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Parse(b)
		if err != nil {
			return
		}
		for _, fm := range Exports {
			var out bytes.Buffer
			if err := Render(&out, r, fm, nil); err != nil {
				t.Fatalf("%s: %v", fm, err)
			}
			b := out.Bytes()
			if fm == FormatCSV {
				b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
			}
			// Every format: no raw control byte, C1 or bidi control.
			if i := bytes.IndexFunc(b, func(c rune) bool {
				return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || unsafeRune(c)
			}); i >= 0 {
				t.Fatalf("%s: raw control byte at %d: %q", fm, i, b[max(i-20, 0):min(i+20, len(b))])
			}
		}
		Render(io.Discard, r, FormatJSON, nil)
	})
}
