package cli

import (
	"flag"
	"fmt"
	"io"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/internal/bounded"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// outputFlags are --output and --format, shared by check and report.
type outputFlags struct {
	output, format string
	force          bool
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.output, "output", "", "write the report to `FILE` (written whole or not at all); the format follows the extension: .html, .json, .md, .txt, .csv")
	fs.StringVar(&o.output, "o", "", "short for --output")
	fs.BoolVar(&o.force, "force", false, "let --output replace a symbolic link (never a named pipe, a device or a socket)")
	fs.StringVar(&o.format, "format", "", "report `format`: html, json, md, text or csv (default: from the --output extension, else text)")
}

// resolve picks the format: --format, else the extension of --output, else
// def. With --output and no way to tell, it is an error rather than a guess,
// so a "report.pdf" is not silently written as text. It also checks, before
// any long work, that the output file can be written there.
func (o *outputFlags) resolve(def report.Format) (report.Format, error) {
	f := def
	switch {
	case o.format != "":
		var err error
		if f, err = report.ParseFormat(o.format); err != nil {
			return "", fmt.Errorf("--format: %w", err)
		}
	case o.output != "":
		var ok bool
		if f, ok = report.FormatOf(o.output); !ok {
			return "", fmt.Errorf("--output %s: cannot tell the format from the extension; name it .html, .json, .md, .txt or .csv, or add --format", o.output)
		}
	}
	if o.output != "" {
		if err := report.CheckOutput(o.output, o.force); err != nil {
			return "", err
		}
	}
	return f, nil
}

// write puts rep in the output file, or on stdout when there is none, in
// the language of words.
func (o *outputFlags) write(rep report.Report, f report.Format, words *i18n.Words, stdout io.Writer) error {
	if o.output == "" {
		return report.Render(stdout, rep, f, words)
	}
	render := func(w io.Writer) error { return report.Render(w, rep, f, words) }
	if o.force {
		return report.WriteFileForce(o.output, render)
	}
	return report.WriteFile(o.output, render)
}

// Report runs `wsdoctor report FILE.json`: it reads a saved JSON report and
// writes it again in any format, so support can turn what a user sent into
// the page or the ticket text they need. It writes in English (see
// MainIn).
func Report(args []string, stdout, stderr io.Writer) int {
	return showReport(nil, args, stdout, stderr)
}

// showReport is Report in the language of words (English when nil).
func showReport(words *i18n.Words, args []string, stdout, stderr io.Writer) int {
	var out outputFlags
	fs := flag.NewFlagSet("wsdoctor report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: wsdoctor report FILE.json [--format html|json|md|text|csv] [--output FILE]\n\nReads a report saved with `wsdoctor check --output FILE.json` and writes it again.\n\nFlags:")
		fs.PrintDefaults()
	}
	out.register(fs)
	pos, code, done := parseArgs(fs, args)
	if done {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "wsdoctor report: give one saved JSON report, got %d argument(s)\n", len(pos))
		fs.Usage()
		return ExitUsage
	}
	format, err := out.resolve(report.FormatText)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor report: %v\n", err)
		return ExitUsage
	}
	b, err := bounded.ReadFile(pos[0], bounded.MaxReport)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor report: %v\n", err)
		return ExitUsage
	}
	rep, err := report.Parse(b)
	if err != nil {
		// The file's own text can be quoted in the error.
		fmt.Fprintf(stderr, "wsdoctor report: %s: %s\n", pos[0], report.EscapeControls(err.Error(), false))
		return ExitUsage
	}
	if err := out.write(rep, format, words, stdout); err != nil {
		fmt.Fprintf(stderr, "wsdoctor report: %v\n", err)
		return ExitProblem
	}
	if out.output != "" {
		fmt.Fprintf(stderr, "Report written to %s\n", out.output)
	}
	return ExitOK
}

// emit prints the report of `check` as before (text, or JSON with --json)
// or in --format, and writes the --output file, in the language of words.
func (f *checkFlags) emit(rep report.Report, format report.Format, words *i18n.Words, stdout, stderr io.Writer) int {
	show := report.FormatText
	switch {
	case f.json:
		show = report.FormatJSON
	case f.out.format != "" && f.out.output == "":
		show = format
	}
	if err := report.Render(stdout, rep, show, words); err != nil {
		fmt.Fprintf(stderr, "wsdoctor check: write: %v\n", err)
		return ExitProblem
	}
	if f.out.output == "" {
		return ExitOK
	}
	if err := f.out.write(rep, format, words, stdout); err != nil {
		fmt.Fprintf(stderr, "wsdoctor check: %v\n", err)
		return ExitProblem
	}
	fmt.Fprintf(stderr, "Report written to %s\n", f.out.output)
	return ExitOK
}
