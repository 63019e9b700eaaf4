package diagnose

import (
	"fmt"
	"regexp"
	"testing"
)

// sendsToSomeone matches an English step that sends the person to
// someone else: ask, tell, contact or send something to the IT team, the
// service's or app's team, support, or "them" and "whoever runs" a thing
// named just before.
var sendsToSomeone = regexp.MustCompile(`(?i)\b(ask|tell|contact|send|give|check)\b[^.]*\b(IT team|service's (support )?team|app's (support )?team|support team|whoever runs)\b|\bask them to\b`)

// TestStepsSayWhoDoesThem goes over every step of every finding and case
// in the English catalogue: a step addressed to the person (not in
// stepAsks) must not tell them to ask someone else, and a step that
// stepAsks gives to the IT team or the service's team must send them
// there. The Fix-it walk shows "Who can fix it" from this table, step by
// step, so the words and the table must agree.
func TestStepsSayWhoDoesThem(t *testing.T) {
	c := Default()
	seen := map[string]bool{}
	check := func(key, text string) {
		seen[key] = true
		who := stepFixer(key)
		switch sends := sendsToSomeone.MatchString(text); {
		case who == FixerYou && sends:
			t.Errorf("%s is the person's own step, but it sends them to someone else: %q", key, text)
		case who != FixerYou && !sends:
			t.Errorf("%s is for %s, but its words do not send the person to them: %q", key, who, text)
		}
	}
	for id, f := range c.Findings {
		for i, s := range f.Steps {
			check(fmt.Sprintf("%s.step.%d", id, i+1), s)
		}
		for cs, ct := range f.Cases {
			for i, s := range ct.Steps {
				check(fmt.Sprintf("%s.case.%s.step.%d", id, cs, i+1), s)
			}
		}
	}
	for key := range stepAsks() {
		if !seen[key] {
			t.Errorf("stepAsks has %s, which is no step of the catalogue", key)
		}
	}
}
