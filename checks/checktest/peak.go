package checktest

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// peakChildEnv names the test a child process of PeakRSS runs.
const peakChildEnv = "WSDOCTOR_PEAK_CHILD"

// peakMarker starts the child's line with its peak resident size in KiB.
const peakMarker = "WSDOCTOR_PEAK_RSS_KIB="

// PeakRSS runs fn in a fresh copy of the test binary (this test alone, by
// its name) and returns the most memory that process ever held, in bytes
// (Linux's VmHWM): a bomb that is not defused shows as gigabytes, however
// briefly it held them, which heap sampling could miss. In the child it
// runs fn, reports, and returns -1; the caller returns at once then. It
// skips where /proc is missing.
func PeakRSS(t *testing.T, fn func(t *testing.T)) int64 {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("peak memory is read from /proc (Linux)")
	}
	if raceDetector {
		t.Skip("the race detector's shadow memory hides the program's own peak; the run without -race asserts it")
	}
	if os.Getenv(peakChildEnv) == t.Name() {
		fn(t)
		if kib := vmHWM(); kib > 0 {
			// Read by the parent; -test.v shows it.
			t.Log(peakMarker + strconv.FormatInt(kib, 10))
		}
		return -1
	}
	var parts []string
	for _, p := range strings.Split(t.Name(), "/") {
		parts = append(parts, "^"+regexp.QuoteMeta(p)+"$")
	}
	cmd := exec.Command(os.Args[0], "-test.run="+strings.Join(parts, "/"), "-test.v", "-test.count=1", "-test.timeout=120s")
	cmd.Env = append(os.Environ(), peakChildEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child test failed: %v\n%s", err, out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if _, v, ok := strings.Cut(sc.Text(), peakMarker); ok {
			kib, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err == nil {
				return kib << 10
			}
		}
	}
	if bytes.Contains(out, []byte("--- SKIP")) {
		t.Skipf("child skipped:\n%s", out)
	}
	t.Fatalf("child reported no peak memory:\n%s", out)
	return 0
}

// vmHWM is this process's peak resident set size in KiB, or 0.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// MaxPeak is the peak memory a process fed a bomb may reach.
const MaxPeak = 128 << 20

// CheckPeak runs fn under PeakRSS and fails the test when the process's
// peak passed MaxPeak. It returns false in the child, where the caller must
// return at once.
func CheckPeak(t *testing.T, fn func(t *testing.T)) bool {
	t.Helper()
	peak := PeakRSS(t, fn)
	if peak < 0 {
		return false
	}
	t.Logf("peak resident memory: %d MiB", peak>>20)
	if peak > MaxPeak {
		t.Errorf("peak resident memory %d MiB, want under %d MiB", peak>>20, MaxPeak>>20)
	}
	return true
}

// Race reports whether the tests run with -race, which makes big
// transfers several times slower: a test that must let a slow step finish
// gives it more time then.
func Race() bool { return raceDetector }
