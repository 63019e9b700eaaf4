package cli

import (
	"fmt"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// The values of check --fail-on: what makes the exit code 1.
const (
	// FailOnProblem: only a check that found WebSockets do not work (or
	// could not finish) exits 1; works_with_warnings exits 0.
	FailOnProblem = "problem"
	// FailOnWarning: works_with_warnings exits 1 too, for scripts that
	// must hear of a short idle limit or a slow handshake.
	FailOnWarning = "warning"
)

func (f *checkFlags) checkFailOn() error {
	switch f.failOn {
	case "", FailOnProblem, FailOnWarning: // "": flags made in code, not parsed
		return nil
	}
	return fmt.Errorf("--fail-on %q: want %s or %s", f.failOn, FailOnProblem, FailOnWarning)
}

// passes reports whether a check with verdict v exits 0.
func (f *checkFlags) passes(v diagnose.Verdict) bool {
	if f.failOn == FailOnWarning {
		return v == diagnose.Works
	}
	return v.Works()
}
