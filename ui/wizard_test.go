package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// fake is an engine with no network: each probe ends with the status in
// fail (pass when absent), optionally waiting for block first.
type fake struct {
	fail      map[string]engine.Status
	block     chan struct{}
	runs      atomic.Int32
	cancelled atomic.Bool
	lastReq   session.Request
	// diag and env stand in for the diagnosis and what it is told of the
	// machine; nil diag finds nothing.
	diag func(engine.Outcome) []diagnose.Finding
	env  diagnose.Environment
	// words are the catalogue of the path's words; nil means English.
	words *diagnose.Catalogue
	// real diagnoses with the real diagnosis instead of diag.
	real bool
}

// with makes f diagnose with d, told env.
func (f *fake) with(d func(engine.Outcome) []diagnose.Finding, env diagnose.Environment) *fake {
	f.diag, f.env = d, env
	return f
}

// run is the session run of out, diagnosed as f does: the findings of
// f.diag, the verdict they and the outcome give, and the real path.
func (f *fake) run(out engine.Outcome) *session.Run {
	if f.real {
		scope := session.ScopeTarget
		if out.Target.Page {
			scope = session.ScopePage
		}
		return &session.Run{Outcome: out, Scope: scope, Diagnosis: diagnose.Diagnose(diagnose.Input{Outcome: out, Env: f.env, Catalogue: f.words})}
	}
	var fs []diagnose.Finding
	if f.diag != nil {
		fs = f.diag(out)
	}
	v := diagnose.DoesNotWork
	switch {
	case out.Cancelled:
		v = diagnose.Incomplete
	case out.Works():
		v = diagnose.Works
		for _, fd := range fs {
			if fd.Severity == diagnose.SeverityProblem || fd.Severity == diagnose.SeverityWarning {
				v = diagnose.WorksWithWarnings
			}
		}
	}
	// The path is the real diagnosis's, as the session draws it; the
	// findings and the verdict are the fake's.
	d := diagnose.Diagnose(diagnose.Input{Outcome: out, Env: f.env, Catalogue: f.words})
	return &session.Run{Outcome: out, Diagnosis: diagnose.Diagnosis{Summary: diagnose.Summary{Verdict: v},
		Findings: fs, Path: d.Path}}
}

// idled is run with the idle result res, diagnosed again by f.
func (f *fake) idled(run *session.Run, res engine.Result) *session.Run {
	out := run.Outcome
	out.Results = append(append([]engine.Result(nil), out.Results...), res)
	n := f.run(out)
	n.Idle = &res
	return n
}

