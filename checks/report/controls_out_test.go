package report

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// Server-controlled text with ESC, BEL, CR, DEL, C1 and a bidi override is
// shown escaped in every format, and JSON still reads back the same text.
func TestNoRawControlsInAnyFormat(t *testing.T) {
	b, err := os.ReadFile("testdata/failing.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Results) == 0 {
		t.Fatal("the fixture has no results")
	}
	const poison = "evil\x1b[2J\x1b]0;pwned\a\rworks\x7f\u009b31m\u202eelif"
	r.Results[0].Reason = poison
	r.Results[0].Error = poison
	r.Results[0].Evidence.Set("title", poison)
	for _, fm := range Formats {
		var out bytes.Buffer
		if err := Render(&out, r, fm, nil); err != nil {
			t.Fatalf("%s: %v", fm, err)
		}
		if i := bytes.IndexFunc(out.Bytes(), func(c rune) bool {
			return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || unsafeRune(c)
		}); i >= 0 {
			t.Errorf("%s: raw control byte at %d: %q", fm, i, out.Bytes()[max(i-20, 0):min(i+20, out.Len())])
		}
		if fm == FormatJSON {
			var back Report
			if err := json.Unmarshal(out.Bytes(), &back); err != nil {
				t.Fatalf("JSON does not read back: %v", err)
			}
			if back.Results[0].Reason != poison {
				t.Errorf("JSON reads back %q, want %q", back.Results[0].Reason, poison)
			}
		}
	}
}
