package cli

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
)

// TestPresetEmbed: `preset embed` writes a copy of the program that
// carries the preset, and refuses a bad preset or missing arguments.
func TestPresetEmbed(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "wsdoctor")
	if err := os.WriteFile(prog, []byte("\x7fELF a program"), 0o755); err != nil {
		t.Fatal(err)
	}
	f := writePreset(t, `{"product_name": "Acme Chat", "targets": [{"url": "wss://chat.acme.example/socket"}]}`)
	out := filepath.Join(dir, "acme-checker")
	stdout, stderr, code := runMain(t, "preset", "embed", "--preset", f, "--out", out, "--exe", prog)
	if code != ExitOK || !strings.Contains(stdout, "Acme Chat: 1 target") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	p, err := preset.ReadAdded(out)
	if err != nil || p == nil || p.ProductName != "Acme Chat" {
		t.Fatalf("ReadAdded = %+v, %v", p, err)
	}
	if st, err := os.Stat(out); err != nil || st.Mode()&0o100 == 0 {
		t.Errorf("the copy is not executable: %v %v", st, err)
	}
	bad := writePreset(t, `{"targets": "x"}`)
	for _, args := range [][]string{
		{"preset", "embed", "--preset", bad, "--out", out, "--exe", prog},
		{"preset", "embed", "--preset", f, "--exe", prog},
		{"preset", "embed", "--out", out},
	} {
		if _, stderr, code := runMain(t, args...); code != ExitUsage {
			t.Errorf("%q: exit %d, want %d\n%s", args, code, ExitUsage, stderr)
		}
	}
}

// TestVersionNamesThePreset: a branded checker's version line says whose
// it is.
func TestVersionNamesThePreset(t *testing.T) {
	f := writePreset(t, `{"product_name": "Acme Chat"}`)
	stdout, _, code := runMain(t, "--preset", f, "version")
	if code != ExitOK || !strings.Contains(stdout, "\nPreset: Acme Chat (--preset)\n") {
		t.Errorf("exit %d\n%s", code, stdout)
	}
}

// writePE writes a minimal PE32+ header with the given Subsystem (2 a
// window program, 3 a console one): enough for preset embed to read.
func writePE(t *testing.T, path string, subsystem uint16) {
	t.Helper()
	b := make([]byte, 64+24+240)
	b[0], b[1] = 'M', 'Z'
	binary.LittleEndian.PutUint32(b[60:], 64)
	copy(b[64:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(b[64+24:], 0x20b)
	binary.LittleEndian.PutUint16(b[64+24+68:], subsystem)
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestPresetEmbedMakesAWindowProgram: a branded checker is double-clicked,
// so preset embed refuses to copy a console program unless --console asks
// for one, and from the console companion it takes the window program
// beside it.
func TestPresetEmbedMakesAWindowProgram(t *testing.T) {
	dir := t.TempDir()
	gui, con := filepath.Join(dir, "wsdoctor.exe"), filepath.Join(dir, "wsdoctor-cli.exe")
	writePE(t, gui, 2)
	writePE(t, con, 3)
	f := writePreset(t, `{"product_name": "Acme Chat"}`)
	out := filepath.Join(dir, "acme-checker.exe")

	_, stderr, code := runMain(t, "preset", "embed", "--preset", f, "--out", out, "--exe", con)
	if code != ExitUsage || !strings.Contains(stderr, "console program") || !strings.Contains(stderr, "--exe wsdoctor.exe") {
		t.Errorf("a console program: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused copy was written")
	}
	for _, args := range [][]string{{"--exe", gui}, {"--exe", con, "--console"}} {
		stdout, stderr, code := runMain(t, append([]string{"preset", "embed", "--preset", f, "--out", out}, args...)...)
		if code != ExitOK {
			t.Fatalf("%q: exit %d\n%s%s", args, code, stdout, stderr)
		}
		isCon, err := preset.IsConsoleProgram(out)
		if err != nil || isCon != (args[1] == con) {
			t.Errorf("%q: the copy is a console program: %v (%v)", args, isCon, err)
		}
	}

	// Run as the console companion without --exe: the window program
	// beside it is copied; without one there, it is refused.
	if src, err := embedSource(con, false, false); err != nil || src != gui {
		t.Errorf("from the console companion: %q, %v; want %q", src, err, gui)
	}
	if err := os.Remove(gui); err != nil {
		t.Fatal(err)
	}
	if src, err := embedSource(con, false, false); err == nil {
		t.Errorf("from the console companion alone: %q, want an error", src)
	}
}