func (f *fake) check(ctx context.Context, req session.Request, onEvent func(engine.Event)) (*session.Run, error) {
	f.runs.Add(1)
	f.lastReq = req
	t, _ := engine.ParseTarget(firstOf(req.Address, "ws://127.0.0.1:8765/echo"))
	out := engine.Outcome{Target: t, Started: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	for _, p := range engine.DefaultProbes() {
		onEvent(engine.Event{Kind: engine.EventStarted, Probe: p.Name})
		if f.block != nil {
			select {
			case <-f.block:
			case <-ctx.Done():
				f.cancelled.Store(true)
				out.Cancelled = true
				return f.run(out), nil
			}
		}
		st := engine.Pass
		if s, ok := f.fail[p.Name]; ok {
			st = s
		}
		r := engine.Result{Probe: p.Name, Status: st, Duration: 12 * time.Millisecond, Code: "ok"}
		if st == engine.Fail {
			r.Code, r.Reason = "status_200", "the answer was 200 OK instead of 101"
		}
		onEvent(engine.Event{Kind: engine.EventFinished, Probe: p.Name, Result: &r})
		out.Results = append(out.Results, r)
	}
	out.Finished = out.Started.Add(time.Second)
	run := f.run(out)
	if req.SelfTest {
		run.Scope = session.ScopeSelfTest
	}
	return run, nil
}

// stripFinding is what a diagnosis says about a proxy that drops Upgrade.
var stripFinding = diagnose.Finding{
	ID:          "proxy-strips-upgrade",
	Severity:    diagnose.SeverityProblem,
	WhoCanFix:   diagnose.FixerNetworkAdmin,
	Title:       "Your company proxy removes what live connections need",
	Explanation: "The proxy answered in place of the service.",
	Steps:       []string{"Turn off your VPN, then press Test again.", "Ask your IT team to let the service through the proxy."},
	AdminNote:   "Pass Upgrade and Connection; HTTP/1.1 to the origin.",
}

// fakeDiagnose finds stripFinding when the upgrade failed, and an idle
// timeout when the idle test failed.
func fakeDiagnose(out engine.Outcome) []diagnose.Finding {
	var fs []diagnose.Finding
	if r, _ := out.Result(engine.ProbeUpgrade); r.Status == engine.Fail {
		fs = append(fs, stripFinding)
	}
	if r, ok := out.Result(engine.ProbeIdle); ok && r.Status == engine.Fail {
		fs = append(fs, diagnose.Finding{ID: "proxy-idle-timeout", Severity: diagnose.SeverityWarning, WhoCanFix: diagnose.FixerNetworkAdmin,
			Title: "Quiet connections are closed after a minute", Steps: []string{"Ask your IT team to raise the idle timeout."},
			AdminNote: "Raise the idle timeout to 180 s."})
	}
	if len(fs) == 0 {
		fs = append(fs, diagnose.Finding{ID: "websocket-ok", Severity: diagnose.SeverityOK, Title: "Live connections work"})
	}
	return fs
}

func companyProxy(context.Context, session.Request) (session.Connection, error) {
	return session.Connection{
		Proxy: &session.ProxyInfo{Address: "proxy.corp.example:8080", Source: "wininet", Managed: true},
		VPN:   &session.VPNInfo{Name: "WireGuard", Interface: "wg0"},
	}, nil
}

// companyEnv is what the diagnosis is told of the machine companyProxy
// shows.
var companyEnv = diagnose.Environment{ProxyURL: "http://proxy.corp.example:8080", ProxySource: "wininet", VPNActive: true, VPNName: "WireGuard"}

// uiLoop stands in for Fyne's goroutine: the wizard's updates queue here
// and the test runs them, so widgets are only touched by the test goroutine.
type uiLoop chan func()

type harness struct {
	t   *testing.T
	z   *Wizard
	q   uiLoop
	app fyne.App
	w   fyne.Window
}

// saved is the last report the Share screen saved: its name and content.
func (h *harness) saved() (name string, data []byte) {
	h.t.Helper()
	p := h.z.share.saved
	if p == "" {
		return "", nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		h.t.Fatal(err)
	}
	return filepath.Base(p), b
}

func newHarness(t *testing.T, eng Engine) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("test")
	w.Resize(fyne.NewSize(900, 640))
	z := NewWizard(w, eng)
	h := &harness{t: t, z: z, q: make(uiLoop, 256), app: a, w: w}
	z.do = func(f func()) { h.q <- f }
	z.settle = 0
	z.share.folder.SetText(t.TempDir())
	z.chooseFolder = func(string, func(string)) { t.Error("a folder dialog opened") }
	t.Cleanup(func() {
		z.Stop()
		ended := make(chan struct{})
		go func() { z.Wait(); close(ended) }()
		for {
			select {
			case f := <-h.q:
				f()
			case <-ended:
				for len(h.q) > 0 {
					(<-h.q)()
				}
				return
			}
		}
	})
	return h
}

// until runs queued updates until cond holds, for a bounded time.
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	timeout := time.After(5 * time.Second)
	for !cond() {
		select {
		case f := <-h.q:
			f()
		case <-timeout:
			h.t.Fatalf("timed out waiting for %s (on step %d)", what, h.z.step)
		}
	}
}

func (h *harness) atStep(s Step) {
	h.t.Helper()
	h.until(fmt.Sprintf("step %d", s), func() bool { return h.z.step == s })
}

// runToResult presses the big button (and Start on the connection screen
// when there is one) and waits for the result.
func (h *harness) runToResult() {
	h.t.Helper()
	if h.z.welcome.address.Text == "" {
		test.Tap(h.z.welcome.selfTest)
	} else {
		test.Tap(h.z.welcome.check)
	}
	if h.z.eng.Connection != nil {
		h.atStep(StepConnection)
		h.until("the environment", func() bool { return !h.z.envBusy })
		test.Tap(h.z.conn.start)
	}
	h.atStep(StepResult)
}

