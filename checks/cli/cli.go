// Package cli is the headless front end: `wsdoctor check`, `watch`, `serve`,
// `version` and `help`. It prints the runner's events as lines and the
// report as text or JSON. It knows nothing of the GUI.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// Build information, set with -ldflags "-X wsdoctor/checks/cli.Version=...".
// Read them through VersionString or BuildVersion, which complete them
// from Go's build information on first use (stampBuildInfo).
var (
	Version = "dev"
	Commit  = ""
	Date    = ""
)

// Exit codes of the headless commands.
const (
	ExitOK          = 0   // WebSockets work
	ExitProblem     = 1   // a problem was found, or the check could not finish
	ExitUsage       = 2   // bad usage or input
	ExitInterrupted = 130 // stopped with Ctrl-C, as shells expect
)

// Main runs a headless command with args (without the program name) and
// returns the exit code; it writes in English (see MainIn). It reaches
// the real browser, keyboard and terminal (the zero Edges).
func Main(args []string, stdout, stderr io.Writer) int { return MainIn(nil, args, stdout, stderr) }

// MainIn is Main writing the report, the findings and the browser page in
// the language of words (English when nil), which main.go chose once. The
// note for the IT team follows the preset's support_language.
func MainIn(words *i18n.Words, args []string, stdout, stderr io.Writer) int {
	var edges Edges
	presetFile, args, err := SplitPreset(args)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor: %v\n", err)
		return ExitUsage
	}
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "check":
		if presetFile != "" {
			args = append([]string{"check", "--preset", presetFile}, args[1:]...)
		}
		return edges.check(ctx, words, args[1:], stdout, stderr)
	case "watch":
		if presetFile != "" {
			args = append([]string{"watch", "--preset", presetFile}, args[1:]...)
		}
		return edges.watch(ctx, words, args[1:], stdout, stderr)
	case "preset":
		return Preset(args[1:], presetFile, stdout, stderr)
	case "serve":
		return Serve(ctx, args[1:], stdout, stderr)
	case "report":
		return showReport(words, args[1:], stdout, stderr)
	case "env":
		return Env(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, VersionString())
		printPresetLine(stdout, presetFile)
		return ExitOK
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return ExitOK
	}
	fmt.Fprintf(stderr, "wsdoctor: unknown command %q\n\n", engine.RedactURLText(args[0]))
	usage(stderr)
	return ExitUsage
}

// VersionString is the version line: version, commit and build date where
// known.
func VersionString() string {
	stampBuildInfo()
	s := "wsdoctor " + Version
	if Commit != "" {
		s += " (" + Commit
		if Date != "" {
			s += ", " + Date
		}
		s += ")"
	}
	return s
}

// usage prints the commands under the name this program was started as
// (wsdoctor, or the console companion and the windowless build's
// wsdoctor-cli).
func usage(w io.Writer) { fmt.Fprint(w, usageText(programName(os.Args[0]))) }

