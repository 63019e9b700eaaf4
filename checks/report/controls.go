package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// EscapeControls makes text safe for a terminal or a plain file: control
// characters (C0 but newline and tab, DEL, C1), the bidirectional overrides
// that reorder what is shown, and bytes that are not UTF-8 are written as
// visible escapes (\x1b, \u009b, \u202e). A server's title, body or Server
// header can hold ESC sequences that clear the screen and print a verdict
// of their own; after this they are inert text. With keepNewlines false,
// newlines and tabs are escaped too (for one-line values).
func EscapeControls(s string, keepNewlines bool) string {
	if isClean(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case (r == '\n' || r == '\t') && keepNewlines:
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unsafeRune: C1 controls and the bidirectional embeddings, overrides and
// isolates, and the line and paragraph separators.
func unsafeRune(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029
}

func isClean(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		// Non-ASCII is checked rune by rune by the slow path.
		if c < 0x20 && !(keepNewlines && (c == '\n' || c == '\t')) || c >= 0x7f {
			return false
		}
	}
	return true
}
