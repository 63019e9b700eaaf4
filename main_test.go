package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
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
