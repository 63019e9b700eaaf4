package diagnose

import (
	"slices"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// TestChangeKindsHaveWords: every change the watch can name has its
// words (a required label, so every language has them), and changeKind
// gives no other.
func TestChangeKindsHaveWords(t *testing.T) {
	for _, k := range changeKinds {
		if !slices.Contains(requiredLabels, "change."+k) {
			t.Errorf("change.%s is not a required label", k)
		}
	}
	whats := []string{engine.ChangeRoute, engine.ChangeInterface, engine.ChangeWiFi, engine.ChangeVPN,
		engine.ChangeProxy, engine.ChangePAC, engine.ChangeDNS, "something_new"}
	for _, what := range whats {
		for _, ft := range [][2]string{{"a", "b"}, {"", "b"}, {"a", ""}, {"", ""}} {
			if k := changeKind(engine.WatchEvent{Kind: engine.WatchChange, What: what, From: ft[0], To: ft[1]}); !slices.Contains(changeKinds, k) {
				t.Errorf("%s %q -> %q: kind %q has no words", what, ft[0], ft[1], k)
			}
		}
	}
}
