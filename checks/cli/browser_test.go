//go:build unix

package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// browserTestTimeout bounds one check with the browser test: the check,
// Chromium's start on a busy machine and the page's own limits (20 s to
// open, 3 s for the echoes).
const browserTestTimeout = 2 * time.Minute

// neverEnter is an input on which nobody presses Enter; it ends (without a
// line) when the test does.
func neverEnter(t *testing.T) io.Reader {
	r, w := io.Pipe()
	t.Cleanup(func() { w.Close() })
	return r
}

// browserCheck runs `wsdoctor check --json` with edges e and args and reads
// its report.
func browserCheck(t *testing.T, e Edges, args ...string) (int, report.Report, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), browserTestTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := e.Check(ctx, append([]string{"--json", "--quiet"}, args...), &stdout, &stderr)
	rep, err := report.Parse(stdout.Bytes())
	if err != nil {
		t.Fatalf("exit %d, %v\nstderr:\n%s", code, err, stderr.String())
	}
	return code, rep, stderr.String()
}

func findingOf(rep report.Report, id string) (diagnose.Finding, bool) {
	for _, f := range rep.Findings {
		if f.ID == id {
			return f, true
		}
	}
	return diagnose.Finding{}, false
}

// TestBrowserChromium runs `check --browser` with a real headless Chromium
// as the person's browser, on the reference server: the check and the
// browser each take their own way, and the diagnosis compares them.
func TestBrowserChromium(t *testing.T) {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1 : strings.LastIndex(srv.URL, "/")]

	t.Run("both work", func(t *testing.T) {
		e := Edges{OpenBrowser: checktest.Chromium(t), Stdin: neverEnter(t)}
		code, rep, stderr := browserCheck(t, e, "--browser", "--proxy", "none", srv.URL)
		if code != ExitOK || rep.Verdict != diagnose.Works {
			t.Errorf("exit %d, verdict %s, want 0, works\n%s", code, rep.Verdict, stderr)
		}
		b := rep.Browser
		if b == nil || !b.Opened || !b.EchoedText || !b.EchoedBinary || b.CloseCode != 1000 || !b.WasClean || b.OpenMS <= 0 || b.FirstEchoMS <= 0 {
			t.Fatalf("browser %+v", b)
		}
		if !strings.Contains(b.UserAgent, "HeadlessChrome/") || b.Target != srv.URL {
			t.Errorf("browser %+v", b)
		}
		f, ok := findingOf(rep, diagnose.IDBrowserDiffers)
		if !ok || f.Severity != diagnose.SeverityOK || !strings.Contains(f.Title, "too") {
			t.Errorf("browser-differs %+v", f)
		}
		if !strings.Contains(stderr, "Your browser could open the live connection.") {
			t.Errorf("stderr:\n%s", stderr)
		}
	})

	t.Run("squid refuses the browser's tunnel, the check goes direct", func(t *testing.T) {
		p, _ := strconv.Atoi(port)
		sq := checktest.StartSquid(t, checktest.SquidOptions{DenyConnectPorts: []int{p}})
		// Chromium never sends loopback through a proxy unless told
		// (<-loopback>); its WebSockets go through a CONNECT tunnel.
		e := Edges{OpenBrowser: checktest.Chromium(t, "--proxy-server=http://"+sq.Addr, "--proxy-bypass-list=<-loopback>"), Stdin: neverEnter(t)}
		code, rep, stderr := browserCheck(t, e, "--browser", "--proxy", "none", srv.URL)
		if code != ExitOK || rep.Verdict != diagnose.WorksWithWarnings || rep.TopFinding != diagnose.IDBrowserDiffers {
			t.Errorf("exit %d, verdict %s, top %s; want 0, works_with_warnings, browser-differs\n%s", code, rep.Verdict, rep.TopFinding, stderr)
		}
		if b := rep.Browser; b == nil || b.Opened || b.CloseCode != 1006 {
			t.Fatalf("browser %+v", b)
		}
		f, _ := findingOf(rep, diagnose.IDBrowserDiffers)
		if f.Severity != diagnose.SeverityWarning || !strings.Contains(f.Title, "Your browser cannot open the live connection, but this check can") {
			t.Errorf("browser-differs %+v", f)
		}
		// The browser did go through squid, and squid refused its tunnel.
		log, _ := os.ReadFile(filepath.Join(sq.Dir, "access.log"))
		if !strings.Contains(string(log), "TCP_DENIED/403") || !strings.Contains(string(log), "CONNECT 127.0.0.1:"+port) {
			t.Errorf("squid's access.log has no refused CONNECT to the server:\n%s", log)
		}
	})

	t.Run("the check's proxy is down, the browser goes direct", func(t *testing.T) {
		dead := checktest.FreePort(t)
		e := Edges{OpenBrowser: checktest.Chromium(t), Stdin: neverEnter(t)}
		code, rep, stderr := browserCheck(t, e, "--browser", "--proxy", "http://127.0.0.1:"+strconv.Itoa(dead), srv.URL)
		if code != ExitProblem || rep.Verdict != diagnose.DoesNotWork || rep.TopFinding != diagnose.IDProxyUnreachable {
			t.Errorf("exit %d, verdict %s, top %s; want 1, does_not_work, proxy-unreachable\n%s", code, rep.Verdict, rep.TopFinding, stderr)
		}
		if b := rep.Browser; b == nil || !b.Opened || !b.EchoedText {
			t.Fatalf("browser %+v", b)
		}
		f, _ := findingOf(rep, diagnose.IDBrowserDiffers)
		if f.Severity != diagnose.SeverityWarning || !strings.Contains(f.Title, "Your browser can open the live connection, but this check cannot") ||
			!strings.Contains(f.Explanation, "went another way") {
			t.Errorf("browser-differs %+v", f)
		}
	})
}

