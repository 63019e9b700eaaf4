//go:build unix

package checktest

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// chromiumStopWait bounds Chromium's exit once its process group was sent
// SIGKILL.
const chromiumStopWait = 10 * time.Second

// Chromium returns an opener for checks/browser.Test that opens the page in
// a headless Chromium of the test's own (Debian's chromium): a profile of
// its own in a temporary folder, QUIC and everything in the background that
// would reach past loopback (updates, sync, metrics) off, plus extra flags
// (--proxy-server=...). Each browser it starts is stopped by its process
// group's ID when the test ends. It skips the test when Chromium is not
// installed.
func Chromium(t testing.TB, extra ...string) func(url string) error {
	t.Helper()
	bin := needBinary(t, "chromium", "chromium")
	return func(url string) error {
		profile := t.TempDir()
		args := append([]string{
			"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
			"--metrics-recording-only", "--disable-breakpad", "--password-store=basic",
			"--user-data-dir=" + profile,
		}, extra...)
		cmd := exec.Command(bin, append(args, url)...)
		// Its own messages (no D-Bus here, ...) go to a log beside the
		// profile, for a failing test to show.
		logf, err := os.Create(filepath.Join(profile, "chromium.log"))
		if err != nil {
			return err
		}
		defer logf.Close()
		cmd.Stdout, cmd.Stderr = logf, logf
		// A group of its own, so its helper processes stop with it.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			return err
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		t.Cleanup(func() {
			if t.Failed() {
				if b, err := os.ReadFile(logf.Name()); err == nil {
					t.Logf("chromium's log:\n%s", tail(b, 4000))
				}
			}
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			select {
			case <-exited:
			case <-time.After(chromiumStopWait):
				t.Errorf("chromium (pid %d) did not stop", cmd.Process.Pid)
			}
		})
		return nil
	}
}

// tail is the end of b, at most n bytes.
func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