func TestHealthyRunSkipsConnectionWithoutConnection(t *testing.T) {
	f := &fake{}
	h := newHarness(t, Engine{Check: f.check})
	if h.z.back.Visible() {
		t.Error("Back is shown on the first screen")
	}
	h.runToResult()
	if h.z.run.Verdict != diagnose.Works || h.z.result.banner.level != bannerGreen {
		t.Fatalf("verdict %s, banner %d", h.z.run.Verdict, h.z.result.banner.level)
	}
	if got := h.z.result.banner.text; got != h.z.lang.T("window.verdict.self_test") {
		t.Errorf("banner %q, want the self-test's own words", got)
	}
	for _, hp := range pathOf(h.z.run) {
		if hp.Kind == diagnose.HopProxy || hp.Kind == diagnose.HopVPN || hp.State != hopOK {
			t.Errorf("path hop %+v in a healthy run without proxy", hp)
		}
	}
	if !h.z.result.fixBtn.Hidden {
		t.Error("Fix it is offered for a run that works")
	}
	test.Tap(h.z.next)
	if h.z.step != StepShare {
		t.Errorf("Next from a working result goes to step %d, want Share", h.z.step)
	}
}

func TestEveryStepTransition(t *testing.T) {
	f := &fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}}
	h := newHarness(t, Engine{Check: f.with(fakeDiagnose, companyEnv).check, Connection: companyProxy})
	test.Type(h.z.welcome.address, "wss://chat.example.com/socket")
	test.Tap(h.z.welcome.check)
	h.atStep(StepConnection)
	h.until("the environment", func() bool { return h.z.env != nil })
	text := markupText(h.z.conn.root)
	for _, want := range []string{"set by your company (the Windows internet settings)", "A VPN is on (WireGuard)", "proxy.corp.example:8080"} {
		if !strings.Contains(text, want) {
			t.Errorf("connection screen lacks %q:\n%s", want, text)
		}
	}
	// Back keeps what was typed.
	test.Tap(h.z.back)
	if h.z.step != StepWelcome || h.z.welcome.address.Text != "wss://chat.example.com/socket" {
		t.Fatalf("Back went to %d with address %q", h.z.step, h.z.welcome.address.Text)
	}
	test.Tap(h.z.welcome.check)
	h.atStep(StepConnection)
	if h.z.envBusy {
		t.Error("the same request looked at the environment again")
	}
	test.Tap(h.z.next) // Start the check
	h.atStep(StepChecking)
	if !h.z.back.Disabled() || !h.z.next.Disabled() {
		t.Error("Back or Next is enabled during a run")
	}
	h.atStep(StepResult)
	if h.z.result.banner.level != bannerRed {
		t.Errorf("banner level %d, want red", h.z.result.banner.level)
	}
	hops := pathOf(h.z.run)
	kinds := ""
	for _, hp := range hops {
		kinds += string(hp.Kind) + ":" + fmt.Sprint(hp.State) + " "
	}
	if kinds != "computer:0 vpn:0 proxy:1 internet:2 service:2 " {
		t.Errorf("path %s", kinds)
	}
	if !strings.Contains(markupText(h.z.result.root), "Who can fix it: your IT team") {
		t.Error("the finding does not say who can fix it")
	}

	test.Tap(h.z.next)
	h.atStep(StepFix)
	if h.z.fix.text.Text != stripFinding.Steps[0] || h.z.fix.counter.Text != "Step 1 of 2" {
		t.Errorf("first step %q (%q)", h.z.fix.text.Text, h.z.fix.counter.Text)
	}
	if !h.z.fix.prev.Disabled() {
		t.Error("Previous step is enabled on the first step")
	}
	test.Tap(h.z.fix.next)
	if h.z.fix.text.Text != stripFinding.Steps[1] || !h.z.fix.next.Disabled() {
		t.Errorf("second step %q", h.z.fix.text.Text)
	}
	test.Tap(h.z.fix.copyNote)
	if clip := h.app.Clipboard().Content(); !strings.Contains(clip, stripFinding.AdminNote) || !strings.Contains(clip, "chat.example.com/socket") {
		t.Errorf("clipboard after Copy the note: %q", clip)
	}
	// With the diagnosis's whole note, that is what is copied.
	h.z.run.Session.Diagnosis.AdminNote = "Whole note for " + h.z.run.Outcome.Target.Host
	test.Tap(h.z.fix.copyNote)
	if clip := h.app.Clipboard().Content(); clip != "Whole note for chat.example.com" {
		t.Errorf("clipboard with the diagnosis's note: %q", clip)
	}

	test.Tap(h.z.next)
	h.atStep(StepShare)
	if h.z.next.Visible() {
		t.Error("Next is shown on the last step")
	}
	test.Tap(h.z.back)
	if h.z.step != StepFix || h.z.fix.at != 1 {
		t.Errorf("Back from Share: step %d at %d, want Fix at the second step", h.z.step, h.z.fix.at)
	}
	test.Tap(h.z.back)
	test.Tap(h.z.back)
	if h.z.step != StepWelcome || h.z.welcome.address.Text != "wss://chat.example.com/socket" {
		t.Fatalf("back to step %d, address %q", h.z.step, h.z.welcome.address.Text)
	}
	test.Tap(h.z.next)
	if h.z.step != StepResult {
		t.Errorf("Next from the first screen after a run goes to %d, want the result", h.z.step)
	}
	if f.runs.Load() != 1 {
		t.Errorf("%d runs, want 1: navigation must not re-run", f.runs.Load())
	}
}

