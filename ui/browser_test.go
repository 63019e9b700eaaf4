package ui

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// browserEngine is an engine whose browser answers what the test sends on
// release, and whose diagnosis sets that answer beside the check's, as
// main's engine does.
type browserEngine struct {
	release chan browser.Result
	mu      sync.Mutex
	answer  *browser.Result
	asked   *session.Run
}

// browser answers what the test sends, set beside the check's by the
// session's own diagnosis.
func (e *browserEngine) browser(ctx context.Context, run *session.Run, _ func(string)) (*session.Run, error) {
	e.mu.Lock()
	e.asked = run
	e.mu.Unlock()
	select {
	case r := <-e.release:
		e.mu.Lock()
		e.answer = &r
		e.mu.Unlock()
		return run.WithBrowser(&r), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func hasFinding(run *shownRun, id string) (diagnose.Finding, bool) {
	for _, f := range run.Findings {
		if f.ID == id {
			return f, true
		}
	}
	return diagnose.Finding{}, false
}

func TestBrowserTest(t *testing.T) {
	t.Run("the browser fails where the check works", func(t *testing.T) {
		e := &browserEngine{release: make(chan browser.Result)}
		h := newHarness(t, Engine{Check: (&fake{}).check, Browser: e.browser})
		h.runToResult()
		b := h.z.result.browser
		if !b.root.Visible() || !b.offer.Visible() || b.wait.Visible() {
			t.Fatal("the browser test is not offered")
		}
		if h.z.run.Verdict != diagnose.Works {
			t.Fatalf("verdict %s before the browser test", h.z.run.Verdict)
		}
		test.Tap(b.start)
		h.until("the countdown", func() bool { return b.wait.Visible() })
		if !strings.Contains(b.text.Text, "3 min left") || b.offer.Visible() {
			t.Errorf("countdown %q", b.text.Text)
		}
		e.release <- browser.Result{Target: "ws://127.0.0.1:8765/echo", CloseCode: 1006, Error: "error", Online: true,
			UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"}
		h.until("the answer", func() bool { return !b.busy })
		if got := b.answer.Text; got != "Your browser (Firefox) could not open the live connection. It was closed with code 1006." || !b.answer.Visible() {
			t.Errorf("answer %q", got)
		}
		f, ok := hasFinding(h.z.run, diagnose.IDBrowserDiffers)
		if !ok || f.Severity != diagnose.SeverityWarning {
			t.Fatalf("findings %+v", h.z.run.Findings)
		}
		if h.z.run.Verdict != diagnose.WorksWithWarnings || h.z.result.banner.level != bannerAmber {
			t.Errorf("verdict %s, banner %d", h.z.run.Verdict, h.z.result.banner.level)
		}
		if !strings.Contains(markupText(h.z.result.root), f.Title) {
			t.Error("the finding is not on the result screen")
		}
		if e.asked.Outcome.Target.URL() != "ws://127.0.0.1:8765/echo" {
			t.Errorf("the browser was asked about %q", e.asked.Outcome.Target.URL())
		}
		if len(h.z.lang.fixSteps(h.z.run)) == 0 {
			t.Error("no steps to fix it")
		}
	})
	t.Run("both work", func(t *testing.T) {
		e := &browserEngine{release: make(chan browser.Result, 1)}
		e.release <- browser.Result{Opened: true, OpenMS: 240, EchoedText: true, EchoedBinary: true, CloseCode: 1000, WasClean: true,
			UserAgent: "Mozilla/5.0 Chrome/156.0.0.0 Safari/537.36"}
		h := newHarness(t, Engine{Check: (&fake{}).check, Browser: e.browser})
		h.runToResult()
		b := h.z.result.browser
		test.Tap(b.start)
		h.until("the answer", func() bool { return !b.busy && b.answer.Visible() })
		if got := b.answer.Text; got != "Your browser (Chrome) could open the live connection, in 240 ms." {
			t.Errorf("answer %q", got)
		}
		if f, ok := hasFinding(h.z.run, diagnose.IDBrowserDiffers); !ok || f.Severity != diagnose.SeverityOK || h.z.run.Verdict != diagnose.Works {
			t.Errorf("findings %+v, verdict %s", h.z.run.Findings, h.z.run.Verdict)
		}
	})
	t.Run("skip", func(t *testing.T) {
		e := &browserEngine{release: make(chan browser.Result)}
		h := newHarness(t, Engine{Check: (&fake{}).check, Browser: e.browser})
		h.runToResult()
		b := h.z.result.browser
		test.Tap(b.start)
		h.until("the countdown", func() bool { return b.wait.Visible() })
		test.Tap(b.skip)
		h.until("the skip", func() bool { return !b.busy })
		if b.answer.Text != h.z.lang.T("window.browser.skipped") || b.wait.Visible() || !b.offer.Visible() {
			t.Errorf("after skip: %q", b.answer.Text)
		}
		if _, ok := hasFinding(h.z.run, diagnose.IDBrowserDiffers); ok {
			t.Error("a browser finding without an answer")
		}
	})
	t.Run("not offered without Engine.Browser", func(t *testing.T) {
		h := newHarness(t, Engine{Check: (&fake{}).check})
		h.runToResult()
		if h.z.result.browser.root.Visible() || strings.Contains(markupText(h.z.result.root), h.z.lang.T("window.browser.button")) {
			t.Error("the browser test is offered")
		}
	})
}

// TestGoldenBrowser renders the result screen with the browser's answer
// beside the check's (light variant), in a process of its own as
// TestGoldenScreens does.
func TestGoldenBrowser(t *testing.T) {
	args := []string{"-test.run", "^TestGoldenBrowserScreen$"}
	if *update {
		args = append(args, "-update")
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "WSDOCTOR_GOLDEN_BROWSER=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%v\n%s", err, out)
	}
}

// TestGoldenBrowserScreen: a check that works, a browser (Firefox) that
// cannot open the same address.
func TestGoldenBrowserScreen(t *testing.T) {
	if os.Getenv("WSDOCTOR_GOLDEN_BROWSER") == "" {
		t.Skip("run by TestGoldenBrowser")
	}
	e := &browserEngine{release: make(chan browser.Result, 1)}
	e.release <- browser.Result{Target: "wss://chat.example.com/socket", CloseMS: 48, CloseCode: 1006, Error: "error", Online: true,
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"}
	h := newHarness(t, Engine{Check: (&fake{}).check, Browser: e.browser,
		Preset: Preset{Address: "wss://chat.example.com/socket", ProductName: "Example Chat"}})
	h.app.Settings().SetTheme(forcedVariant{Theme(""), theme.VariantLight})
	h.runToResult()
	b := h.z.result.browser
	test.Tap(b.start)
	h.until("the answer", func() bool { return !b.busy && b.answer.Visible() })
	golden(t, "light/result-browser", h.w.Canvas(), true)
}

// TestBrowserNotLoaded: when no browser has loaded the test page in time,
// the window says so with the page's address to open by hand (and a
// button that copies it), and goes on waiting for the answer.
func TestBrowserNotLoaded(t *testing.T) {
	told := make(chan struct{})
	page := "http://127.0.0.1:40000/token/"
	br := func(ctx context.Context, run *session.Run, notLoaded func(string)) (*session.Run, error) {
		notLoaded(page)
		close(told)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	h := newHarness(t, Engine{Check: (&fake{}).check, Browser: br})
	h.runToResult()
	test.Tap(h.z.result.browser.start)
	<-told
	b := h.z.result.browser
	h.until("the address to open by hand", func() bool { return b.pageBox.Visible() })
	if b.page.Text != page || !strings.Contains(b.pageNote.Text, "20") {
		t.Errorf("told %q, address %q", b.pageNote.Text, b.page.Text)
	}
	if !b.busy || !b.wait.Visible() {
		t.Error("the wait stopped")
	}
	h.z.cancelTask("browser")
}
