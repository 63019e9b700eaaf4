//go:build !race

package ui

// raceOn is set when the tests run with the race detector.
const raceOn = false