func TestCancelMidRun(t *testing.T) {
	for _, how := range []string{"button", "escape"} {
		t.Run(how, func(t *testing.T) {
			f := &fake{block: make(chan struct{})}
			h := newHarness(t, Engine{Check: f.check})
			test.Tap(h.z.welcome.selfTest)
			h.until("the first probe to start", func() bool { return h.z.checking.rows["dns"].state == rowRunning })
			if h.z.checking.action.Text != h.z.lang.T("window.checking.cancel") {
				t.Fatalf("button %q during a run", h.z.checking.action.Text)
			}
			if how == "button" {
				test.Tap(h.z.checking.action)
			} else {
				h.z.checking.action.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
			}
			h.until("the stopped message", func() bool { return h.z.checking.message.Text == h.z.lang.T("window.checking.stopped") })
			if !f.cancelled.Load() {
				t.Error("the check's context was not cancelled")
			}
			if h.z.step != StepChecking || h.z.run != nil {
				t.Errorf("after cancel: step %d, run %v", h.z.step, h.z.run)
			}
			if h.z.checking.rows["dns"].state != rowStopped {
				t.Error("the running row still spins")
			}
			if h.z.back.Disabled() || h.z.checking.action.Text != h.z.lang.T("window.checking.again") {
				t.Error("after cancel, Back should work and the button should offer to check again")
			}
			test.Tap(h.z.back)
			if h.z.step != StepWelcome {
				t.Errorf("Back went to %d", h.z.step)
			}
		})
	}
}

func TestCloseWindowCancelsRun(t *testing.T) {
	f := &fake{block: make(chan struct{})}
	h := newHarness(t, Engine{Check: f.check})
	test.Tap(h.z.welcome.selfTest)
	h.until("the first probe to start", func() bool { return h.z.checking.rows["dns"].state == rowRunning })
	h.w.Close() // runs Stop and Wait, as the real window does
	if !f.cancelled.Load() {
		t.Fatal("closing the window did not cancel the check")
	}
}

func TestTestAgainShowsBeforeAfter(t *testing.T) {
	f := &fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}}
	h := newHarness(t, Engine{Check: f.with(fakeDiagnose, diagnose.Environment{}).check})
	h.runToResult()
	if h.z.result.compare.Visible() {
		t.Error("a first run shows a before/after")
	}
	test.Tap(h.z.result.fixBtn)
	h.atStep(StepFix)
	f.fail = nil // the user turned the VPN off
	test.Tap(h.z.fix.testAgain)
	h.atStep(StepChecking)
	h.atStep(StepResult)
	got := h.z.result.compare.Text
	want := "Before: live connections did not work. Now: live connections worked.\nSolved: " + stripFinding.Title + "."
	if got != want || !h.z.result.compare.Visible() {
		t.Errorf("before/after:\n%s\nwant:\n%s", got, want)
	}
	if h.z.result.banner.level != bannerGreen {
		t.Error("banner not green after the fix")
	}
	if f.runs.Load() != 2 {
		t.Errorf("%d runs, want 2", f.runs.Load())
	}
}

