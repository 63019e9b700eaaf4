package engine

import (
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// EventKind says what an Event reports.
type EventKind string

// The kinds of progress event a run emits.
const (
	// EventStarted: a probe started.
	EventStarted EventKind = "started"
	// EventPhase: a probe entered a phase (resolve, connect, tls, ...).
	EventPhase EventKind = "phase"
	// EventFinished: a probe ended; Result is set.
	EventFinished EventKind = "finished"
)

// Event is one step of a run's progress, for the CLI's lines and the GUI's
// rows.
type Event struct {
	Kind   EventKind
	Probe  string
	Phase  Phase
	Result *Result
	Time   time.Time
}

// Outcome is everything a run observed.
type Outcome struct {
	Target   Target
	Options  Options
	Started  time.Time
	Finished time.Time
	// Results are in the order of the probes, one per probe.
	Results []Result
	// Route is how connections to the target went (directly, or through
	// which proxy, and which setting said so), as worked out once for the
	// run; nil when no probe asked for it. Reports show it as the proxy
	// that applied.
	Route *netenv.Route
	// Cancelled is set when the run was stopped before it ended by itself.
	Cancelled bool
	// DeadlineHit is set when the run's overall deadline cut it short.
	DeadlineHit bool
}

// Result returns the result of the named probe.
func (o Outcome) Result(name string) (Result, bool) {
	for _, r := range o.Results {
		if r.Probe == name {
			return r, true
		}
	}
	return Result{}, false
}

// Works reports whether the run opened a WebSocket and, when it tried,
// got messages through: the upgrade passed and the echo, if it ran, too
// (a warning counts as passing).
func (o Outcome) Works() bool {
	up, _ := o.Result(ProbeUpgrade)
	echo, hasEcho := o.Result(ProbeEcho)
	return up.OK() && (!hasEcho || echo.OK())
}
