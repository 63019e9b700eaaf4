package engine

import (
	"encoding/json"
	"slices"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/assets"
)

// TestFingerprintHeadersAreKept: every answer header a product's
// fingerprint in assets/middleboxes.json names is one the HTTP probe keeps
// as evidence (the Server header, or one of tellTaleHeaders), so a
// fingerprint cannot wait for a header nobody writes down (Zscaler's
// X-Zscaler-Transaction-Id was listed and never kept).
func TestFingerprintHeadersAreKept(t *testing.T) {
	var f struct {
		Products []struct {
			ID      string              `json:"id"`
			Headers map[string][]string `json:"headers"`
		} `json:"products"`
	}
	if err := json.Unmarshal(assets.Middleboxes, &f); err != nil {
		t.Fatal(err)
	}
	kept := []string{KeyServer}
	for _, h := range tellTaleHeaders {
		kept = append(kept, evidenceKey(h))
	}
	n := 0
	for _, p := range f.Products {
		for k := range p.Headers {
			n++
			if !slices.Contains(kept, k) {
				t.Errorf("%s: its fingerprint header %q is not kept by the HTTP probe (tellTaleHeaders)", p.ID, k)
			}
		}
	}
	if n == 0 {
		t.Fatal("no header fingerprints read")
	}
}