func TestExport(t *testing.T) {
	f := &fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}}
	var mailed []string
	eng := Engine{Check: f.with(fakeDiagnose, diagnose.Environment{}).check,
		Preset: Preset{ProductName: "Acme Chat", SupportEmail: "help@acme.example", Address: "wss://chat.acme.example/ws?token=s3cret"},
		Mail: func(to, subject, body string) error {
			mailed = []string{to, subject, body}
			return nil
		}}
	h := newHarness(t, eng)
	if h.z.welcome.address.Text != eng.Preset.Address {
		t.Fatalf("address not pre-filled from the preset: %q", h.z.welcome.address.Text)
	}
	h.runToResult()
	test.Tap(h.z.result.shareBtn)
	h.atStep(StepShare)
	if h.z.share.format.Selected != h.z.lang.formatName("html") {
		t.Errorf("default format %q, want HTML", h.z.share.format.Selected)
	}
	h.z.share.format.SetSelected(h.z.lang.formatName("json"))

	test.Tap(h.z.share.save)
	name, data := h.saved()
	rep, err := report.Parse(data)
	if err != nil {
		t.Fatalf("saved JSON: %v\n%s", err, data)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].ID != "proxy-strips-upgrade" || rep.Verdict != diagnose.DoesNotWork {
		t.Errorf("report verdict %s findings %+v", rep.Verdict, rep.Findings)
	}
	if !strings.HasSuffix(name, ".json") || !strings.Contains(name, "chat.acme.example") {
		t.Errorf("saved as %q", name)
	}
	if !strings.Contains(h.z.share.status.Text(), "Saved as") {
		t.Errorf("status %q", h.z.share.status.Text())
	}

	h.z.share.format.SetSelected(h.z.lang.formatName("text"))
	test.Tap(h.z.share.save)
	name, data = h.saved()
	// The report is headed as the window's result is (diagnose.Headline).
	if head := "\n" + h.z.result.banner.text + " ("; !strings.Contains(string(data), head) || !strings.HasSuffix(name, ".txt") {
		t.Errorf("text report %q as %q", data, name)
	}
	// Saving again never replaces the earlier file: it gets a new name.
	test.Tap(h.z.share.save)
	again, _ := h.saved()
	if again == name || !strings.HasSuffix(again, "-2.txt") {
		t.Errorf("saved again as %q after %q", again, name)
	}

	test.Tap(h.z.share.copy)
	clip := h.app.Clipboard().Content()
	if !strings.Contains(clip, "Acme Chat checked wss://chat.acme.example/ws.") || !strings.Contains(clip, "proxy-strips-upgrade") {
		t.Errorf("summary:\n%s", clip)
	}
	if strings.Contains(clip, "s3cret") {
		t.Error("the summary carries the token from the address")
	}

	test.Tap(h.z.share.mail)
	if len(mailed) != 3 || mailed[0] != "help@acme.example" || !strings.Contains(mailed[1], "did not work") || mailed[2] != clip {
		t.Errorf("mail %q", mailed)
	}
}

func TestExportFailureAndMailMissing(t *testing.T) {
	f := &fake{}
	h := newHarness(t, Engine{Check: f.check})
	h.runToResult()
	test.Tap(h.z.result.shareBtn)
	if h.z.share.format.Selected != h.z.lang.formatName("html") {
		t.Errorf("default format %q, want HTML", h.z.share.format.Selected)
	}
	if !h.z.share.mail.Disabled() || !strings.Contains(h.z.share.status.Text(), "No support address") {
		t.Error("e-mail is offered without a support address")
	}
	// A folder that is not there: the report cannot be written.
	missing := filepath.Join(t.TempDir(), "gone")
	h.z.share.folder.SetText(missing)
	test.Tap(h.z.share.save)
	if !strings.Contains(h.z.share.status.Text(), "could not be saved") || !strings.Contains(h.z.share.status.Text(), "gone") || h.z.share.saved != "" {
		t.Errorf("status %q", h.z.share.status.Text())
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("saving made the missing folder")
	}
}

