package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// browserFlags are the flags of `check --browser`.
type browserFlags struct {
	browser bool
}

func (f *browserFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.browser, "browser", false, "also open the address in your default browser, through a page on this computer, and set its answer beside the check's (waits up to 3 min; Enter skips)")
}

// browserTest opens the checked address in the person's default browser
// (checks/browser, with e's opener) when --browser was given, after the
// check, and waits for its answer with a countdown on stderr; Enter on e's
// input skips. It returns run with
// the browser's answer, or run itself when the test was not asked for,
// skipped, or could not be run (said on stderr): the check's own report
// does not depend on it.
func (f *browserFlags) browserTest(ctx context.Context, e Edges, c *session.Checker, run *session.Run, stderr io.Writer) *session.Run {
	if !f.browser || run.Outcome.Cancelled || ctx.Err() != nil {
		return run
	}
	out := run.Outcome
	ctx, skip := context.WithCancel(ctx)
	defer skip()
	in := e.stdin()
	go func() {
		// A line (Enter) skips; the end of the input does not.
		if _, err := bufio.NewReader(in).ReadString('\n'); err == nil {
			skip()
		}
	}()
	var stopCountdown func()
	redraws := e.terminal(stderr)
	open := func(url string) error {
		fmt.Fprintf(stderr, "Opening your browser on a test page of this program (%s).\nIt opens %s too and sends what it saw back here; nothing else leaves this computer.\n", url, out.Target.URL())
		if err := e.openBrowser(url); err != nil {
			return err
		}
		stopCountdown = browserCountdown(stderr, time.Now().Add(browser.MaxWait), redraws)
		return nil
	}
	done, err := c.Browser(ctx, run, open)
	if stopCountdown != nil {
		stopCountdown()
	}
	switch {
	case err == nil:
		if done.Browser.Works() {
			fmt.Fprintln(stderr, "Your browser could open the live connection.")
		} else {
			fmt.Fprintln(stderr, "Your browser could not open the live connection.")
		}
		return done
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "The browser test was skipped.")
	case errors.Is(err, browser.ErrNoAnswer):
		fmt.Fprintln(stderr, "The browser did not answer within 3 minutes; the report leaves it out.")
	default:
		fmt.Fprintf(stderr, "The browser test could not run: %v\n", err)
	}
	return run
}

// browserCountdown shows the time left until end: one line redrawn every
// second on a terminal, else a single line. stop clears it.
func browserCountdown(w io.Writer, end time.Time, redraw bool) (stop func()) {
	if !redraw {
		fmt.Fprintf(w, "Waiting for your browser's answer (at most %d minutes; press Enter to skip)...\n", int(browser.MaxWait/time.Minute))
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			left := max(time.Until(end), 0).Round(time.Second)
			fmt.Fprintf(w, "\r  Waiting for your browser's answer: %s left (Enter skips)\033[K", left)
			select {
			case <-quit:
				io.WriteString(w, "\r\033[K")
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(quit) })
		wg.Wait()
	}
}
