package main

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Start-up (issue 26): our packages do almost nothing when the program
// starts. Regular expressions, templates, catalogues and tables are built
// on first use (sync.OnceValue), so `wsdoctor version` does not pay for a
// diagnosis it never makes. What a package may still allocate at init is
// a few lazy values (a sync.OnceValue is 2 allocations, 72 bytes) and a
// fmt.Errorf or two; one package-level regexp.MustCompile, template or
// parsed JSON costs far more than these bounds.
const (
	maxInitAllocs = 32
	maxInitBytes  = 2 << 10
)

// initLine is one line of GODEBUG=inittrace=1: a package's initialisation.
var initLine = regexp.MustCompile(`^init (\S+) @[0-9.]+ ms, ([0-9.]+) ms clock, ([0-9]+) bytes, ([0-9]+) allocs$`)

// initCost is what one package's initialisation cost.
type initCost struct {
	pkg           string
	clockMS       float64
	bytes, allocs int
}

// parseInitTrace reads the init lines of a GODEBUG=inittrace=1 trace.
func parseInitTrace(trace string) []initCost {
	var costs []initCost
	for _, l := range strings.Split(trace, "\n") {
		m := initLine.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		clock, _ := strconv.ParseFloat(m[2], 64)
		b, _ := strconv.Atoi(m[3])
		a, _ := strconv.Atoi(m[4])
		costs = append(costs, initCost{pkg: m[1], clockMS: clock, bytes: b, allocs: a})
	}
	return costs
}

// heavyInits are the packages of ours (codeberg.org/wsdoctor/...) whose
// initialisation allocates more than the bounds, each with its figures.
func heavyInits(costs []initCost) []string {
	var heavy []string
	for _, c := range costs {
		if strings.HasPrefix(c.pkg, "codeberg.org/wsdoctor/") && (c.allocs > maxInitAllocs || c.bytes > maxInitBytes) {
			heavy = append(heavy, fmt.Sprintf("%s: %d allocs, %d bytes, %.3f ms at init (at most %d allocs and %d bytes: build it on first use)",
				c.pkg, c.allocs, c.bytes, c.clockMS, maxInitAllocs, maxInitBytes))
		}
	}
	return heavy
}

// checkLazyInit runs bin's `version` with GODEBUG=inittrace=1 and fails on
// every package of ours that does more than the bounds at init.
func checkLazyInit(t *testing.T, bin string) {
	t.Helper()
	cmd := exec.Command(bin, "version")
	cmd.Env = append(cmd.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("GODEBUG=inittrace=1 %s version: %v\n%s", bin, err, out)
	}
	costs := parseInitTrace(string(out))
	if len(costs) == 0 {
		t.Fatalf("GODEBUG=inittrace=1 printed no init line:\n%s", out)
	}
	for _, h := range heavyInits(costs) {
		t.Error(h)
	}
}

// TestInitTraceBounds: the parser reads the runtime's lines, and a package
// of ours over either bound is named with its figures; others' are not.
func TestInitTraceBounds(t *testing.T) {
	trace := `init internal/bytealg @0.004 ms, 0 ms clock, 0 bytes, 0 allocs
init regexp/syntax @1.1 ms, 0.050 ms clock, 9000 bytes, 300 allocs
init codeberg.org/wsdoctor/wsdoctor/checks/i18n @1.9 ms, 0.004 ms clock, 304 bytes, 8 allocs
init codeberg.org/wsdoctor/wsdoctor/checks/diagnose @2.9 ms, 0.30 ms clock, 67232 bytes, 1003 allocs
init codeberg.org/wsdoctor/wsdoctor/checks/report @3.3 ms, 0.010 ms clock, 1000 bytes, 40 allocs
init codeberg.org/wsdoctor/wsdoctor/checks/preset @3.3 ms, 0.010 ms clock, 4096 bytes, 2 allocs
wsdoctor dev`
	costs := parseInitTrace(trace)
	if len(costs) != 6 {
		t.Fatalf("read %d init lines, want 6: %+v", len(costs), costs)
	}
	if c := costs[3]; c.pkg != "codeberg.org/wsdoctor/wsdoctor/checks/diagnose" || c.bytes != 67232 || c.allocs != 1003 || c.clockMS != 0.30 {
		t.Errorf("diagnose's line read as %+v", c)
	}
	heavy := heavyInits(costs)
	want := []string{"checks/diagnose: 1003 allocs, 67232 bytes", "checks/report: 40 allocs", "checks/preset: 2 allocs, 4096 bytes"}
	if len(heavy) != len(want) {
		t.Fatalf("heavy = %q, want %d packages", heavy, len(want))
	}
	for i, w := range want {
		if !strings.Contains(heavy[i], w) {
			t.Errorf("heavy[%d] = %q, want it to say %q", i, heavy[i], w)
		}
	}
}
