package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
)

// presetEmbed runs `wsdoctor preset embed --preset FILE --out BRANDED
// [--exe PROGRAM]`: a support team's branded checker, made from a
// downloaded release without Go or a C compiler.
func presetEmbed(args []string, presetFile string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wsdoctor preset embed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("preset", presetFile, "the preset `file` to add (checked first)")
	out := fs.String("out", "", "the branded copy to write (`file`)")
	exe := fs.String("exe", "", "the `program` to copy (default: this one, or on Windows the window program wsdoctor.exe beside it)")
	console := fs.Bool("console", false, "allow a Windows console program as the copy (a command-line checker: double-clicked, it opens a console window)")
	pos, code, done := parseArgs(fs, args)
	if done {
		return code
	}
	if len(pos) > 0 || *file == "" || *out == "" {
		fmt.Fprintln(stderr, "Usage: wsdoctor preset embed --preset FILE --out BRANDED [--exe PROGRAM] [--console]")
		return ExitUsage
	}
	p, err := preset.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitUsage
	}
	js, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor preset embed: %v\n", err)
		return ExitUsage
	}
	src, given := *exe, *exe != ""
	if !given {
		if src, err = os.Executable(); err != nil {
			fmt.Fprintf(stderr, "wsdoctor preset embed: this program's file is unknown (%v): give --exe PROGRAM\n", err)
			return ExitUsage
		}
	}
	src, err = embedSource(src, given, *console)
	if err != nil {
		fmt.Fprintf(stderr, "wsdoctor preset embed: %v\n", err)
		return ExitUsage
	}
	signed, err := preset.Embed(src, js, *out)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitProblem
	}
	fmt.Fprintf(stdout, "%s: a copy of %s that starts with this preset. %s\n", *out, src, summary(p))
	if signed {
		fmt.Fprintln(stdout, "The program was signed; the copy is not (a signature covers the bytes it was made for). Sign it again before handing it out, for example with osslsigncode or signtool, or Windows SmartScreen will warn about it.")
	}
	fmt.Fprintf(stdout, "A %s beside it, or --preset, still comes first.\n", preset.FileName)
	return ExitOK
}

// guiProgram is the window program's name in the Windows package, beside
// the console companion wsdoctor-cli.exe.
const guiProgram = "wsdoctor.exe"

// embedSource is the program preset embed copies: exe when given, else
// exe is this program and, on Windows, when it is the console companion,
// the window program beside it is taken, since a branded checker is
// double-clicked. A console program is refused unless console is set:
// double-clicked, it opens an empty console window beside the app.
func embedSource(exe string, given, console bool) (string, error) {
	if isCon, _ := preset.IsConsoleProgram(exe); isCon && !given && !console {
		beside := filepath.Join(filepath.Dir(exe), guiProgram)
		if isCon, err := preset.IsConsoleProgram(beside); err == nil && !isCon {
			exe = beside
		}
	}
	if console {
		return exe, nil
	}
	isCon, err := preset.IsConsoleProgram(exe)
	if err != nil {
		return "", err
	}
	if isCon {
		return "", fmt.Errorf("%s is a console program: a copy of it, double-clicked, opens an empty console window beside the app. Give --exe %s (the window program), or --console for a command-line checker", exe, guiProgram)
	}
	return exe, nil
}

// printPresetLine adds to `wsdoctor version` the preset in force when it
// names a product: a branded checker says whose it is.
func printPresetLine(w io.Writer, presetFile string) {
	l, err := LoadPreset(presetFile)
	if err != nil || l.Preset == nil || l.ProductName == "" {
		return
	}
	fmt.Fprintf(w, "Preset: %s (%s)\n", l.ProductName, l.Source)
}

// presetName is " for NAME" when the preset names a product, else "".
func presetName(p *preset.Preset) string {
	if p == nil || p.ProductName == "" {
		return ""
	}
	return " for " + p.ProductName
}
