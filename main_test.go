package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
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

// TestWindowFitsTheScreen starts the app on its own Xvfb screens at the
// sizes and scales of common laptops (1366×768 at 125%, 1280×720 at 150%)
// and checks that the window, frame allowance included, lies inside the
// screen: Back and Next were off screen at 125% before.
func TestWindowFitsTheScreen(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xwininfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	for _, c := range []struct {
		screen string
		w, h   int
		scale  string
	}{{"1366x768x24", 1366, 768, "1.25"}, {"1280x720x24", 1280, 720, "1.5"}} {
		t.Run(c.screen+"@"+c.scale, func(t *testing.T) {
			display := startXvfb(t, c.screen)
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "WSDOCTOR_RUN_MAIN=1", "WSDOCTOR_ARGS=", "DISPLAY="+display, "FYNE_SCALE="+c.scale)
			var errOut bytes.Buffer
			cmd.Stderr = &errOut
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				cmd.Process.Kill()
				cmd.Wait()
			}()
			// The window appears at its first size and settles at its
			// fitted size once the driver runs: wait for it to fit, or
			// say where it stayed.
			fits := func(g []int) bool {
				w, h, x, y := g[0], g[1], g[2], g[3]
				return x >= 0 && y >= 0 && x+w <= c.w && y+h <= c.h
			}
			var geom []int
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && (geom == nil || !fits(geom)); time.Sleep(300 * time.Millisecond) {
				geom = windowGeometry(display, "WebSocket Doctor")
			}
			if geom == nil {
				t.Fatalf("no window on %s within 30 s\n%s", display, errOut.String())
			}
			if !fits(geom) {
				t.Errorf("window %dx%d+%d+%d on a %dx%d screen", geom[0], geom[1], geom[2], geom[3], c.w, c.h)
			}
		})
	}
}

// startXvfb starts an X server with one screen of geometry and returns its
// display name; the test's end stops it.
func startXvfb(t *testing.T, geometry string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// Xvfb picks a display no other server holds and says which on fd 3.
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", geometry, "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		// SIGTERM, so that it removes its lock file and socket.
		x.Process.Signal(syscall.SIGTERM)
		x.Wait()
	})
	// It may write the number and its newline apart: read the whole line,
	// and keep the pipe open until it is stopped.
	t.Cleanup(func() { r.Close() })
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil || strings.TrimSpace(line) == "" {
		t.Fatalf("Xvfb did not say its display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// windowGeometry is the width, height, x and y of the window titled title
// on display, or nil.
func windowGeometry(display, title string) []int {
	cmd := exec.Command("xwininfo", "-root", "-tree")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, _ := cmd.Output()
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.Contains(line, `"`+title+`"`) {
			continue
		}
		// ...  1170x720+97+23  +97+23
		f := strings.Fields(line)
		for i := len(f) - 1; i >= 0; i-- {
			var w, h, x, y int
			if n, _ := fmt.Sscanf(f[i], "%dx%d+%d+%d", &w, &h, &x, &y); n == 4 {
				return []int{w, h, x, y}
			}
		}
	}
	return nil
}
