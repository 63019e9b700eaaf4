package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

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
	exe := fs.String("exe", "", "the `program` to copy (default: this one)")
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		return ExitUsage
	}
	if len(pos) > 0 || *file == "" || *out == "" {
		fmt.Fprintln(stderr, "Usage: wsdoctor preset embed --preset FILE --out BRANDED [--exe PROGRAM]")
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
	src := *exe
	if src == "" {
		if src, err = os.Executable(); err != nil {
			fmt.Fprintf(stderr, "wsdoctor preset embed: this program's file is unknown (%v): give --exe PROGRAM\n", err)
			return ExitUsage
		}
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
