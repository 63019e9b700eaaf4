package netenv

import (
	"strings"
	"testing"
)

// An answer of 10,000 dead proxies then DIRECT: only the first 16 entries
// are kept (DIRECT is never reached, whatever the timing), and the notes
// stay short.
func TestPACAnswerCapped(t *testing.T) {
	var b strings.Builder
	for i := range 10000 {
		b.WriteString("PROXY 127.0.0.1:")
		b.WriteString(strings.Repeat("1", 1+i%4))
		b.WriteString("; ")
	}
	b.WriteString("DIRECT")
	entries, notes, err := ParsePACResult(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != MaxPACEntries {
		t.Errorf("%d entries kept, want %d", len(entries), MaxPACEntries)
	}
	for _, e := range entries {
		if e.Kind == "DIRECT" {
			t.Error("DIRECT past the cap was kept")
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "only the first 16") {
		t.Errorf("notes %q", notes)
	}
	// 10,000 entries that cannot be read, then DIRECT: the notes are
	// bounded, DIRECT is used.
	bad := strings.Repeat("BOGUS x; ", 10000) + "DIRECT"
	entries, notes, err = ParsePACResult(bad)
	if err != nil || len(entries) != 1 || entries[0].Kind != "DIRECT" {
		t.Fatalf("entries %v err %v", entries, err)
	}
	if len(notes) > maxPACNotes+2 || !strings.Contains(notes[len(notes)-1], "more entries were skipped") {
		t.Errorf("%d notes, last %q", len(notes), notes[len(notes)-1])
	}
	if got := cutPACResult(b.String()); len(got) > maxPACResultText+3 {
		t.Errorf("PAC answer kept as %d bytes", len(got))
	}
}
