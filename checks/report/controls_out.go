package report

import (
	"fmt"
	"unicode/utf8"
)

// Every format shows a control byte as visible text, whichever channel it
// goes to (a terminal, a file, the window's export): Text and Markdown
// escape each value (EscapeControls); the HTML page and the JSON are
// escaped as a whole once written, since html/template and encoding/json
// leave ESC, BEL, DEL and C1 bytes raw in text (a page opened with `cat` or
// printed by `--format html` would run them).

// escapeHTMLControls is the written page with every control byte but
// newline and tab shown as \x1b, C1 and bidirectional controls as \u009b:
// the template has none of its own, so each came from the report.
func escapeHTMLControls(page string) string {
	return EscapeControls(page, true)
}

// escapeJSONControls is encoded JSON with DEL, the C1 controls and the
// bidirectional controls written as \u escapes, which read back as the
// same text (encoding/json escapes the C0 controls itself). Outside a
// string JSON is ASCII, so every such rune is inside one.
func escapeJSONControls(b []byte) []byte {
	clean := true
	for _, c := range b {
		if c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b)+64)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == 0x7f || unsafeRune(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}
