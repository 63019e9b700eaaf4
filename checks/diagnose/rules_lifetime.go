package diagnose

// The rules of how long a connection may live: a maximum lifetime
// (connection-max-lifetime: every connection ends the same time after it
// opened, busy or not), keep-alive pings that do not count
// (pings-not-enough: data keeps a connection open, pings do not), and the
// comparison of every measured cut with the time the app needs (issue 27):
// shorter is a problem for this app, whatever else worked.

import (
	"slices"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// ruleLifetime raises connection-max-lifetime and pings-not-enough from the
// idle test.
func ruleLifetime(f *facts, fd *found) {
	idle, ok := f.get(engine.ProbeIdle)
	if !ok || idle.Status == engine.Skip {
		return
	}
	switch idle.Code {
	case engine.CodeMaxLifetime:
		life, ok := secondsOf(idle.Evidence.Value(engine.KeyLifetime))
		if !ok {
			return
		}
		r := raised{id: IDMaxLifetime, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
			refs: refs(idle, engine.KeyLifetime, engine.KeyIdleEndedBy, "idle_end_s", "ping_end_s", "busy_end_s", "busy_opened_s")}
		if forApp(f, &r, life) {
			r.cases = append(r.cases, "too_short")
		}
		if f.viaProxy {
			r.cases = append(r.cases, "via_proxy")
		}
		fd.add(r)
	case engine.CodePingsIgnored:
		limit, ok := secondsOf(idle.Evidence.Value(engine.KeyIdleLimit))
		if !ok {
			return
		}
		r := raised{id: IDPingsNotEnough, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
			refs: refs(idle, engine.KeyIdleLimit, engine.KeyIdleEndedBy, engine.KeyPingsKeptAlive, engine.KeyDataHelps, "busy_interval_s")}
		forApp(f, &r, limit)
		if f.viaProxy {
			r.cases = append(r.cases, "via_proxy")
		}
		fd.add(r)
	}
}

// forApp compares a measured cut (in seconds) with the time the app
// needs: shorter, r is a problem for this app and it reports true; longer
// or as long, r stays a warning, told that the app should be fine
// ("long_enough", for the findings that have it). Either way r says where
// the need came from when a preset or a framework set it.
func forApp(f *facts, r *raised, cut float64) bool {
	if src := f.in.RequiredIdleSource; src != "" && src != engine.NeedDefault {
		r.cases = append(r.cases, "need_source")
	}
	if cut < f.in.requiredIdle().Seconds() {
		r.sev, r.forApp = SeverityProblem, true
		return true
	}
	if slices.Contains(Cases()[r.id], "long_enough") {
		r.cases = append(r.cases, "long_enough")
	}
	return false
}

// cutLabel is the label of the headline that names a cut shorter than the
// app needs, from the first such finding of rs (ranked), or "" when none.
func cutLabel(rs []raised) string {
	for _, r := range rs {
		if !r.forApp || r.sev != SeverityProblem {
			continue
		}
		switch {
		case r.id == IDMaxLifetime:
			return "verdict.cut_lifetime"
		case r.id == IDPingsNotEnough:
			return "verdict.cut_pings"
		case slices.Contains(r.cases, "silent"):
			return "verdict.cut_silent"
		default:
			return "verdict.cut_idle"
		}
	}
	return ""
}
