package engine

import (
	"testing"
	"time"
)

// simulateLadder runs the idle probe's ladder on a virtual clock against a
// middle box that silently forgets connections idle for limit or longer,
// and returns the bracket found. Round trips are instant; a failed ping is
// known wait later, as in the probe.
func simulateLadder(length, limit, wait time.Duration) (lo, hi time.Duration) {
	type rung struct {
		last, target, pingAt time.Duration
		pending, dead        bool
	}
	rungs := make([]*rung, idleRungs)
	for i := range rungs {
		rungs[i] = &rung{target: length * time.Duration(i+1) / time.Duration(idleRungs+1)}
	}
	dials := idleRungs
	lad := &ladder{length: length}
	var replan func(now time.Duration)
	replan = func(now time.Duration) {
		// A dead rung is replaced by a fresh one while the budget lasts.
		if !lad.done() {
			for i, r := range rungs {
				if r.dead && dials < maxRungDials && now < length {
					rungs[i] = &rung{last: now}
					dials++
				}
			}
		}
		var free []*rung
		var ages, current []time.Duration
		for _, r := range rungs {
			if !r.dead && !r.pending {
				free = append(free, r)
				ages = append(ages, now-r.last)
				current = append(current, r.target)
			}
		}
		targets, retire := lad.plan(ages, current, length-now)
		for i, r := range free {
			r.target = targets[i]
			r.dead = r.dead || retire[i]
		}
	}
	// The idle connection's own last ping, at the end.
	idleFails := length >= limit
	for now := time.Duration(0); now <= length+wait; now += 10 * time.Millisecond {
		changed := false
		for _, r := range rungs {
			switch {
			case r.dead:
			case r.pending && now-r.pingAt >= wait:
				r.dead = true
				lad.failed(r.pingAt - r.last)
				changed = true
			case r.pending:
			case r.target > 0 && now-r.last >= r.target && now <= length:
				age := now - r.last
				if age >= limit {
					r.pending, r.pingAt = true, now
				} else {
					lad.survived(age)
					r.last = now
					changed = true
				}
			}
		}
		if now == length+wait && idleFails {
			lad.failed(length)
		}
		if changed {
			replan(now)
		}
	}
	if idleFails {
		lad.failed(length)
	}
	return lad.lo, lad.hi
}

// TestLadderPrecision measures how close the ladder pins a silent limit:
// within IdleResolution for limits up to a fifth of the length, and
// always within the first ladder's step, the bracket holding the limit.
// Figures (widest bracket, limits up to L/5, then up to L/2, then all):
// logged by the test.
func TestLadderPrecision(t *testing.T) {
	for _, tc := range []struct {
		length, wait time.Duration
	}{
		{8 * time.Second, 2 * time.Second},
		{15 * time.Second, 2 * time.Second},
		{120 * time.Second, maxPongWait},
		{600 * time.Second, maxPongWait},
	} {
		var fifth, half, all time.Duration
		step := tc.length / 100
		for limit := step; limit < tc.length; limit += step {
			lo, hi := simulateLadder(tc.length, limit, tc.wait)
			if hi == 0 || lo >= limit || hi < limit {
				t.Errorf("length %v, limit %v: bracket (%v, %v] misses it", tc.length, limit, lo, hi)
				continue
			}
			w := hi - lo
			all = max(all, w)
			if limit <= tc.length/2 {
				half = max(half, w)
			}
			if limit <= tc.length/5 {
				fifth = max(fifth, w)
			}
		}
		t.Logf("length %v: widest bracket %v for limits up to a fifth of it, %v up to half, %v in all", tc.length, fifth, half, all)
		if fifth > IdleResolution {
			t.Errorf("length %v: a bracket %v wide for a limit in the first fifth", tc.length, fifth)
		}
		if step := tc.length / (idleRungs + 1); all > step+IdleResolution {
			t.Errorf("length %v: a bracket %v wide, wider than the first ladder's step %v", tc.length, all, step)
		}
	}
}
