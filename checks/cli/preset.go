package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
)

// SplitPreset takes the global "--preset FILE" (or "--preset=FILE") from the
// front of args, as in `wsdoctor --preset acme.json` (the window) or
// `wsdoctor --preset acme.json check`.
func SplitPreset(args []string) (file string, rest []string, err error) {
	for len(args) > 0 {
		a := args[0]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "preset" {
			break
		}
		if !hasValue {
			if len(args) < 2 || args[1] == "" {
				return "", nil, fmt.Errorf("--preset needs a file name")
			}
			value, args = args[1], args[1:]
		}
		file, args = value, args[1:]
	}
	return file, args, nil
}

// LoadPreset loads the preset in force: file (from --preset) if given, else
// preset.FileName beside the executable, else the one built in.
func LoadPreset(file string) (preset.Loaded, error) {
	exe, err := os.Executable()
	if err != nil {
		exe = "" // unknown: only the flag and the built-in preset apply
	}
	return preset.Load(file, exe, assets.Preset)
}

// Preset runs `wsdoctor preset check FILE...` and `wsdoctor preset show`.
func Preset(args []string, presetFile string, stdout, stderr io.Writer) int {
	usage := func(w io.Writer) {
		fmt.Fprint(w, `Usage:
  wsdoctor preset check FILE...   check preset files; every problem is named by its field
  wsdoctor preset show            print the preset in force and where it comes from
                                  (--preset FILE, else `+preset.FileName+` beside the program, else one
                                  added with preset embed, else the built-in one)
  wsdoctor preset install FILE    check FILE and put it beside the program as `+preset.FileName+`, so
                                  the window and every check start with it (the MSI's PRESET=FILE
                                  runs this); a good one already there is replaced only by a good one
  wsdoctor preset embed --preset FILE --out BRANDED [--exe PROGRAM]
                                  write a copy of this program (or PROGRAM: wsdoctor.exe,
                                  wsdoctor-cli.exe, the Linux wsdoctor) with the preset added, so it
                                  starts with it; no build tools needed
`)
	}
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "check":
		if len(args) < 2 {
			fmt.Fprintln(stderr, "wsdoctor preset check: name the preset file to check")
			return ExitUsage
		}
		code := ExitOK
		for _, f := range args[1:] {
			p, err := preset.ReadFile(f)
			if err != nil {
				fmt.Fprintln(stderr, err)
				code = ExitUsage
				continue
			}
			fmt.Fprintf(stdout, "%s: good. %s\n", f, summary(p))
		}
		return code
	case "show":
		l, err := LoadPreset(presetFile)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return ExitUsage
		}
		where := string(l.Source)
		if l.Path != "" {
			where += ": " + l.Path
		}
		fmt.Fprintf(stderr, "Preset in force (%s). %s\n", where, summary(l.Preset))
		b, _ := json.MarshalIndent(l.Preset, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
		return ExitOK
	case "embed":
		return presetEmbed(args[1:], presetFile, stdout, stderr)
	case "install":
		if len(args) != 2 {
			fmt.Fprintln(stderr, "wsdoctor preset install: name one preset file")
			return ExitUsage
		}
		exe, err := os.Executable()
		if err != nil {
			fmt.Fprintln(stderr, "wsdoctor preset install:", err)
			return ExitProblem
		}
		dst, err := installPreset(args[1], filepath.Dir(exe))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return ExitUsage
		}
		fmt.Fprintf(stdout, "%s: installed as %s.\n", args[1], dst)
		return ExitOK
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return ExitOK
	}
	fmt.Fprintf(stderr, "wsdoctor preset: unknown command %q\n", args[0])
	usage(stderr)
	return ExitUsage
}

// summary says in one line what a preset sets.
func summary(p *preset.Preset) string {
	name := p.ProductName
	if name == "" {
		name = "(no product name)"
	}
	switch len(p.Targets) {
	case 0:
		return name + ": no target, so the app offers its built-in self-test."
	case 1:
		return name + ": 1 target, " + p.Targets[0].URL + "."
	}
	return fmt.Sprintf("%s: %d targets, %s first.", name, len(p.Targets), p.Targets[0].URL)
}

// installPreset checks the preset file src and writes it into dir as
// preset.FileName, whole or not at all (a temporary file renamed over the
// old one), so a bad file never replaces a good preset.
func installPreset(src, dir string) (string, error) {
	if _, err := preset.ReadFile(src); err != nil {
		return "", err
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	dst := filepath.Join(dir, preset.FileName)
	tmp, err := os.CreateTemp(dir, ".wsdoctor-preset-*.json")
	if err != nil {
		return "", fmt.Errorf("wsdoctor preset install: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return "", fmt.Errorf("wsdoctor preset install: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("wsdoctor preset install: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", fmt.Errorf("wsdoctor preset install: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", fmt.Errorf("wsdoctor preset install: %w", err)
	}
	return dst, nil
}
