package checks

import "context"

// UpgradeProbe is not written yet.
func UpgradeProbe() Probe {
	return Probe{Name: "upgrade", Needs: []string{"dns"}, Run: func(ctx context.Context, r *Run) Result {
		res := r.Result()
		res.Status, res.Reason = Skip, "not written yet"
		return res
	}}
}
