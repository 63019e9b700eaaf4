package checks

import "context"

// TCPProbe is not written yet.
func TCPProbe() Probe {
	return Probe{Name: "tcp", Needs: []string{"dns"}, Run: func(ctx context.Context, r *Run) Result {
		res := r.Result()
		res.Status, res.Reason = Skip, "not written yet"
		return res
	}}
}