func TestBadAddressInput(t *testing.T) {
	f := &fake{}
	h := newHarness(t, Engine{Check: f.check})
	s := h.z.welcome
	if s.hint.Text != h.z.lang.T("window.address.needed") {
		t.Errorf("empty address hint %q", s.hint.Text)
	}
	test.Type(s.address, "ht!tp://x")
	if !strings.Contains(s.hint.Text, "start of the address") {
		t.Errorf("hint while typing a bad scheme: %q", s.hint.Text)
	}
	test.Tap(s.check)
	if f.runs.Load() != 0 || h.z.step != StepWelcome {
		t.Fatal("a bad address was checked")
	}
	if h.w.Canvas().Focused() != s.address {
		t.Error("the address field does not have the keyboard after a bad address")
	}
	s.address.SetText("")
	test.Type(s.address, "chat.example.com:99999")
	if !strings.Contains(s.hint.Text, "number after the colon") {
		t.Errorf("hint for a bad port: %q", s.hint.Text)
	}
	s.address.SetText("")
	test.Type(s.address, "chat.example.com/socket")
	if s.hint.Text != h.z.lang.T("window.address.ok") {
		t.Errorf("hint for a good address: %q", s.hint.Text)
	}

	s.headers.SetText("Origin: https://a.example\nnot a header")
	test.Tap(s.check)
	if f.runs.Load() != 0 || !s.advError.Visible() || !strings.Contains(s.advError.Text, "Line 2") || !s.advanced.Items[0].Open {
		t.Errorf("bad header line: runs %d, message %q", f.runs.Load(), s.advError.Text)
	}
	s.headers.SetText("Origin: https://a.example")
	s.proxy.SetSelected(h.z.lang.T("window.advanced.proxy_url"))
	s.proxyURL.SetText("ftp://proxy:8080")
	test.Tap(s.check)
	if f.runs.Load() != 0 || s.advError.Text != h.z.lang.T("window.advanced.proxy_url_bad") {
		t.Errorf("bad proxy URL accepted: %q", s.advError.Text)
	}
	s.proxyURL.SetText("http://proxy.example:8080")
	s.cookie.SetText("sid=1")
	s.proxyUser.SetText(`CORP\ann`)
	s.proxyPassword.SetText("pr0xy-pass")
	s.address.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter in the field checks
	h.atStep(StepResult)
	r := f.lastReq
	if r.Address != "chat.example.com/socket" || r.Proxy.Kind != netenv.ModeURL || r.Proxy.String() != "http://proxy.example:8080" || r.Cookie != "sid=1" || len(r.Headers) != 1 {
		t.Errorf("request %+v", r)
	}
	if c := r.ProxyCredentials; c == nil || c.User != `CORP\ann` || c.Password != "pr0xy-pass" {
		t.Errorf("proxy credentials %+v", c)
	}
}

// TestSelfTestSaysSo: the self-test says what it is on every screen after
// Start, in the three parts (network and service not tested) and in the
// verdict, and holds no quiet connection open (no idle test), although
// one was asked for.
func TestSelfTestSaysSo(t *testing.T) {
	idled := false
	idle := func(ctx context.Context, run *session.Run, _ time.Duration) *session.Run { idled = true; return run }
	f := (&fake{}).with(fakeDiagnose, diagnose.Environment{})
	f.real = true
	h := newHarness(t, Engine{Check: f.check, Idle: idle})
	h.z.welcome.idle.SetSelectedIndex(2) // 1 minute
	h.runToResult()
	note := h.z.lang.T("window.self_test.note")
	for _, s := range []Step{StepChecking, StepResult, StepFix, StepShare} {
		h.z.show(s)
		if !hasText(h.z.content, note) {
			t.Errorf("step %d does not say it is the self-test", s)
		}
	}
	h.z.show(StepResult)
	if h.z.idleBusy || idled || h.z.result.idleBox.Visible() {
		t.Error("the self-test ran an idle test")
	}
	if got := h.z.result.strip.parts[1].state.Text + "/" + h.z.result.strip.parts[2].state.Text; got != "not tested/not tested" {
		t.Errorf("network/service %s, want not tested/not tested", got)
	}
	if !strings.Contains(h.z.result.strip.tested.Text, "self-test") {
		t.Errorf("tested line %q", h.z.result.strip.tested.Text)
	}
}

// hasText reports whether a label under o reads text.
func hasText(o fyne.CanvasObject, text string) bool {
	switch x := o.(type) {
	case *widget.Label:
		return x.Visible() && x.Text == text
	case *fyne.Container:
		if !x.Visible() {
			return false
		}
		for _, c := range x.Objects {
			if hasText(c, text) {
				return true
			}
		}
	}
	return false
}

