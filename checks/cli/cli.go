// Package cli is the headless front end: `wsdoctor check`, `serve`,
// `version` and `help`. It prints the runner's events as lines and the
// report as text or JSON. It knows nothing of the GUI.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// Build information, set with -ldflags "-X wsdoctor/checks/cli.Version=...".
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
// returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	presetFile, args, err := SplitPreset(args)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor: %v\n", err)
		return ExitUsage
	}
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch args[0] {
	case "check":
		if presetFile != "" {
			args = append([]string{"check", "--preset", presetFile}, args[1:]...)
		}
		return Check(ctx, args[1:], stdout, stderr)
	case "preset":
		return Preset(args[1:], presetFile, stdout, stderr)
	case "serve":
		return Serve(ctx, args[1:], stdout, stderr)
	case "report":
		return Report(args[1:], stdout, stderr)
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
	fmt.Fprintf(stderr, "wsdoctor: unknown command %q\n\n", args[0])
	usage(stderr)
	return ExitUsage
}

// VersionString is the version line: version, commit and build date where
// known.
func VersionString() string {
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

func usage(w io.Writer) {
	fmt.Fprint(w, `WebSocket Doctor finds out why WebSockets do not work on this machine.

Usage:
  wsdoctor                      open the window
  wsdoctor check [URL] [flags]  check URL from the terminal (see: wsdoctor check -h)
  wsdoctor serve [flags]        run the reference echo server (see: wsdoctor serve -h)
  wsdoctor report FILE.json     show a saved JSON report again, in any format
                                (--format html|json|md|text, --output FILE)
  wsdoctor env [URL] [flags]    show proxies, PAC and VPN, and the route to URL (see: wsdoctor env -h)
  wsdoctor preset check FILE    check a support preset (see: wsdoctor preset help)
  wsdoctor version              print the version
  wsdoctor help                 print this help

URL may be wss://host/path, ws://..., https://..., http://... or host[:port][/path].
With no URL, check uses the preset's first target, or else starts the reference
server on this machine and checks it. check --output FILE saves the report
(.html, .json, .md or .txt); secrets are left out unless --no-redact.

--preset FILE (before the command, or a flag of check) uses that preset instead
of wsdoctor-preset.json beside the program, or else the built-in one.

Exit codes: 0 WebSockets work, 1 a problem was found, 2 bad usage or input,
130 stopped with Ctrl-C.
`)
}

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// checkFlags are the flags of `wsdoctor check`.
type checkFlags struct {
	json, insecure, quiet, noRedact bool
	headers, subprotocols           listFlag
	cookie, origin, proxy, pac      string
	cert, key, ca                   string
	timeout, deadline               time.Duration
	out                             outputFlags
	idle, pingInterval              time.Duration
	preset                          string
}

func (f *checkFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.json, "json", false, "print the report as JSON")
	fs.Var(&f.headers, "header", "extra request header `\"Name: value\"` (repeatable)")
	fs.Var(&f.headers, "H", "short for --header")
	fs.StringVar(&f.cookie, "cookie", "", "Cookie header value to send")
	fs.StringVar(&f.origin, "origin", "", "Origin header to send")
	fs.StringVar(&f.proxy, "proxy", "system", "how to connect: `system` (this computer's proxy settings), none, a proxy URL (http://, https://, socks4://, socks4a://, socks5://, socks5h://), or pac:FILE|URL (what that PAC file answers)")
	fs.StringVar(&f.pac, "pac", "", "connect as this PAC `file or URL` answers for the address (the same as --proxy pac:FILE)")
	fs.Var(&f.subprotocols, "subprotocol", "WebSocket subprotocol to offer (repeatable)")
	fs.StringVar(&f.cert, "cert", "", "client certificate `file` (PEM)")
	fs.StringVar(&f.key, "key", "", "client certificate key `file` (PEM)")
	fs.StringVar(&f.ca, "ca", "", "extra CA certificate `file` to trust (PEM)")
	fs.BoolVar(&f.insecure, "insecure", false, "do not verify certificates (shown in every output)")
	fs.DurationVar(&f.timeout, "timeout", checks.DefaultProbeTimeout, "time limit for each probe")
	fs.DurationVar(&f.deadline, "deadline", checks.DefaultDeadline, "time limit for the whole check")
	fs.DurationVar(&f.idle, "idle", 0, "also hold WebSockets open this long to measure the network's idle limit (0 off, at most 10m)")
	fs.DurationVar(&f.pingInterval, "ping-interval", checks.DefaultPingInterval, "how often the idle test's ping connection pings")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress lines")
	fs.BoolVar(&f.noRedact, "no-redact", false, "keep cookies, tokens and passwords in the output")
	f.out.register(fs)
	fs.StringVar(&f.preset, "preset", "", "preset `file` (instead of wsdoctor-preset.json beside the program, or the built-in one)")
}

