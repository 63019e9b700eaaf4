//go:build unix

package report

import (
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// What is at the output path and is not a regular file is never replaced
// without force, and nothing is left behind in the folder.
func TestWriteRefusesSpecialFiles(t *testing.T) {
	render := func(w io.Writer) error { _, err := io.WriteString(w, "report"); return err }
	for _, tc := range []struct {
		name, kind string
		make       func(t *testing.T, path string)
	}{
		{"symlink", "symbolic link", func(t *testing.T, path string) {
			target := filepath.Join(t.TempDir(), "precious")
			os.WriteFile(target, []byte("keep"), 0o644)
			if err := os.Symlink(target, path); err != nil {
				t.Skip(err)
			}
		}},
		{"dangling symlink", "symbolic link", func(t *testing.T, path string) {
			if err := os.Symlink("/nonexistent/x", path); err != nil {
				t.Skip(err)
			}
		}},
		{"fifo", "named pipe", func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o644); err != nil {
				t.Skip(err)
			}
		}},
		{"socket", "socket", func(t *testing.T, path string) {
			ln, err := net.Listen("unix", path)
			if err != nil {
				t.Skip(err)
			}
			ln.(*net.UnixListener).SetUnlinkOnClose(false)
			t.Cleanup(func() { ln.Close() })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "report.txt")
			tc.make(t, path)
			before, _ := os.Lstat(path)
			err := WriteFile(path, render)
			var we *WriteError
			if !errors.As(err, &we) || !strings.Contains(err.Error(), tc.kind) || (tc.kind == "symbolic link") != strings.Contains(err.Error(), "--force") {
				t.Fatalf("WriteFile over a %s: %v", tc.kind, err)
			}
			if err := CheckOutput(path, false); err == nil {
				t.Error("CheckOutput accepted it")
			}
			after, _ := os.Lstat(path)
			if after.Mode() != before.Mode() {
				t.Errorf("mode changed: %v -> %v", before.Mode(), after.Mode())
			}
			onlyFile(t, dir, "report.txt")
			if tc.kind != "symbolic link" {
				// A named pipe (a device, a socket) is never replaced.
				if err := CheckOutput(path, true); err == nil || strings.Contains(err.Error(), "--force") {
					t.Errorf("CheckOutput with force over a %s: %v", tc.kind, err)
				}
				if err := WriteFileForce(path, render); err == nil {
					t.Errorf("WriteFileForce replaced a %s", tc.kind)
				}
				if after, _ := os.Lstat(path); after.Mode() != before.Mode() {
					t.Errorf("mode changed with force: %v -> %v", before.Mode(), after.Mode())
				}
				return
			}
			// With force a link is replaced by a regular file.
			if err := CheckOutput(path, true); err != nil {
				t.Fatal(err)
			}
			if err := WriteFileForce(path, render); err != nil {
				t.Fatal(err)
			}
			st, _ := os.Lstat(path)
			if !st.Mode().IsRegular() {
				t.Errorf("after force: %v", st.Mode())
			}
			onlyFile(t, dir, "report.txt")
		})
	}
	// A device is refused too (as root, renaming over /dev/null would
	// replace the device node).
	for _, force := range []bool{false, true} {
		if err := CheckOutput("/dev/null", force); err == nil || !strings.Contains(err.Error(), "device") {
			t.Errorf("/dev/null, force %v: %v", force, err)
		}
		if force {
			if err := WriteFileForce("/dev/null", render); err == nil {
				t.Error("WriteFileForce replaced /dev/null")
			}
		}
	}
	if st, err := os.Lstat("/dev/null"); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", st, err)
	}
}

// A folder that takes no new file is found before the check, not after.
func TestCheckOutputUnwritableFolder(t *testing.T) {
	dir := t.TempDir()
	fsys := osFS
	fsys.createTemp = func(string, string) (file, error) {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: fs.ErrPermission}
	}
	err := fsys.checkWritable(filepath.Join(dir, "r.txt"), false)
	if err == nil || !strings.Contains(err.Error(), "no permission") {
		t.Errorf("unwritable folder: %v", err)
	}
	if os.Geteuid() != 0 {
		os.Chmod(dir, 0o555)
		defer os.Chmod(dir, 0o755)
		if err := CheckOutput(filepath.Join(dir, "r.txt"), false); err == nil {
			t.Error("read-only folder accepted")
		}
	}
}

// onlyFile fails unless dir holds name alone: no temporary file left.
func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if e.Name() != name {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
