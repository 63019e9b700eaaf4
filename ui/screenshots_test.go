package ui

import (
	"context"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// screenshotRuns are the Result screens of docs/screenshots: the window
// sizes of fitScreens and the languages each is taken in.
var screenshotRuns = []struct{ screen, lang string }{
	{"1093x614", "en"}, {"1366x768-scale1.25", "en"}, {"1366x768-scale1.25", "de"}, {"1366x768-scale1.25", "ja"},
}

// TestScreenshots writes into the folder WSDOCTOR_SCREENSHOTS names, at
// the sizes FitToScreen gives on the screens of fitScreens, with the real
// session, the real diagnosis and the carried fonts: Start as the window
// opens and the Result screens of four real checks on loopback (a stopped
// local service, a dead proxy entered under Advanced in front of a
// working echo server, a web page's address, the self-test), English at
// both sizes, German and Japanese the stopped service at 1366x768 at
// 125%; the wizard's other steps (TestTourScreenshotVariant); the Keep
// watching screens. Skipped without WSDOCTOR_SCREENSHOTS (make
// screenshots). Each window is a process of its own, as in TestGoldenFit.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("WSDOCTOR_SCREENSHOTS")
	if dir == "" {
		t.Skip("WSDOCTOR_SCREENSHOTS names no folder")
	}
	for _, r := range screenshotRuns {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestScreenshotVariant$")
		cmd.Env = append(os.Environ(), "WSDOCTOR_SHOT_VARIANT="+r.screen+"/"+r.lang)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s/%s: %v\n%s", r.screen, r.lang, err, out)
		}
	}
	for _, screen := range []string{"1093x614", "1366x768-scale1.25"} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestTourScreenshotVariant$")
		cmd.Env = append(os.Environ(), "WSDOCTOR_SHOT_VARIANT="+screen+"/en")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("tour %s: %v\n%s", screen, err, out)
		}
	}
	for _, r := range watchShotRuns {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestWatchScreenshotVariant$")
		cmd.Env = append(os.Environ(), "WSDOCTOR_SHOT_VARIANT="+r.screen+"/"+r.lang)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("watch %s/%s: %v\n%s", r.screen, r.lang, err, out)
		}
	}
}

// TestScreenshotVariant is one of TestScreenshots' windows.
func TestScreenshotVariant(t *testing.T) {
	variant, dir := os.Getenv("WSDOCTOR_SHOT_VARIANT"), os.Getenv("WSDOCTOR_SCREENSHOTS")
	if variant == "" || dir == "" {
		t.Skip("run by TestScreenshots")
	}
	s, lang := variantScreen(t, variant)
	screen := s.name

	echo, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	page := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>Example Chat</title><p>Welcome</p>")
	})}
	pl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go page.Serve(pl)
	defer page.Close()

	c := shotChecker(lang)
	words, findings := c.Words, c.Findings
	h := newHarness(t, Engine{Check: c.Check, Idle: c.Idle, Words: words, Catalogue: findings})
	h.app.Settings().SetTheme(forcedVariant{Theme(lang), theme.VariantLight})
	cv := h.w.Canvas()
	cv.(test.WindowlessCanvas).SetScale(s.scale)
	h.w.Resize(fitSize(WindowSize(), s.w, s.h-int(40*s.scale), s.scale))
	z := h.z
	l := z.lang

	capture := func(file string) {
		t.Helper()
		relayout(h.w.Content())
		f, err := os.Create(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, cv.Capture()); err != nil {
			t.Fatal(err)
		}
	}
	// Start as the window opens, with no address yet.
	relayout(h.w.Content())
	for _, p := range layoutProblems(h.w, l) {
		t.Errorf("%s start: %s", variant, p)
	}
	capture("start-" + screen + "-" + lang + ".png")

	shoot := func(name, address, proxy string) {
		t.Helper()
		for z.step != StepWelcome {
			test.Tap(z.back)
		}
		z.welcome.address.SetText(address)
		if proxy != "" {
			z.welcome.proxy.SetSelected(l.T("window.advanced.proxy_url"))
			z.welcome.proxyURL.SetText(proxy)
		} else {
			z.welcome.proxy.SetSelected(l.T("window.advanced.proxy_none"))
		}
		if address == "" {
			test.Tap(z.welcome.selfTest)
		} else {
			test.Tap(z.welcome.check)
		}
		h.until("the result of "+name, func() bool { return z.step == StepResult && !z.running && z.run != nil })
		relayout(h.w.Content())
		for _, p := range layoutProblems(h.w, l) {
			t.Errorf("%s %s: %s", variant, name, p)
		}
		capture("result-" + name + "-" + screen + "-" + lang + ".png")
	}
	stopped := stoppedService(t)
	shoot("stopped-service", stopped, "")
	if lang != "en" {
		return
	}
	shoot("proxy-entered", echo.URL, "http://127.0.0.1:"+strconv.Itoa(checktest.FreePort(t)))
	shoot("page-address", "http://"+pl.Addr().String()+"/workspace", "")
	shoot("self-test", "", "")
}

