package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"codeberg.org/wsdoctor/wsdoctor/checks"
)

// fakeCheck emits the events of a healthy run without any network.
func fakeCheck(block <-chan struct{}) CheckFunc {
	return func(ctx context.Context, raw string, onEvent func(checks.Event)) (checks.Outcome, error) {
		var out checks.Outcome
		for _, p := range checks.DefaultProbes() {
			onEvent(checks.Event{Kind: checks.EventStarted, Probe: p.Name})
			if block != nil {
				select {
				case <-block:
				case <-ctx.Done():
					out.Cancelled = true
					return out, nil
				}
			}
			r := checks.Result{Probe: p.Name, Status: checks.Pass, Duration: 3 * time.Millisecond, Reason: "fine"}
			onEvent(checks.Event{Kind: checks.EventFinished, Probe: p.Name, Result: &r})
			out.Results = append(out.Results, r)
		}
		return out, nil
	}
}

// uiLoop stands in for Fyne's goroutine: the checker's updates queue here
// and the test runs them, so widgets are only touched by the test goroutine.
type uiLoop chan func()

func newChecker(t *testing.T, check CheckFunc) (*Checker, uiLoop) {
	a := test.NewTempApp(t)
	c := NewChecker(a.NewWindow("test"), "", check)
	q := make(uiLoop, 64)
	c.do = func(f func()) { q <- f }
	t.Cleanup(func() {
		c.Stop()
		for done := false; !done; {
			select {
			case f := <-q:
				f()
			default:
				done = c.cancel == nil
				if !done {
					f := <-q
					f()
				}
			}
		}
	})
	return c, q
}

// until runs queued updates until cond holds, for a bounded time.
func (q uiLoop) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for !cond() {
		select {
		case f := <-q:
			f()
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestCheckerRunsAndShowsVerdict(t *testing.T) {
	c, q := newChecker(t, fakeCheck(nil))
	test.Tap(c.Start)
	q.until(t, "the verdict", func() bool { return strings.Contains(c.Verdict.Text, "WebSockets work") })
	for name, r := range c.rows {
		if !strings.Contains(r.status.Text, "pass") {
			t.Errorf("%s row shows %q", name, r.status.Text)
		}
	}
	if c.Start.Disabled() || !c.Cancel.Disabled() {
		t.Error("after a run, Start should be enabled and Cancel disabled")
	}
}

func TestCheckerRejectsBadAddress(t *testing.T) {
	ran := false
	c, _ := newChecker(t, func(context.Context, string, func(checks.Event)) (checks.Outcome, error) {
		ran = true
		return checks.Outcome{}, nil
	})
	test.Type(c.Address, "ht!tp://x")
	test.Tap(c.Start)
	if ran {
		t.Fatal("a bad address was checked")
	}
	if !strings.Contains(c.Verdict.Text, "scheme") {
		t.Errorf("verdict %q does not name the wrong part", c.Verdict.Text)
	}
}

func TestCheckerCancel(t *testing.T) {
	block := make(chan struct{})
	c, q := newChecker(t, fakeCheck(block))
	test.Tap(c.Start)
	q.until(t, "the first probe to start", func() bool { return strings.Contains(c.rows["dns"].status.Text, "checking") })
	if c.Cancel.Disabled() {
		t.Fatal("Cancel is disabled during a run")
	}
	test.Tap(c.Cancel)
	q.until(t, "the cancelled verdict", func() bool { return strings.Contains(c.Verdict.Text, "stopped") })
}
