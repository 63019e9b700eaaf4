//go:build linux

package browser_test

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// chromiumStopWait bounds Chromium's exit once its process group was sent
// SIGKILL.
const chromiumStopWait = 10 * time.Second

// chromiumOpener opens a page in a headless Chromium of the test's own
// (Debian's chromium), with a profile of its own and nothing in the
// background that would reach past loopback, plus extra flags; the browser
// is stopped by its process group's ID when the test ends. It skips the
// test when Chromium is not installed.
func chromiumOpener(t *testing.T, extra ...string) func(url string) error {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (Debian package chromium)")
	}
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
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if !testing.Verbose() {
			cmd.Stdout, cmd.Stderr = nil, nil
		}
		// A group of its own, so its helper processes stop with it.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			return err
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		t.Cleanup(func() {
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