// watchShotRuns are the Keep watching screens of docs/screenshots
// (watch-timeline-*.png).
var watchShotRuns = []struct{ screen, lang string }{
	{"1093x614", "en"}, {"1093x614", "de"}, {"1093x614", "ja"}, {"1366x768-scale1.25", "en"},
}

// anHour is a watch's log as the window receives it, from 47 minutes ago:
// a quiet connection forgotten by a NAT twice, all three dropped when the
// Wi-Fi changed and when the computer slept, the busy one closed once by
// the service.
func anHour(start time.Time) []engine.WatchEvent {
	at := func(m, s int) time.Time {
		return start.Add(time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
	}
	opens := func(m, s int, conns ...string) []engine.WatchEvent {
		var out []engine.WatchEvent
		for _, c := range conns {
			out = append(out, engine.WatchEvent{At: at(m, s), Conn: c, Kind: engine.WatchOpen, Took: 300 * time.Millisecond, Attempt: 1})
		}
		return out
	}
	all := engine.WatchConns
	ev := []engine.WatchEvent{{At: at(0, 0), Kind: engine.WatchStart}}
	ev = append(ev, opens(0, 1, all...)...)
	ev = append(ev, engine.WatchEvent{At: at(6, 2), Conn: engine.WatchSilent, Kind: engine.WatchDrop, Age: 6 * time.Minute, EndedBy: engine.EndSilent})
	ev = append(ev, opens(6, 4, engine.WatchSilent)...)
	ev = append(ev, engine.WatchEvent{At: at(18, 30), Kind: engine.WatchChange, What: engine.ChangeWiFi, From: "Office", To: "Office-Guest"})
	for _, c := range all {
		ev = append(ev, engine.WatchEvent{At: at(18, 31), Conn: c, Kind: engine.WatchDrop, Age: 12 * time.Minute, EndedBy: engine.EndReset})
	}
	ev = append(ev, opens(18, 35, all...)...)
	ev = append(ev, engine.WatchEvent{At: at(29, 10), Conn: engine.WatchSilent, Kind: engine.WatchDrop, Age: 10 * time.Minute, EndedBy: engine.EndSilent})
	ev = append(ev, opens(29, 12, engine.WatchSilent)...)
	ev = append(ev, engine.WatchEvent{At: at(38, 0), Kind: engine.WatchSleep, Took: 4 * time.Minute})
	for _, c := range all {
		ev = append(ev, engine.WatchEvent{At: at(38, 1), Conn: c, Kind: engine.WatchDrop, Age: 19 * time.Minute, EndedBy: engine.EndFIN})
	}
	ev = append(ev, opens(38, 3, all...)...)
	ev = append(ev, engine.WatchEvent{At: at(44, 20), Conn: engine.WatchBusy, Kind: engine.WatchDrop, Age: 6 * time.Minute,
		EndedBy: engine.EndCloseFrame, CloseCode: 1011, CloseReason: "internal error"})
	ev = append(ev, engine.WatchEvent{At: at(44, 21), Conn: engine.WatchBusy, Kind: engine.WatchRetryFailed, Attempt: 1, Detail: "refused"})
	return append(ev, opens(44, 23, engine.WatchBusy)...)
}

// TestWatchScreenshotVariant is one of TestScreenshots' Keep watching
// windows: a real check of the reference server on loopback (a fake one
// for TestWatchFits), then Keep watching for an hour with the events of
// anHour handed to the window (an hour of real drops does not fit in a
// test), the second drop's tip shown, scrolled to the timeline. Without WSDOCTOR_SCREENSHOTS it only
// checks the layout (TestWatchFits).
func TestWatchScreenshotVariant(t *testing.T) {
	variant, dir := os.Getenv("WSDOCTOR_SHOT_VARIANT"), os.Getenv("WSDOCTOR_SCREENSHOTS")
	if variant == "" {
		t.Skip("run by TestScreenshots and TestWatchFits")
	}
	s, lang := variantScreen(t, variant)
	screen := s.name
	echo, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	c := shotChecker(lang)
	words, findings := c.Words, c.Findings
	events := anHour(time.Now().Add(-47 * time.Minute))
	watch := func(ctx context.Context, run *session.Run, _ time.Duration, onEvent func(engine.WatchEvent)) *session.Run {
		for _, e := range events {
			onEvent(e)
		}
		<-ctx.Done()
		return run
	}
	check := c.Check
	if dir == "" {
		// Only the layout is checked: a fake check that works, quick
		// under the race detector with the other windows in parallel.
		check = (&fake{}).with(fakeDiagnose, companyEnv).check
	}
	h := newHarness(t, Engine{Check: check, Watch: watch, Words: words, Catalogue: findings})
	h.app.Settings().SetTheme(forcedVariant{Theme(lang), theme.VariantLight})
	cv := h.w.Canvas()
	cv.(test.WindowlessCanvas).SetScale(s.scale)
	h.w.Resize(fitSize(WindowSize(), s.w, s.h-int(40*s.scale), s.scale))
	z := h.z
	l := z.lang
	z.title = "WebSocket Doctor"
	z.welcome.address.SetText(echo.URL)
	z.welcome.proxy.SetSelected(l.T("window.advanced.proxy_none"))
	test.Tap(z.welcome.check)
	h.until("the result", func() bool { return z.step == StepResult && !z.running && z.run != nil })
	b := z.result.watch
	b.length.SetSelectedIndex(1)
	d := fyne.CurrentApp().Driver()
	scrollTo := func() {
		y := d.AbsolutePositionForObject(b.root).Y - d.AbsolutePositionForObject(z.scroll).Y + z.scroll.Offset.Y - theme.Padding()
		z.scroll.Offset.Y = max(0, min(y, z.scroll.Content.MinSize().Height-z.scroll.Size().Height))
		z.scroll.Refresh()
	}
	scrollTo()
	for _, p := range layoutProblems(h.w, l) {
		t.Errorf("%s, offered: %s", variant, p)
	}
	if !inView(z.scroll, b.start) {
		t.Errorf("%s: Keep watching cannot be scrolled into view", variant)
	}
	test.Tap(b.start)
	h.until("the hour's events", func() bool { return len(b.log.Events) == len(events) })
	drops, _ := marks(b.line)
	if len(drops) < 2 {
		t.Fatalf("%d drop marks", len(drops))
	}
	test.Tap(drops[1])
	scrollTo()
	for _, p := range layoutProblems(h.w, l) {
		t.Errorf("%s: %s", variant, p)
	}
	if !inView(z.scroll, b.line) {
		t.Errorf("%s: the timeline is not in view", variant)
	}
	t.Logf("title: %s", h.w.Title())
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, "watch-timeline-"+screen+"-"+lang+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, cv.Capture()); err != nil {
		t.Fatal(err)
	}
}

