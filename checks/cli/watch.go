package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// UntilStopped is --for's value for a watch that runs until Ctrl-C.
const UntilStopped = "until-stopped"

// watchFlags are the flags of `wsdoctor watch`: the check's, and how long
// and how often.
type watchFlags struct {
	checkFlags
	length               string
	pingEvery, dataEvery time.Duration
}

func (f *watchFlags) register(fs *flag.FlagSet) {
	f.checkFlags.register(fs)
	fs.StringVar(&f.out.output, "out", "", "short for --output (.html, .json, .md, .txt or .csv)")
	fs.StringVar(&f.length, "for", UntilStopped, "how long to watch: a duration such as `30m` or 8h, or until-stopped (Ctrl-C)")
	fs.DurationVar(&f.pingEvery, "ping-every", engine.DefaultWatchEvery, "how often the pinged connection pings")
	fs.DurationVar(&f.dataEvery, "data-every", engine.DefaultWatchEvery, "how often the busy connection sends a small message")
}

// watchRequest is the watch the flags ask for.
func (f *watchFlags) watchRequest() (session.WatchRequest, error) {
	w := session.WatchRequest{PingEvery: f.pingEvery, DataEvery: f.dataEvery}
	if f.pingEvery <= 0 || f.dataEvery <= 0 {
		return w, fmt.Errorf("--ping-every and --data-every must be more than zero")
	}
	if s := strings.TrimSpace(f.length); s != UntilStopped && s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return w, fmt.Errorf("--for %q: give a duration such as 30m or 8h, or %s", engine.RedactURLText(f.length), UntilStopped)
		}
		w.For = d
	}
	return w, nil
}

// watch runs `wsdoctor watch`: the check first (the route the watch
// takes), then the watch, a line on stderr for each drop, reconnect,
// change and sleep as it happens; at --for's end or on Ctrl-C the report
// so far. Exit ExitOK when no connection dropped and none failed to
// (re)connect, else ExitProblem; ExitUsage for bad usage.
func (e Edges) watch(ctx context.Context, words *i18n.Words, args []string, stdout, stderr io.Writer) int {
	if words == nil {
		words = i18n.English()
	}
	var f watchFlags
	var wreq session.WatchRequest
	p, code, done := e.parseRequest("watch", "Usage: wsdoctor watch [URL] [--for 30m|8h|until-stopped] [--out FILE] [flags]\n\n"+
		"Checks URL, then keeps three WebSockets open to it (silent, pinged, busy) and\n"+
		"notes every drop, reconnect, network change and sleep until --for ends or\n"+
		"Ctrl-C; then writes the report. Exit 0: nothing dropped; 1: something did.",
		&f, args, stderr, func() (err error) { wreq, err = f.watchRequest(); return err })
	if done {
		return code
	}
	req, format := p.req, p.format
	if req.Insecure {
		fmt.Fprintln(stderr, words.T("report.banner.insecure"))
	}

	var onEvent func(engine.Event)
	if !f.quiet && e.terminal(stderr) {
		onEvent = progress(stderr, words)
	}
	c := &session.Checker{Tool: Tool(), Words: words}
	run, err := c.Check(ctx, req, onEvent)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor watch: %v\n", err)
		return ExitUsage
	}
	if run.Outcome.Cancelled {
		f.emit(run.Report(f.noRedact), format, words, stdout, stderr)
		return ExitInterrupted
	}
	target := engine.RedactURLText(run.Outcome.Target.String())
	if !f.quiet {
		if wreq.For > 0 {
			fmt.Fprintln(stderr, words.T("cli.watch.start_for", "target", target, "length", words.Span(wreq.For)))
		} else {
			fmt.Fprintln(stderr, words.T("cli.watch.start", "target", target))
		}
	}
	var lines func(engine.WatchEvent)
	if !f.quiet {
		lines = watchLines(stderr, words)
	}
	run = c.Watch(ctx, run, wreq, lines)
	log := run.Watch
	if !f.quiet {
		fmt.Fprintln(stderr, watchSummary(words, log))
	}
	if code := f.emit(run.Report(f.noRedact), format, words, stdout, stderr); code != ExitOK {
		return code
	}
	if log.DropCount() > 0 || log.Summary.RetriesFailed > 0 {
		return ExitProblem
	}
	return ExitOK
}

// watchLines prints a line for each event a person would want to know of
// as it happens: a drop, a first failed reconnect, a reconnect, a change,
// a sleep. Calls are serialised by the session.
func watchLines(w io.Writer, words *i18n.Words) func(engine.WatchEvent) {
	var mu sync.Mutex
	return func(e engine.WatchEvent) {
		mu.Lock()
		defer mu.Unlock()
		if s := watchLine(words, e); s != "" {
			fmt.Fprintln(w, report.EscapeControls(s, false))
		}
	}
}

// watchLine is e in plain words, or "" for an event not worth a line
// (start, stop, the first opens, failed attempts after the first).
func watchLine(words *i18n.Words, e engine.WatchEvent) string {
	at := e.At.Local().Format("15:04:05")
	conn := words.T("cli.watch.conn." + e.Conn)
	switch e.Kind {
	case engine.WatchDrop:
		if e.Conn == engine.WatchSilent && e.Idle > 0 && e.Age-e.Idle >= time.Second {
			// The silent connection's quiet time is the network's idle
			// limit; its age, how long the tests before took.
			return words.T("cli.watch.drop_quiet", "time", at, "conn", conn, "age", words.Span(e.Age), "idle", words.Span(e.Idle), "how", endWords(words, e))
		}
		return words.T("cli.watch.drop", "time", at, "conn", conn, "age", words.Span(e.Age), "how", endWords(words, e))
	case engine.WatchRetryFailed:
		if e.Attempt != 1 {
			return ""
		}
		return words.T("cli.watch.retry_failed", "time", at, "conn", conn, "code", e.Detail)
	case engine.WatchOpen:
		if e.Attempt <= 1 && e.Took < 5*time.Second {
			// Open again at once (or the first open): the drop's line
			// said enough.
			return ""
		}
		return words.N("cli.watch.back", e.Attempt, "time", at, "conn", conn, "took", words.Span(e.Took))
	case engine.WatchChange:
		from, to := e.From, e.To
		if from == "" {
			from = words.T("cli.watch.none")
		}
		if to == "" {
			to = words.T("cli.watch.none")
		}
		return words.T("cli.watch.change", "time", at, "what", words.T("cli.watch.what."+e.What), "from", from, "to", to)
	case engine.WatchSleep:
		return words.T("cli.watch.sleep", "time", at, "took", words.Span(e.Took))
	}
	return ""
}

// endWords says how a connection ended.
func endWords(words *i18n.Words, e engine.WatchEvent) string {
	if e.EndedBy == engine.EndCloseFrame && e.CloseCode != 0 {
		return words.T("cli.watch.end.close_frame", "code", e.CloseCode)
	}
	return words.T("cli.watch.end." + e.EndedBy)
}

// watchSummary is the last line: how long, how many drops and changes.
func watchSummary(words *i18n.Words, l *engine.WatchLog) string {
	changes := 0
	for _, n := range l.Summary.Changes {
		changes += n
	}
	return words.T("cli.watch.summary", "length", words.Span(l.End.Sub(l.Start)),
		"drops", words.N("cli.watch.drops", l.DropCount()), "changes", words.N("cli.watch.changes", changes))
}