// programName is "wsdoctor-cli" when arg0 names it (any folder, .exe or
// not), else "wsdoctor": a branded copy's own name is not promised to
// read well in a sentence.
func programName(arg0 string) string {
	base := strings.TrimSuffix(strings.ToLower(filepath.Base(strings.ReplaceAll(arg0, `\`, "/"))), ".exe")
	if base == "wsdoctor-cli" {
		return base
	}
	return "wsdoctor"
}

// usageText is the help with the commands under name, the columns kept.
func usageText(name string) string {
	if name == "wsdoctor" {
		return usageWords
	}
	pad := strings.Repeat(" ", len(name)-len("wsdoctor"))
	return strings.NewReplacer("  wsdoctor ", "  "+name+" ", "(see: wsdoctor ", "(see: "+name+" ", "; see: wsdoctor ", "; see: "+name+" ",
		"\n                                (", "\n                                "+pad+"(").Replace(usageWords)
}

const usageWords = `WebSocket Doctor finds out why WebSockets do not work on this machine.

Usage:
  wsdoctor                      open the window (if this build has one; else this help)
  wsdoctor check [URL] [flags]  check URL from the terminal (see: wsdoctor check -h)
  wsdoctor watch [URL] [flags]  check URL, then watch it for drops (see: wsdoctor watch -h)
  wsdoctor serve [flags]        run the reference echo server (see: wsdoctor serve -h)
  wsdoctor report FILE.json     show a saved JSON report again, in any format
                                (--format html|json|md|text|csv, --output FILE)
  wsdoctor env [URL] [flags]    show proxies, PAC and VPN, and the route to URL (see: wsdoctor env -h)
  wsdoctor preset check FILE    check a support preset (see: wsdoctor preset help)
  wsdoctor version              print the version
  wsdoctor help                 print this help

URL may be wss://host/path, ws://..., https://..., http://... or host[:port][/path].
With no URL, check uses the preset's first target, or else starts the reference
server on this machine and checks it. check --output FILE saves the report
(.html, .json, .md, .txt, or .csv for a table of the steps or the watch's
events); secrets are left out unless --no-redact.

--preset FILE (before the command, or a flag of check) uses that preset instead
of wsdoctor-preset.json beside the program, or else the built-in one.

Exit codes: 0 WebSockets work (with warnings too, unless check --fail-on warning),
1 a problem was found, 2 bad usage or input, 130 stopped with Ctrl-C.
watch: 0 no connection dropped (or failed to reconnect), 1 some did, also after Ctrl-C.
`

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// checkFlags are the flags of `wsdoctor check`.
type checkFlags struct {
	json, insecure, quiet, noRedact bool
	noLadder                        bool
	headers, subprotocols           listFlag
	cookie, origin, pac             string
	proxy                           netenv.Mode
	cert, key, ca                   string
	timeout, deadline               time.Duration
	out                             outputFlags
	idle, pingInterval              time.Duration
	preset                          string
	proxyAuth                       proxyAuthFlags
	failOn                          string
	browserFlags
}

func (f *checkFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.json, "json", false, "print the report as JSON")
	fs.Var(&f.headers, "header", "extra request header `\"Name: value\"` (repeatable)")
	fs.Var(&f.headers, "H", "short for --header")
	fs.StringVar(&f.cookie, "cookie", "", "Cookie header value to send")
	fs.StringVar(&f.origin, "origin", "", "Origin header to send")
	fs.Var(&f.proxy, "proxy", "how to connect: `system` (this computer's proxy settings), none, a proxy URL (http://, https://, socks4://, socks4a://, socks5://, socks5h://), or pac:FILE|URL (what that PAC file answers)")
	fs.StringVar(&f.pac, "pac", "", "connect as this PAC `file or URL` answers for the address (the same as --proxy pac:FILE)")
	fs.Var(&f.subprotocols, "subprotocol", "WebSocket subprotocol to offer (repeatable)")
	fs.StringVar(&f.cert, "cert", "", "client certificate `file` (PEM)")
	fs.StringVar(&f.key, "key", "", "client certificate key `file` (PEM)")
	fs.StringVar(&f.ca, "ca", "", "extra CA certificate `file` to trust (PEM)")
	fs.BoolVar(&f.insecure, "insecure", false, "do not verify certificates (shown in every output)")
	fs.DurationVar(&f.timeout, "timeout", engine.DefaultProbeTimeout, "time limit for each probe")
	fs.DurationVar(&f.deadline, "deadline", engine.DefaultDeadline, "time limit for the whole check")
	fs.DurationVar(&f.idle, "idle", 0, "also hold WebSockets open this long to measure the network's idle limit (0 off, at most 10m)")
	fs.DurationVar(&f.pingInterval, "ping-interval", engine.DefaultPingInterval, "how often the idle test's ping connection pings")
	fs.BoolVar(&f.noLadder, "no-ladder", false, "skip the integrity ladder (echoes of 125 B up to 1 MiB, or the preset's max_message_bytes)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress lines")
	fs.BoolVar(&f.noRedact, "no-redact", false, "keep cookies, tokens and passwords in the output")
	f.out.register(fs)
	f.proxyAuth.register(fs)
	f.browserFlags.register(fs)
	fs.StringVar(&f.preset, "preset", "", "preset `file` (instead of wsdoctor-preset.json beside the program, or the built-in one)")
	fs.StringVar(&f.failOn, "fail-on", FailOnProblem, "exit 1 on a `problem` (default), or also on a warning (works_with_warnings)")
}

// request is the check the flags ask for, of address (may be empty),
// asking for a proxy password with ask. Its errors hide the credentials of
// the addresses they quote.
func (f *checkFlags) request(address string, ask func(prompt string) (string, error)) (req session.Request, err error) {
	defer func() { err = redactErr(err) }()
	req = session.Request{
		Address:      address,
		Subprotocols: f.subprotocols,
		ClientCert:   f.cert,
		ClientKey:    f.key,
		CAFile:       f.ca,
		Insecure:     f.insecure,
		ProbeTimeout: f.timeout,
		Deadline:     f.deadline,
		Proxy:        f.proxy,
		Cookie:       f.cookie,
		Origin:       f.origin,
		NoLadder:     f.noLadder,
	}
	if f.pac != "" {
		// --pac names the route; --proxy may only be left at system or none.
		if k := f.proxy.Kind; k != netenv.ModeSystem && k != netenv.ModeDirect {
			return req, fmt.Errorf("--pac and --proxy %s: give one of them", f.proxy.Redacted())
		}
		req.Proxy = netenv.PACMode(f.pac)
	}
	if req.Proxy.Kind == netenv.ModePAC {
		if err := checkPACLocation(req.Proxy.PAC); err != nil {
			return req, err
		}
	}
	if err := f.checkFailOn(); err != nil {
		return req, err
	}
	if f.timeout <= 0 || f.deadline <= 0 {
		return req, errors.New("--timeout and --deadline must be more than zero")
	}
	if err := f.idleOptions(&req); err != nil {
		return req, err
	}
	for _, h := range f.headers {
		kv, err := session.ParseHeader(h)
		if err != nil {
			return req, fmt.Errorf("--header: %w", err)
		}
		req.Headers = append(req.Headers, kv)
	}
	// -H, --cookie, --origin and --subprotocol: checked before anything
	// is sent (exit 2), and the errors never repeat a value.
	if err := req.Check(); err != nil {
		return req, err
	}
	if err := f.proxyAuth.apply(&req, ask); err != nil {
		return req, err
	}
	return req, nil
}

// parseArgs parses a command's flags, which may come before or after its
// positional arguments, as in `check URL --json`, and returns the
// positional ones. done says the command ends here, with code: ExitOK
// after -h, ExitUsage after a bad flag (fs has said which).
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, code int, done bool) {
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			return nil, ExitOK, true
		case err != nil:
			return nil, ExitUsage, true
		case fs.NArg() == 0:
			return pos, ExitOK, false
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// Check runs `wsdoctor check` with these edges, in English.
func (e Edges) Check(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return e.check(ctx, nil, args, stdout, stderr)
}

// check runs `wsdoctor check` in the language of words (English when nil).
func (e Edges) check(ctx context.Context, words *i18n.Words, args []string, stdout, stderr io.Writer) int {
	if words == nil {
		words = i18n.English()
	}
	var f checkFlags
	p, code, done := e.parseRequest("check", "Usage: wsdoctor check [URL] [flags]", &f, args, stderr, nil)
	if done {
		return code
	}
	req, format, pre := p.req, p.format, p.pre
	switch plan := session.PlanOf(req); plan.Scope {
	case session.ScopePreset:
		fmt.Fprintf(stderr, "No address given: checking %s from the preset%s (%s).\n", plan.Address, presetName(pre.Preset), pre.Source)
	case session.ScopeSelfTest:
		fmt.Fprintln(stderr, "No address given: checking the built-in reference server on this computer. This tests this computer only, not your network or the service.")
	}
	if req.Insecure {
		fmt.Fprintln(stderr, words.T("report.banner.insecure"))
	}

	var onEvent func(engine.Event)
	if !f.quiet && e.terminal(stderr) {
		var stop func()
		onEvent, stop = withCountdown(stderr, req.Idle, e.consoleVT, progress(stderr, words))
		defer stop()
	}
	// The findings follow words; the note for the IT team, the preset's
	// support_language (see session.Checker).
	c := &session.Checker{Tool: Tool(), Words: words}
	run, err := c.Check(ctx, req, onEvent)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor check: %v\n", err)
		return ExitUsage
	}
	run = f.browserTest(ctx, e, c, run, stderr)
	rep := run.Report(f.noRedact)
	if code := f.emit(rep, format, words, stdout, stderr); code != ExitOK {
		return code
	}
	switch {
	case run.Outcome.Cancelled:
		return ExitInterrupted
	case f.passes(rep.Verdict):
		return ExitOK
	}
	return ExitProblem
}

// commandFlags are the flags of a command that checks first (check,
// watch): the check's and the command's own.
type commandFlags interface {
	register(fs *flag.FlagSet)
	checkOnes() *checkFlags
}

func (f *checkFlags) checkOnes() *checkFlags { return f }

// parsedRequest is what a checking command's words ask for: the check,
// the report's format and the preset (already in req.Preset).
type parsedRequest struct {
	req    session.Request
	format report.Format
	pre    preset.Loaded
}

// parseRequest reads the words of `wsdoctor NAME` into f: its flags, at
// most one address, the request they make, then more (the command's own
// flags, nil for none; its error said with the addresses' credentials
// hidden), the report's format and the preset. usage is the help's text
// before the flags. done says the command ends here, with code: ExitOK
// after -h, ExitUsage for bad usage (said on stderr).
func (e Edges) parseRequest(name, usage string, f commandFlags, args []string, stderr io.Writer, more func() error) (p parsedRequest, code int, done bool) {
	fs := flag.NewFlagSet("wsdoctor "+name, flag.ContinueOnError)
	fs.SetOutput(redactWriter{stderr}) // flag errors quote the value given
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage+"\n\nFlags:")
		fs.PrintDefaults()
	}
	f.register(fs)
	pos, code, done := parseArgs(fs, args)
	if done {
		return p, code, true
	}
	fail := func(err error) (parsedRequest, int, bool) {
		fmt.Fprintf(stderr, "wsdoctor %s: %v\n", name, err)
		return p, ExitUsage, true
	}
	if err := checkAddressArgs(pos); err != nil {
		return fail(err)
	}
	var address string
	if len(pos) == 1 {
		address = pos[0]
	}
	cf := f.checkOnes()
	req, err := cf.request(address, e.readPassword)
	if err != nil {
		return fail(err)
	}
	if more != nil {
		if err := more(); err != nil {
			return fail(redactErr(err))
		}
	}
	if p.format, err = cf.out.resolve(report.FormatText); err != nil {
		return fail(err)
	}
	if p.pre, err = LoadPreset(cf.preset); err != nil {
		return fail(err)
	}
	req.Preset = p.pre.Preset
	p.req = req
	return p, ExitOK, false
}

