package engine

import (
	"context"
	"testing"
	"time"
)

// TestRunnerLongProbe: a Long probe outlasts the run's deadline, bounded by
// its own Timeout; the deadline still cuts the quick probes, and only they
// set DeadlineHit.
func TestRunnerLongProbe(t *testing.T) {
	const own = 300 * time.Millisecond
	long := blocking("long", nil)
	long.Long, long.Needs = true, []string{"quick"}
	long.Timeout = func(Options) time.Duration { return own }
	opts := Options{ProbeTimeout: time.Minute, Deadline: 50 * time.Millisecond}

	t.Run("outlasts the deadline", func(t *testing.T) {
		rn := &Runner{Probes: []Probe{fixed("quick", Pass, nil, nil), long}}
		out, err := rn.Run(context.Background(), mustTarget(t, "ws://127.0.0.1:1/"), opts)
		if err != nil {
			t.Fatal(err)
		}
		r := out.Results[1]
		if r.Status != Fail || r.Duration < own {
			t.Errorf("long: %s after %v, want a fail after its own %v", r.Status, r.Duration, own)
		}
		if out.DeadlineHit {
			t.Error("DeadlineHit set by a long probe")
		}
	})
	t.Run("deadline still cuts quick probes", func(t *testing.T) {
		rn := &Runner{Probes: []Probe{blocking("quick", nil), long}}
		out, err := rn.Run(context.Background(), mustTarget(t, "ws://127.0.0.1:1/"), opts)
		if err != nil {
			t.Fatal(err)
		}
		if !out.DeadlineHit {
			t.Error("DeadlineHit not set")
		}
		if r := out.Results[1]; r.Status != Skip {
			t.Errorf("long: %s %s, want skipped: its need was cut by the deadline", r.Status, r.Code)
		}
	})
}