// TestBrowserSkipAndFail: Enter skips the wait, a browser that cannot be
// opened is said, and neither puts a browser section in the report.
func TestBrowserSkipAndFail(t *testing.T) {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	t.Run("Enter skips", func(t *testing.T) {
		r, w := io.Pipe()
		t.Cleanup(func() { w.Close() })
		e := Edges{OpenBrowser: func(string) error {
			go w.Write([]byte("\n")) // the person presses Enter instead
			return nil
		}, Stdin: r}
		start := time.Now()
		code, rep, stderr := browserCheck(t, e, "--browser", "--proxy", "none", srv.URL)
		if code != ExitOK || rep.Browser != nil || !strings.Contains(stderr, "skipped") {
			t.Errorf("exit %d, browser %+v\n%s", code, rep.Browser, stderr)
		}
		if _, ok := findingOf(rep, diagnose.IDBrowserDiffers); ok {
			t.Error("browser-differs without a browser answer")
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("took %s", d)
		}
	})
	t.Run("no browser", func(t *testing.T) {
		e := Edges{OpenBrowser: func(string) error { return io.ErrUnexpectedEOF }, Stdin: neverEnter(t)}
		code, rep, stderr := browserCheck(t, e, "--browser", "--proxy", "none", srv.URL)
		if code != ExitOK || rep.Browser != nil || !strings.Contains(stderr, "could not run") {
			t.Errorf("exit %d, browser %+v\n%s", code, rep.Browser, stderr)
		}
	})
	t.Run("not asked", func(t *testing.T) {
		e := Edges{OpenBrowser: func(string) error { t.Error("the browser was opened without --browser"); return nil }, Stdin: neverEnter(t)}
		if _, rep, _ := browserCheck(t, e, "--proxy", "none", srv.URL); rep.Browser != nil {
			t.Error("a browser answer without --browser")
		}
	})
}

// TestBrowserCountdown: on a terminal one line counts down and is cleared
// when the answer comes; elsewhere one line says how long it may take.
func TestBrowserCountdown(t *testing.T) {
	var b bytes.Buffer
	stop := browserCountdown(&b, time.Now().Add(2*time.Minute+30*time.Second), true)
	stop()
	stop() // twice is fine
	got := b.String()
	if !strings.HasPrefix(got, "\r  Waiting for your browser's answer: 2m30s left (Enter skips)\033[K") || !strings.HasSuffix(got, "\r\033[K") {
		t.Errorf("terminal: %q", got)
	}
	b.Reset()
	browserCountdown(&b, time.Now().Add(time.Minute), false)()
	if got := b.String(); got != "Waiting for your browser's answer (at most 3 minutes; press Enter to skip)...\n" {
		t.Errorf("not a terminal: %q", got)
	}
}
