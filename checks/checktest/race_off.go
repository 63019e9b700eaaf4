//go:build !race

package checktest

// raceDetector is set when the tests run with -race (see race_on.go).
const raceDetector = false
