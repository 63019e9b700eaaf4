package diagnose

// How rules run: a raised finding before it has words, the set of found
// findings a rule adds to, the rules in the order they run, and the ranking
// of what they found. The rules themselves live in rules_<family>.go.

import (
	"slices"
	"sort"
)

// raised is a finding decided by the rules, before it has words.
type raised struct {
	id    string
	sev   Severity
	conf  Confidence
	fixer Fixer
	cases []string
	refs  []EvidenceRef
	// forApp marks a cut shorter than the app needs (issue 27): a problem
	// even when a WebSocket opened and echoed, so the verdict is "does not
	// work" for this app.
	forApp bool
}

// found collects raised findings, one per ID: a finding raised twice keeps
// the higher severity and confidence and the evidence of both.
type found struct {
	list []*raised
}

func (fd *found) add(r raised) *raised {
	for _, old := range fd.list {
		if old.id != r.id {
			continue
		}
		if r.sev.rank() > old.sev.rank() {
			old.sev = r.sev
		}
		if r.conf.rank() > old.conf.rank() {
			old.conf = r.conf
		}
		if old.fixer == "" {
			old.fixer = r.fixer
		}
		old.forApp = old.forApp || r.forApp
		for _, c := range r.cases {
			if !slices.Contains(old.cases, c) {
				old.cases = append(old.cases, c)
			}
		}
		for _, e := range r.refs {
			if !slices.Contains(old.refs, e) {
				old.refs = append(old.refs, e)
			}
		}
		return old
	}
	fd.list = append(fd.list, &r)
	return fd.list[len(fd.list)-1]
}

func (fd *found) has(id string) bool { return fd.get(id) != nil }

func (fd *found) get(id string) *raised {
	for _, r := range fd.list {
		if r.id == id {
			return r
		}
	}
	return nil
}

// anyProblem reports whether a problem was found.
func (fd *found) anyProblem() bool {
	for _, r := range fd.list {
		if r.sev == SeverityProblem {
			return true
		}
	}
	return false
}

// rules run in this order: later ones read what earlier ones found.
var rules = []func(*facts, *found){
	ruleIncomplete,
	ruleNetwork,
	ruleDNS,
	ruleProxy,
	rulePACBroken,
	ruleTunnelPage,
	ruleTCP,
	ruleCaptivePortal,
	ruleClientCert,
	ruleTLS,
	ruleSchemes,
	ruleUpgrade,
	ruleCompression,
	ruleEcho,
	ruleH2,
	ruleFallback,
	ruleHostile,
	ruleIdle,
	ruleLifetime,
	ruleUnknown,
	ruleContext,
	ruleFirefox,
	ruleBrowser,
	ruleMiddlebox,
	ruleOK,
	rulePageAddress,
	ruleWatch, // last: it adds to websocket-ok when a watch saw no drop
}

// applyRules decides the findings of a run.
func applyRules(f *facts) []raised {
	var fd found
	for _, rule := range rules {
		rule(f, &fd)
	}
	out := make([]raised, 0, len(fd.list))
	for _, r := range fd.list {
		// A WebSocket that works cannot have a problem, only warnings;
		// but a cut shorter than the app needs, or a way browsers take
		// that fails, stays one.
		if f.works && r.sev == SeverityProblem && !r.forApp && r.id != IDH2WebSocketBroken {
			r.sev = SeverityWarning
		}
		out = append(out, *r)
	}
	return out
}

// rank orders findings: severity, then confidence, then the path order of
// IDs.
func rank(rs []raised) []raised {
	idx := map[string]int{}
	for i, id := range IDs {
		idx[id] = i
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.sev.rank() != b.sev.rank() {
			return a.sev.rank() > b.sev.rank()
		}
		if a.conf.rank() != b.conf.rank() {
			return a.conf.rank() > b.conf.rank()
		}
		return idx[a.id] < idx[b.id]
	})
	return rs
}

// drop forgets findings raised by earlier rules that a later rule knows to
// be wrong (a port called blocked that answered, in its own way).
func (fd *found) drop(ids ...string) {
	fd.list = slices.DeleteFunc(fd.list, func(r *raised) bool { return slices.Contains(ids, r.id) })
}
