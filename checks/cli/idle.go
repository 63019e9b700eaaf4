package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// idleOptions checks --idle and --ping-interval and sets them in o (the
// preset's required idle time comes with the session request).
func (f *checkFlags) idleOptions(o *session.Request) error {
	if f.idle < 0 || f.idle > engine.MaxIdle {
		return fmt.Errorf("--idle %s: give 0 (off) up to %s, such as --idle 90s", f.idle, engine.MaxIdle)
	}
	if f.pingInterval <= 0 {
		return fmt.Errorf("--ping-interval %s: must be more than zero, such as --ping-interval 20s", f.pingInterval)
	}
	o.Idle, o.PingInterval = f.idle, f.pingInterval
	return nil
}

// plainCountdownEvery is how often the countdown prints a line of its own
// on a console that cannot redraw one (no VT processing): often enough to
// show the check is alive, seldom enough to stay readable.
const plainCountdownEvery = 30 * time.Second

// withCountdown wraps a progress printer: while the idle probe runs, it
// keeps one line counting down the time left, redrawn each second and
// cleared before any other line. On a Windows console where VT sequences
// cannot be turned on, it prints a plain line every plainCountdownEvery
// instead (consoleVT says which). stop ends it.
func withCountdown(w io.Writer, idle time.Duration, consoleVT func(io.Writer) bool, inner func(engine.Event)) (onEvent func(engine.Event), stop func()) {
	if idle <= 0 {
		return inner, func() {}
	}
	vt := consoleVT(w)
	var (
		lastPlain time.Duration = -1
		mu        sync.Mutex
		shown     bool
		quit      = make(chan struct{})
		once      sync.Once
		wg        sync.WaitGroup
	)
	stop = func() {
		once.Do(func() { close(quit) })
		wg.Wait()
	}
	draw := func(end time.Time) {
		mu.Lock()
		defer mu.Unlock()
		select {
		case <-quit:
			return // the idle probe's result line is out
		default:
		}
		left := max(time.Until(end), 0).Round(time.Second)
		if !vt {
			if step := left.Truncate(plainCountdownEvery); lastPlain < 0 || step < lastPlain {
				fmt.Fprintf(w, "  ...   idle  holding WebSockets open: %s left (Ctrl-C stops)\n", left)
				lastPlain = step
			}
			return
		}
		fmt.Fprintf(w, "\r  ...   idle  holding WebSockets open: %s left (Ctrl-C stops)\033[K", left)
		shown = true
	}
	onEvent = func(e engine.Event) {
		if e.Probe == engine.ProbeIdle && e.Kind == engine.EventFinished {
			once.Do(func() { close(quit) })
		}
		mu.Lock()
		if shown {
			io.WriteString(w, "\r\033[K")
			shown = false
		}
		inner(e)
		mu.Unlock()
		if e.Probe == engine.ProbeIdle && e.Kind == engine.EventStarted {
			end := e.Time.Add(idle)
			wg.Add(1)
			go func() {
				defer wg.Done()
				tick := time.NewTicker(time.Second)
				defer tick.Stop()
				draw(end)
				for {
					select {
					case <-quit:
						return
					case <-tick.C:
						draw(end)
					}
				}
			}()
		}
	}
	return onEvent, stop
}
