package cli

import (
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