func TestIdleTestUpdatesVerdict(t *testing.T) {
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprintf("skip=%v", skip), func(t *testing.T) {
			f := &fake{}
			release := make(chan engine.Result)
			idle := func(ctx context.Context, run *session.Run, _ time.Duration) *session.Run {
				select {
				case r := <-release:
					return f.idled(run, r)
				case <-ctx.Done():
					return run
				}
			}
			h := newHarness(t, Engine{Check: f.with(fakeDiagnose, diagnose.Environment{}).check, Idle: idle})
			h.z.welcome.idle.SetSelectedIndex(2)                         // 1 minute
			h.z.welcome.address.SetText("wss://chat.example.com/socket") // the self-test runs no idle test
			h.runToResult()
			if !h.z.result.idleBox.Visible() || !strings.Contains(h.z.result.idleText.Text, "1 min left") {
				t.Fatalf("idle countdown %q", h.z.result.idleText.Text)
			}
			if h.z.result.banner.level != bannerGreen {
				t.Fatal("not green before the idle test ends")
			}
			if skip {
				test.Tap(h.z.result.idleSkip)
				h.until("the skip", func() bool { return !h.z.idleBusy })
				if h.z.result.idleDone.Text != h.z.lang.T("window.idle.skipped") || h.z.result.banner.level != bannerGreen {
					t.Errorf("after skip: %q, banner %d", h.z.result.idleDone.Text, h.z.result.banner.level)
				}
				return
			}
			release <- engine.Result{Probe: engine.ProbeIdle, Status: engine.Fail, Code: "closed", Duration: 61 * time.Second}
			h.until("the idle result", func() bool { return !h.z.idleBusy })
			if h.z.result.banner.level != bannerAmber {
				t.Errorf("banner %d after the idle connection was closed, want amber", h.z.result.banner.level)
			}
			if h.z.result.idleDone.Text != "A quiet connection was closed after 1 min 1 s." {
				t.Errorf("idle line %q", h.z.result.idleDone.Text)
			}
			if len(h.z.run.Findings) != 1 || h.z.run.Findings[0].ID != "proxy-idle-timeout" {
				t.Errorf("findings after idle %+v", h.z.run.Findings)
			}
			if _, ok := h.z.run.Outcome.Result(engine.ProbeIdle); !ok {
				t.Error("the idle result is not part of the run, so the report would miss it")
			}
		})
	}
}

func TestIdleSettingHiddenWithoutIdleProbe(t *testing.T) {
	h := newHarness(t, Engine{Check: (&fake{}).check})
	if strings.Contains(markupText(h.z.welcome.root), h.z.lang.T("window.advanced.idle")) {
		t.Error("the idle setting is offered without an idle test")
	}
}

func TestKeyboard(t *testing.T) {
	f := &fake{}
	h := newHarness(t, Engine{Check: f.with(fakeDiagnose, diagnose.Environment{}).check})
	if h.w.Canvas().Focused() != h.z.welcome.address {
		t.Error("the address field does not have the keyboard at start")
	}
	test.Type(h.z.welcome.address, "wss://chat.example.com/socket")
	h.w.Canvas().Unfocus()
	h.w.Canvas().(interface {
		OnTypedKey() func(*fyne.KeyEvent)
	}).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.atStep(StepResult)
	focused, ok := h.w.Canvas().Focused().(*button)
	if !ok || focused != h.z.result.shareBtn {
		t.Fatalf("focus on the result is %T, want the share button", h.w.Canvas().Focused())
	}
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.z.step != StepShare {
		t.Errorf("Enter on the focused button went to %d", h.z.step)
	}
	h.z.share.save.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.z.step != StepResult {
		t.Errorf("Escape went to %d, want back to the result", h.z.step)
	}
}

// markupText is the text of every label in o, for loose checks.
func markupText(o fyne.CanvasObject) string {
	return test.RenderObjectToMarkup(o)
}

// TestPresetOnStart: a support team's preset names the service in the
// title, offers its targets by label, says how to reach support, makes the
// idle test cover the service's requirement and is named in the About box.
func TestPresetOnStart(t *testing.T) {
	f := &fake{}
	eng := Engine{Check: f.check, Idle: func(_ context.Context, run *session.Run, _ time.Duration) *session.Run { return run },
		About: "wsdoctor 1.2.3 (abc, 2026-11-22)",
		Preset: Preset{ProductName: "Acme Chat", SupportEmail: "help@acme.example", SupportURL: "https://acme.example/help",
			IdleRequired: 150 * time.Second, Origin: "flag", File: "/tmp/acme.json",
			Targets: []Target{
				{URL: "wss://chat.acme.example/socket", Label: "Chat server"},
				{URL: "wss://push.acme.example:8443/ws"},
			}}}
	h := newHarness(t, eng)
	s := h.z.welcome
	if title := s.root.(*fyne.Container).Objects[0].(*widget.Label).Text; !strings.Contains(title, "Acme Chat") {
		t.Errorf("title %q does not name the product", title)
	}
	if s.target == nil || strings.Join(s.target.Options, "|") != "Chat server|push.acme.example" || s.target.Selected != "Chat server" {
		t.Fatalf("target choice: %+v", s.target)
	}
	if s.address.Text != "wss://chat.acme.example/socket" || s.hint.Text != h.z.lang.T("window.address.preset") {
		t.Errorf("address %q, hint %q", s.address.Text, s.hint.Text)
	}
	s.target.SetSelectedIndex(1)
	if s.address.Text != "wss://push.acme.example:8443/ws" || s.hint.Text != h.z.lang.T("window.address.preset") {
		t.Errorf("after choosing the second target: address %q, hint %q", s.address.Text, s.hint.Text)
	}
	if got := idleChoices[s.idle.SelectedIndex()]; got != 3*time.Minute {
		t.Errorf("idle test %s by default, want 3m0s to cover the 150 s the service needs", got)
	}
	if !strings.Contains(markupText(s.root), "help@acme.example") {
		t.Errorf("the start screen does not show the support address")
	}
	test.Tap(h.z.about)
	overlay := h.z.Window.Canvas().Overlays().Top()
	if overlay == nil || !strings.Contains(markupText(overlay), "Preset: Acme Chat (given with --preset)") ||
		!strings.Contains(markupText(overlay), "File: /tmp/acme.json") || !strings.Contains(markupText(overlay), "wsdoctor 1.2.3") {
		t.Fatalf("About box missing or without the version and preset")
	}
}