func (f *checkFlags) options() (checks.Options, error) {
	o := checks.Options{
		Subprotocols: f.subprotocols,
		ClientCert:   f.cert,
		ClientKey:    f.key,
		CAFile:       f.ca,
		Insecure:     f.insecure,
		ProbeTimeout: f.timeout,
		Deadline:     f.deadline,
		Headers:      http.Header{},
		Proxy:        f.proxy,
	}
	if f.pac != "" {
		// --pac names the route; --proxy may only be left at system or none.
		if m, _, _ := netenv.ParseMode(f.proxy); m != netenv.ModeSystem && m != netenv.ModeNone {
			return o, fmt.Errorf("--pac and --proxy %s: give one of them", f.proxy)
		}
		o.Proxy = "pac:" + f.pac
	}
	if _, _, err := netenv.ParseMode(o.Proxy); err != nil {
		return o, fmt.Errorf("--proxy: %w", err)
	}
	if f.timeout <= 0 || f.deadline <= 0 {
		return o, errors.New("--timeout and --deadline must be more than zero")
	}
	if err := f.idleOptions(&o); err != nil {
		return o, err
	}
	for _, h := range f.headers {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return o, fmt.Errorf("--header %q: want \"Name: value\"", h)
		}
		o.Headers.Add(name, strings.TrimSpace(value))
	}
	if f.cookie != "" {
		o.Headers.Set("Cookie", f.cookie)
	}
	if f.origin != "" {
		o.Headers.Set("Origin", f.origin)
	}
	return o, nil
}

// parseInterleaved parses flags that may come before or after the
// positional arguments, as in `check URL --json`.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// Check runs `wsdoctor check`.
func Check(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var f checkFlags
	fs := flag.NewFlagSet("wsdoctor check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: wsdoctor check [URL] [flags]\n\nFlags:")
		fs.PrintDefaults()
	}
	f.register(fs)
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		return ExitUsage
	}
	if len(pos) > 1 {
		fmt.Fprintf(stderr, "wsdoctor check: one address at a time, got %d: %s\n", len(pos), strings.Join(pos, " "))
		return ExitUsage
	}
	opts, err := f.options()
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor check: %v\n", err)
		return ExitUsage
	}
	format, err := f.out.resolve(report.FormatText)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor check: %v\n", err)
		return ExitUsage
	}

	pre, err := LoadPreset(f.preset)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor check: %v\n", err)
		return ExitUsage
	}
	ApplyPreset(&opts, pre.Preset)
	var raw string
	if len(pos) == 1 {
		raw = pos[0]
	} else if raw = pre.FirstURL(); raw != "" {
		fmt.Fprintf(stderr, "No address given: checking %s from the preset%s (%s).\n", raw, presetName(pre.Preset), pre.Source)
	}
	if raw == "" {
		srv, err := refserver.Start("127.0.0.1:0", "", "")
		if err != nil {
			fmt.Fprintf(stderr, "wsdoctor check: %v\n", err)
			return ExitProblem
		}
		defer srv.Close()
		raw = srv.URL
		fmt.Fprintf(stderr, "No address given: checking the built-in reference server at %s.\n", raw)
	}
	target, err := checks.ParseTarget(raw)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor check: %v\n", err)
		return ExitUsage
	}
	if opts.Insecure {
		fmt.Fprintln(stderr, report.InsecureBanner)
	}

	rn := &checks.Runner{}
	if !f.quiet && isTerminal(stderr) {
		var stop func()
		rn.OnEvent, stop = withCountdown(stderr, opts.Idle, progress(stderr))
		defer stop()
	}
	waitMachine, stopMachine := readMachine(ctx)
	defer stopMachine()
	// A plain ws:// address is checked over wss:// at the same time: a
	// network that stops only unencrypted WebSockets is told apart.
	out, other, err := checks.RunWithCounterpart(ctx, rn, target, opts)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor check: %v\n", err)
		return ExitUsage
	}
	m := waitMachine()
	d := diagnose.Diagnose(diagnose.Input{Outcome: out, Other: other, RequiredIdle: opts.IdleRequired, Env: diagnosisEnv(out, m)})
	in := report.Input{Tool: report.Tool{Name: "wsdoctor", Version: Version}, Outcome: out, Diagnosis: &d, NoRedact: f.noRedact, OSVersion: m.osVersion}
	if m.vpn != nil {
		in.VPN = report.VPNOf(*m.vpn)
	}
	rep := report.Build(in)
	if code := f.emit(rep, format, stdout, stderr); code != ExitOK {
		return code
	}
	switch {
	case out.Cancelled:
		return ExitInterrupted
	case rep.Verdict.Works():
		return ExitOK
	}
	return ExitProblem
}

// progress prints a line as each probe starts and ends.
func progress(w io.Writer) func(checks.Event) {
	return func(e checks.Event) {
		switch e.Kind {
		case checks.EventStarted:
			fmt.Fprintf(w, "  ...   %s\n", e.Probe)
		case checks.EventFinished:
			r := e.Result
			fmt.Fprintf(w, "  %-5s %s %s\n", r.Status, r.Probe, report.Detail(*r))
		}
	}
}

// isTerminal reports whether w is a terminal, where progress lines help.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Serve runs `wsdoctor serve` until ctx ends (Ctrl-C).
func Serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wsdoctor serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8765", "address to listen on")
	cert := fs.String("tls-cert", "", "certificate `file` (PEM) to serve wss")
	key := fs.String("tls-key", "", "key `file` (PEM) for --tls-cert")
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		return ExitUsage
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "wsdoctor serve: unexpected argument %q\n", pos[0])
		return ExitUsage
	}
	if (*cert == "") != (*key == "") {
		fmt.Fprintln(stderr, "wsdoctor serve: give both --tls-cert and --tls-key")
		return ExitUsage
	}
	srv, err := refserver.Start(*addr, *cert, *key)
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
