package engine

import (
	"cmp"
	"slices"
	"time"
)

// ladder is the search for a silent idle limit in idle periods.
type ladder struct {
	lo     time.Duration // longest period seen to survive
	hi     time.Duration // shortest seen to fail; 0 for none yet
	exact  time.Duration // a loud ending's age; 0 for none
	length time.Duration
	log    []string
}

// done reports whether the limit is known well enough.
func (l *ladder) done() bool {
	return l.exact > 0 || (l.hi > 0 && l.hi-l.lo <= IdleResolution)
}

func (l *ladder) survived(d time.Duration) {
	l.lo = max(l.lo, d)
	l.log = append(l.log, secs(d)+":ok")
}

func (l *ladder) failed(d time.Duration) {
	if l.hi == 0 || d < l.hi {
		l.hi = d
	}
	l.log = append(l.log, secs(d)+":dead")
}

// plan gives free rungs (no ping out), by their idle ages and current
// targets, the idle age to ping at (zero: none), and says which to retire.
// left is the time to the end: no test may start after it.
//
// Before any test failed, the first ladder stands: targets evenly over the
// length, set once; a rung whose test passed is a spare, kept fresh by a
// ping whenever its age reaches the longest period known to survive (lo),
// so that it is still alive, and as old as is safe, when it is needed.
// Once a test failed (hi), every rung younger than hi gets a point of the
// bracket (lo, hi), spread evenly, the oldest rung the middle one, the next
// the points nearest it: the first answer halves the bracket, and each
// answer re-plans. A rung already older than its point pings at once, which
// tests its own age. A rung as old as hi is dead, and retired.
func (l *ladder) plan(ages, current []time.Duration, left time.Duration) (targets []time.Duration, retire []bool) {
	n := len(ages)
	targets = make([]time.Duration, n)
	retire = make([]bool, n)
	if l.done() {
		for i := range retire {
			retire[i] = true
		}
		return targets, retire
	}
	spare := func(i int) {
		if l.lo > ages[i] && l.lo-ages[i] <= left {
			targets[i] = l.lo
		}
	}
	if l.hi == 0 {
		for i := range ages {
			if current[i] > ages[i] {
				targets[i] = current[i]
			} else {
				spare(i)
			}
		}
		return targets, retire
	}
	var usable []int
	for i, a := range ages {
		if a >= l.hi {
			retire[i] = true
		} else {
			usable = append(usable, i)
		}
	}
	slices.SortFunc(usable, func(a, b int) int { return cmp.Compare(ages[b], ages[a]) })
	points := make([]time.Duration, len(usable))
	for k := range points {
		points[k] = l.lo + (l.hi-l.lo)*time.Duration(k+1)/time.Duration(len(usable)+1)
	}
	mid := (l.lo + l.hi) / 2
	slices.SortFunc(points, func(a, b time.Duration) int { return cmp.Compare((a - mid).Abs(), (b - mid).Abs()) })
	for k, i := range usable {
		p := points[k]
		switch {
		case p <= ages[i]:
			targets[i] = ages[i]
		case p-ages[i] <= left:
			targets[i] = p
		default:
			spare(i)
		}
	}
	return targets, retire
}