// TestWatchFits lays Keep watching out, offered and running with an
// hour's timeline, at the window size FitToScreen gives on each of
// fitScreens, in English, German and Japanese: no text is cut, runs out
// of the window or overlaps another (TestWatchScreenshotVariant, each in
// a process of its own, as TestGoldenFit's). Under the race detector,
// which makes each window ten times slower, it is left to make test's
// plain run.
func TestWatchFits(t *testing.T) {
	if raceOn {
		t.Skip("nine windows under -race: make test runs it without")
	}
	everyFit(t, "TestWatchScreenshotVariant")
}

// TestTourFits walks the wizard of TestTourScreenshotVariant on every
// screen of fitScreens in English, German and Japanese, and fails on any
// layout problem on the way (no pictures).
func TestTourFits(t *testing.T) {
	if raceOn {
		t.Skip("nine windows under -race: make test runs it without")
	}
	everyFit(t, "TestTourScreenshotVariant")
}

// TestTourScreenshotVariant is the walk through the wizard a support
// team's customer takes, at one of fitScreens in one language: Start with
// a preset, Your connection (this machine's real settings), Checking while
// a server holds the upgrade unanswered, then Fix it and Share (the report
// saved) after a check of a stopped local service. Each screen's layout is
// checked; with WSDOCTOR_SCREENSHOTS (TestScreenshots) each is saved
// there as a picture, else (TestTourFits) only checked.
func TestTourScreenshotVariant(t *testing.T) {
	variant, dir := os.Getenv("WSDOCTOR_SHOT_VARIANT"), os.Getenv("WSDOCTOR_SCREENSHOTS")
	if variant == "" {
		t.Skip("run by TestScreenshots and TestTourFits")
	}
	s, lang := variantScreen(t, variant)
	screen := s.name
	stopped := stoppedService(t)
	silent := checktest.Silent(t)

	c := shotChecker(lang)
	words, findings := c.Words, c.Findings
	h := newHarness(t, Engine{Check: c.Check, Idle: c.Idle, Connection: c.Connection, Words: words, Catalogue: findings,
		Preset: Preset{ProductName: "Acme Chat", SupportEmail: "help@acme.example", Address: stopped, Origin: "built_in"}})
	h.app.Settings().SetTheme(forcedVariant{Theme(lang), theme.VariantLight})
	cv := h.w.Canvas()
	cv.(test.WindowlessCanvas).SetScale(s.scale)
	h.w.Resize(fitSize(WindowSize(), s.w, s.h-int(40*s.scale), s.scale))
	z := h.z
	capture := func(name string) {
		t.Helper()
		relayout(h.w.Content())
		for _, p := range layoutProblems(h.w, z.lang) {
			t.Errorf("%s %s: %s", variant, name, p)
		}
		if dir == "" {
			return
		}
		f, err := os.Create(filepath.Join(dir, name+"-"+screen+"-"+lang+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, cv.Capture()); err != nil {
			t.Fatal(err)
		}
	}
	capture("start-preset")

	// Checking: the upgrade is held unanswered; the window as it is a
	// second into the check, then Cancel.
	z.welcome.address.SetText(silent)
	test.Tap(z.welcome.check)
	h.atStep(StepConnection)
	h.until("the environment", func() bool { return !z.envBusy })
	capture("connection")
	test.Tap(z.conn.start)
	h.atStep(StepChecking)
	for second, waiting := time.After(time.Second), true; waiting; {
		select {
		case f := <-h.q:
			f()
		case <-second:
			waiting = false
		}
	}
	capture("checking")
	// Cancel stays in view while the page follows the rows that run.
	d := fyne.CurrentApp().Driver()
	if a, sc := d.AbsolutePositionForObject(z.checking.action), d.AbsolutePositionForObject(z.scroll); !z.checking.action.Visible() ||
		a.Y+z.checking.action.Size().Height > sc.Y+1 {
		t.Errorf("%s: Cancel at y=%v, the page from y=%v (scrolled %v): not pinned above the rows", variant, a.Y, sc.Y, z.scroll.Offset.Y)
	}
	test.Tap(z.checking.action)
	h.until("the cancelled check", func() bool { return !z.running })

	for z.step != StepWelcome {
		test.Tap(z.back)
	}
	z.welcome.address.SetText(stopped)
	h.runToResult()
	h.until("the result", func() bool { return !z.running && z.run != nil })
	test.Tap(z.next)
	h.atStep(StepFix)
	capture("fix")
	test.Tap(z.next)
	h.atStep(StepShare)
	z.share.folder.SetText(filepath.Join(t.TempDir(), "Documents"))
	if err := os.Mkdir(z.share.folder.Text, 0o755); err != nil {
		t.Fatal(err)
	}
	test.Tap(z.share.save)
	if z.share.saved == "" && z.share.early {
		test.Tap(z.share.save) // Save now, without the idle test's result
	}
	h.until("the saved report", func() bool { return z.share.saved != "" })
	relayout(h.w.Content())
	z.scroll.ScrollToBottom() // where it says the report was saved
	capture("share")
}

// relayout lays o out again from the leaves up, as the real window does
// before each frame (Fyne's canvas notices a shown widget or a grown label
// and lays out its parent) and the test canvas, whose Refresh does
// nothing, does not: without it a widget shown after the screen was laid
// out (Open the folder, a probe's detail line) keeps its old place.
func relayout(o fyne.CanvasObject) {
	if !o.Visible() {
		return
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			relayout(c)
		}
		if x.Layout != nil {
			x.Layout.Layout(x.Objects, x.Size())
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		for _, c := range r.Objects() {
			relayout(c)
		}
		r.Layout(x.Size())
	}
}

// everyFit runs the test named (a variant that reads WSDOCTOR_SHOT_VARIANT)
// in a process of its own for every screen of fitScreens in English,
// German and Japanese, in parallel, with no pictures: only its checks.
func everyFit(t *testing.T, name string) {
	for _, s := range fitScreens {
		for _, lang := range []string{"en", "de", "ja"} {
			t.Run(s.name+"/"+lang, func(t *testing.T) {
				t.Parallel()
				cmd := exec.Command(os.Args[0], "-test.run", "^"+name+"$")
				cmd.Env = append(os.Environ(), "WSDOCTOR_SHOT_VARIANT="+s.name+"/"+lang, "WSDOCTOR_SCREENSHOTS=")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("%v\n%s", err, out)
				}
			})
		}
	}
}

// shotChecker is the real session for lang, with the VPN, the system's
// version and the captive portal's answer fixed, so that pictures do not
// show this machine's.
func shotChecker(lang string) *session.Checker {
	return &session.Checker{Tool: report.Tool{Name: "wsdoctor", Version: "1.9.0"},
		Words: i18n.MustLoad(lang), Findings: diagnose.MustCatalogue(lang),
		ReadVPN:       func(context.Context) netenv.VPN { return netenv.VPN{} },
		ReadOSVersion: func(context.Context) string { return "Debian GNU/Linux 13" },
		ReadCaptive:   func(context.Context) netenv.Captive { return netenv.CaptiveUnknown }}
}

// stoppedService is the address of a local service that is not running:
// port 9 (discard), the example, or a free port where something
// listens there.
func stoppedService(t *testing.T) string {
	if c, err := net.Dial("tcp", "127.0.0.1:9"); err == nil {
		c.Close()
		return "ws://127.0.0.1:" + strconv.Itoa(checktest.FreePort(t)) + "/socket"
	}
	return "ws://127.0.0.1:9/socket"
}
