package checks

import "context"

// EchoProbe is not written yet.
func EchoProbe() Probe {
	return Probe{Name: "echo", Needs: []string{"upgrade"}, Run: func(ctx context.Context, r *Run) Result {
		res := r.Result()
		res.Status, res.Reason = Skip, "not written yet"
		return res
	}}
}
