package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// TestCLIBuild: `make build-cli`'s build (the tag nodesktop, no cgo) is a
// static program without Fyne that runs the headless commands as the
// window's binary does: version, help on no command, and a check of a
// real echo server on loopback. Its packages do almost nothing at start-up
// (checkLazyInit).
func TestCLIBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wsdoctor-cli")
	}
	list := exec.Command("go", "list", "-deps", "-tags", "nodesktop", ".")
	list.Env = append(os.Environ(), "CGO_ENABLED=0")
	deps, err := list.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Fields(string(deps)) {
		if strings.HasPrefix(p, "fyne.io/") || strings.HasSuffix(p, "/ui") || p == "runtime/cgo" {
			t.Errorf("wsdoctor-cli depends on %s", p)
		}
	}
	bin := filepath.Join(t.TempDir(), "wsdoctor-cli")
	build := exec.Command("go", "build", "-tags", "nodesktop", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("wsdoctor-cli is dynamically linked (%v)", p.Type)
		}
	}
	f.Close()

	run := func(args ...string) (string, int) {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	if out, code := run("version"); code != 0 || !strings.HasPrefix(out, "wsdoctor ") {
		t.Errorf("version: exit %d\n%s", code, out)
	}
	checkLazyInit(t, bin)
	if out, code := run(); code != 2 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "wsdoctor-cli check [URL]") {
		t.Errorf("no command: exit %d, want 2 and the usage\n%s", code, out)
	}
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if out, code := run("check", srv.URL, "--quiet", "--timeout", "5s"); code != 0 {
		t.Errorf("check %s: exit %d\n%s", srv.URL, code, out)
	}
}
