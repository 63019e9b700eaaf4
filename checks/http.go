package checks

import "context"

// HTTPProbe is not written yet.
func HTTPProbe() Probe {
	return Probe{Name: "http", Needs: []string{"dns"}, Run: func(ctx context.Context, r *Run) Result {
		res := r.Result()
		res.Status, res.Reason = Skip, "not written yet"
		return res
	}}
}
