//go:build race

package ui

// raceOn is set when the tests run with the race detector, which makes the
// property test ten times slower; make test runs it in full without.
const raceOn = true
