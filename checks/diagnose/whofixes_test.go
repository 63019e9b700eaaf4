package diagnose_test

import (
	"regexp"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// asksSomeoneElse matches an English step that sends the person to
// someone else: ask, tell or contact the IT team, the service's team or
// support, or send them something.
var asksSomeoneElse = regexp.MustCompile(`(?i)\b(ask|tell|contact|send|forward|give)\b[^.]*\b(IT team|administrator|service's team|support team|support|app's team|network's owner|provider)\b`)

// TestWhoCanFixFollowsTheSteps goes over every finding every rule case
// raises: a finding that says "Who can fix it: you" must give the person
// at least one step they can do themselves, not only "ask someone"; one
// for the IT team or the service's team must have a step that sends the
// person to them, not only steps to do alone.
func TestWhoCanFixFollowsTheSteps(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range ruleCases() {
		d := diagnose.Diagnose(tc.in)
		for _, f := range d.Findings {
			if f.Severity != diagnose.SeverityProblem && f.Severity != diagnose.SeverityWarning || len(f.Steps) == 0 {
				continue
			}
			asks, own := 0, 0
			for _, s := range f.Steps {
				if asksSomeoneElse.MatchString(s) {
					asks++
				} else {
					own++
				}
			}
			key := f.ID + "/" + string(f.WhoCanFix) + "/" + strings.Join(f.Steps, "|")
			if seen[key] {
				continue
			}
			seen[key] = true
			switch {
			case f.WhoCanFix == diagnose.FixerYou && own == 0:
				t.Errorf("%s (%s): who can fix it is you, but every step asks someone else:\n  %s", f.ID, tc.name, strings.Join(f.Steps, "\n  "))
			case f.WhoCanFix != diagnose.FixerYou && f.WhoCanFix != "" && asks == 0:
				t.Errorf("%s (%s): who can fix it is %s, but no step sends you to them:\n  %s", f.ID, tc.name, f.WhoCanFix, strings.Join(f.Steps, "\n  "))
			}
		}
	}
}
