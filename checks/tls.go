package checks

import "context"

// TLSProbe is not written yet.
func TLSProbe() Probe {
	return Probe{Name: "tls", Needs: []string{"dns"}, Run: func(ctx context.Context, r *Run) Result {
		res := r.Result()
		res.Status, res.Reason = Skip, "not written yet"
		return res
	}}
}