// TestAboutNamesThePreset: in every language the About box names a
// branded copy's preset by its product name and where it came from, in
// that language's words, with no path for a preset added to the program.
func TestAboutNamesThePreset(t *testing.T) {
	for _, lang := range i18n.Languages {
		l := language{Words: i18n.MustLoad(lang), cat: diagnose.MustCatalogue(lang)}
		got := aboutPreset(l, Preset{ProductName: "Acme Checker", Origin: "added"})
		want := l.T("window.about.preset", "name", "Acme Checker", "origin", l.T("window.about.origin.added"))
		if got != want || strings.Contains(got, "added to the program") && lang != "en" || strings.Contains(got, "\n") {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
		for _, origin := range []string{"flag", "beside", "added", "built_in"} {
			if w := l.T("window.about.origin." + origin); w == "" || strings.Contains(w, "window.about") {
				t.Errorf("%s: no words for the origin %s", lang, origin)
			}
		}
		if got := aboutPreset(l, Preset{}); got != l.T("window.about.preset_built_in") {
			t.Errorf("%s: no preset: %q", lang, got)
		}
	}
}

func TestIdleFor(t *testing.T) {
	for _, tt := range []struct{ required, want time.Duration }{
		{0, defaultIdle}, {30 * time.Second, 30 * time.Second}, {61 * time.Second, 2 * time.Minute}, {time.Hour, 5 * time.Minute},
	} {
		if got := idleFor(tt.required); got != tt.want {
			t.Errorf("idleFor(%s) = %s, want %s", tt.required, got, tt.want)
		}
	}
}

// TestFreeNameNeverOverwrites: with the name and its numbered variants all
// taken, the report still gets a name of its own.
func TestFreeNameNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	touch := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("earlier"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := freeName(dir, "r.html"); got != filepath.Join(dir, "r.html") {
		t.Errorf("free name %q", got)
	}
	touch("r.html")
	for i := 2; i <= 100; i++ {
		touch(fmt.Sprintf("r-%d.html", i))
	}
	got := freeName(dir, "r.html")
	if _, err := os.Lstat(got); err == nil || !strings.HasSuffix(got, ".html") {
		t.Errorf("freeName gave %q, which exists", got)
	}
}

// TestEmptyAddressAsksForIt: with no address the big button asks for one
// instead of testing this computer and calling the network fine; Test this
// computer only runs the self-test, which says what it proved.
func TestEmptyAddressAsksForIt(t *testing.T) {
	f := &fake{}
	h := newHarness(t, Engine{Check: f.check})
	test.Tap(h.z.welcome.check)
	if h.z.step != StepWelcome || f.runs.Load() != 0 || h.z.welcome.hint.Text != h.z.lang.T("window.address.needed") || h.z.welcome.hint.Importance != widget.DangerImportance {
		t.Fatalf("step %d, %d runs, hint %q", h.z.step, f.runs.Load(), h.z.welcome.hint.Text)
	}
	test.Tap(h.z.welcome.selfTest)
	h.atStep(StepResult)
	if !f.lastReq.SelfTest || h.z.result.banner.text != h.z.lang.T("window.verdict.self_test") {
		t.Errorf("self-test %v, banner %q", f.lastReq.SelfTest, h.z.result.banner.text)
	}
}