// Tool names this program in reports.
func Tool() report.Tool { return report.Tool{Name: "wsdoctor", Version: BuildVersion()} }

// progress prints a line as each probe starts and ends, its detail in the
// language of words.
func progress(w io.Writer, words *i18n.Words) func(engine.Event) {
	return func(e engine.Event) {
		switch e.Kind {
		case engine.EventStarted:
			fmt.Fprintf(w, "  ...   %s\n", e.Probe)
		case engine.EventFinished:
			r := e.Result
			// A reason can quote a server (its status line): no raw
			// control bytes reach the terminal.
			fmt.Fprintf(w, "  %-5s %s %s\n", r.Status, r.Probe, report.EscapeControls(report.DetailIn(*r, words), false))
		}
	}
}

// Serve runs `wsdoctor serve` until ctx ends (Ctrl-C).
func Serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wsdoctor serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8765", "address to listen on")
	cert := fs.String("tls-cert", "", "certificate `file` (PEM) to serve wss")
	key := fs.String("tls-key", "", "key `file` (PEM) for --tls-cert")
	idle := fs.Duration("idle-timeout", refserver.IdleTimeout, "close a WebSocket that stays silent this long (keep it longer than the idle tests run against it)")
	perIP := fs.Int("per-ip", refserver.MaxPerIP, "connections one address may hold at once")
	pos, code, done := parseArgs(fs, args)
	if done {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "wsdoctor serve: unexpected argument %q\n", pos[0])
		return ExitUsage
	}
	if (*cert == "") != (*key == "") {
		fmt.Fprintln(stderr, "wsdoctor serve: give both --tls-cert and --tls-key")
		return ExitUsage
	}
	if *idle <= 0 || *perIP <= 0 {
		fmt.Fprintln(stderr, "wsdoctor serve: --idle-timeout and --per-ip must be more than zero")
		return ExitUsage
	}
	conf := refserver.Config{Idle: *idle, PerIP: *perIP}
	if *cert != "" {
		tc, err := refserver.TLSConfig(*cert, *key)
		if err != nil {
			fmt.Fprintf(stderr, "wsdoctor serve: %v\n", err)
			return ExitProblem
		}
		conf.TLS = tc
	}
	srv, err := refserver.StartConfig(*addr, conf)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor serve: %v\n", err)
		return ExitProblem
	}
	fmt.Fprintf(stdout, "WebSocket echo on %s (page on /). Ctrl-C stops.\n", srv.URL)
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "wsdoctor serve: %v\n", err)
		return ExitProblem
	}
	fmt.Fprintln(stdout, "stopped")
	return ExitOK
}
