package preset

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: a preset file is the support team's, but a user can be handed
// any file: Parse refuses or accepts it without a panic, and an accepted
// preset validates.
func FuzzParse(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"targets":[{"url":"wss://x/"}]}`))
	f.Add([]byte(`{"name":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil || p == nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Errorf("Parse accepted what Validate refuses: %v", err)
		}
	})
}
