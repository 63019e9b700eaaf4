package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestMain lets a test run this binary as the wsdoctor command.
func TestMain(m *testing.M) {
	if os.Getenv("WSDOCTOR_RUN_MAIN") == "1" {
		os.Args = append([]string{"wsdoctor"}, strings.Fields(os.Getenv("WSDOCTOR_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runSelf runs the command with args and the environment env added.
func runSelf(t *testing.T, args string, env ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), append([]string{"WSDOCTOR_RUN_MAIN=1", "WSDOCTOR_ARGS=" + args}, env...)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// TestQuietBeforeFyne checks that Fyne's start-up prints nothing in the C
// locales (C.UTF-8 is Debian's default in containers) or with none set: package quietlog must be initialised first.
func TestQuietBeforeFyne(t *testing.T) {
	for _, env := range [][]string{
		{"LANG=C.UTF-8", "LC_ALL="},
		{"LANG=C", "LC_ALL=C"},
		{"LANG=POSIX", "LC_ALL="},
		{"LANG=", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE="},
	} {
		out, errOut, code := runSelf(t, "version", env...)
		if code != 0 || !strings.HasPrefix(out, "wsdoctor ") {
			t.Errorf("%v: version exited %d with %q", env, code, out)
		}
		if errOut != "" {
			t.Errorf("%v: stderr is not empty:\n%s", env, errOut)
		}
	}
}

// TestWindowOpens starts the app with no arguments on the X display the
// tests run under (make test uses xvfb-run) and waits for its window.
func TestWindowOpens(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display; make test runs this under xvfb-run")
	}
	if _, err := exec.LookPath("xwininfo"); err != nil {
		t.Skip("xwininfo (x11-utils) is not installed")
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "WSDOCTOR_RUN_MAIN=1", "WSDOCTOR_ARGS=")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		tree, _ := exec.Command("xwininfo", "-root", "-tree").Output()
		if bytes.Contains(tree, []byte(`"WebSocket Doctor"`)) {
			break
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the app exited before its window appeared: %v\n%s", err, errOut.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no window titled WebSocket Doctor within 30 s\n%s", errOut.String())
		}
	}
}
