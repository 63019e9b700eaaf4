//go:build race

package checktest

// raceDetector is set when the tests run with -race, whose shadow memory
// takes several times the program's own: peak-memory bounds are then not
// asserted (the plain run of make test asserts them).
const raceDetector = true
