// Package ui is the window: it renders the state of a check and forwards
// what the user asks for to the engine. It holds no network code; the probes
// live in package checks.
package ui

import (
	"context"
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// CheckFunc runs a check of raw (an address as typed; "" means the built-in
// self-test) and reports progress through onEvent.
type CheckFunc func(ctx context.Context, raw string, onEvent func(checks.Event)) (checks.Outcome, error)

// Checker is the window's state: the address field, one row per probe and
// the verdict. Widgets are only touched on Fyne's goroutine (see bridge).
type Checker struct {
	Window  fyne.Window
	Address *widget.Entry
	Start   *widget.Button
	Cancel  *widget.Button
	Verdict *widget.Label
	rows    map[string]*row
	list    *fyne.Container

	check CheckFunc
	// do runs a function on Fyne's goroutine: fyne.Do, or a test's loop.
	do func(func())

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

type row struct {
	status, detail *widget.Label
}

// statusText is the symbol and word a row shows for each state.
var statusText = map[checks.Status]string{
	checks.Pass: "✔ pass",
	checks.Warn: "⚠ warning",
	checks.Fail: "✘ fail",
	checks.Skip: "– skipped",
}

// NewChecker builds the check window on w. Closing the window cancels a
// running check.
func NewChecker(w fyne.Window, initial string, check CheckFunc) *Checker {
	c := &Checker{Window: w, check: check, rows: map[string]*row{}, do: fyne.Do}
	c.Address = widget.NewEntry()
	c.Address.SetPlaceHolder("wss://example.com/socket (empty: test this computer with the built-in server)")
	c.Address.SetText(initial)
	c.Address.Validator = func(s string) error {
		if s == "" {
			return nil
		}
		_, err := checks.ParseTarget(s)
		return err
	}
	c.Address.OnSubmitted = func(string) { c.Run() }
	c.Start = widget.NewButton("Check my connection", c.Run)
	c.Start.Importance = widget.HighImportance
	c.Cancel = widget.NewButton("Cancel", c.Stop)
	c.Cancel.Disable()
	c.Verdict = widget.NewLabel("Press the button to check whether WebSockets work from this computer.")
	c.Verdict.Wrapping = fyne.TextWrapWord
	c.Verdict.TextStyle = fyne.TextStyle{Bold: true}

	c.list = container.New(layout.NewFormLayout())
	for _, p := range checks.DefaultProbes() {
		r := &row{status: widget.NewLabel("waiting"), detail: widget.NewLabel("")}
		r.detail.Wrapping = fyne.TextWrapWord
		c.rows[p.Name] = r
		c.list.Add(widget.NewLabelWithStyle(p.Name, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
		c.list.Add(container.NewBorder(nil, nil, r.status, nil, r.detail))
	}
	intro := widget.NewLabel("WebSocket Doctor finds out why live updates (WebSockets) do not work on this computer, and tells you what to do about it.")
	intro.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(intro, c.Address, container.NewHBox(c.Start, c.Cancel), c.Verdict)
	w.SetContent(container.NewBorder(top, nil, nil, nil, container.NewVScroll(c.list)))
	// Closing the window ends a running check before the app exits.
	w.SetOnClosed(func() { c.Stop(); c.Wait() })
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			c.Stop()
		}
	})
	return c
}

// Run starts a check of the address in the field, unless one is running.
func (c *Checker) Run() {
	raw := c.Address.Text
	if err := c.Address.Validate(); err != nil {
		c.Verdict.SetText(fmt.Sprintf("That address does not look right: %v", err))
		return
	}
	c.mu.Lock()
	if c.cancel != nil {
		c.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	done := c.done
	c.mu.Unlock()

	for _, r := range c.rows {
		r.status.SetText("waiting")
		r.detail.SetText("")
	}
	c.Start.Disable()
	c.Cancel.Enable()
	c.Verdict.SetText("Checking…")
	go func() {
		defer close(done)
		out, err := c.check(ctx, raw, c.bridge(c.onEvent))
		c.do(func() { c.finish(out, err) })
	}()
}

// Stop cancels a running check. It does not wait: the run ends promptly
// and its last update arrives through the bridge like any other.
func (c *Checker) Stop() {
	c.mu.Lock()
	cancel := c.cancel
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// Wait blocks until the running check, if any, has ended.
func (c *Checker) Wait() {
	c.mu.Lock()
	done := c.done
	c.mu.Unlock()
	if done != nil {
		<-done
	}
}

// bridge hands runner events, which arrive on the probes' goroutines, to
// Fyne's goroutine: the one place where the engine meets the widgets.
func (c *Checker) bridge(f func(checks.Event)) func(checks.Event) {
	return func(e checks.Event) { c.do(func() { f(e) }) }
}

func (c *Checker) onEvent(e checks.Event) {
	r := c.rows[e.Probe]
	if r == nil {
		return
	}
	switch e.Kind {
	case checks.EventStarted:
		r.status.SetText("… checking")
	case checks.EventPhase:
		r.detail.SetText(string(e.Phase) + "…")
	case checks.EventFinished:
		r.status.SetText(statusText[e.Result.Status])
		r.detail.SetText(fmt.Sprintf("%s  (%d ms)", report.Detail(*e.Result), e.Result.Duration.Milliseconds()))
	}
}

// verdictText is the sentence shown for each verdict.
var verdictText = map[diagnose.Verdict]string{
	diagnose.Works:             "WebSockets work from this computer.",
	diagnose.WorksWithWarnings: "WebSockets work, but something is worth a look (see the warnings below).",
	diagnose.DoesNotWork:       "WebSockets do not work from this computer. The rows below show where it stops.",
	diagnose.Incomplete:        "The check was stopped before it could finish.",
}

func (c *Checker) finish(out checks.Outcome, err error) {
	c.mu.Lock()
	c.cancel = nil
	c.mu.Unlock()
	c.Start.Enable()
	c.Cancel.Disable()
	if err != nil {
		c.Verdict.SetText(fmt.Sprintf("The check could not start: %v", err))
		return
	}
	c.Verdict.SetText(verdictText[diagnose.VerdictOf(out)])
}
