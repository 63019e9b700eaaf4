package report

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// failingFile is a real temporary file whose writes fail once limit bytes
// are in, as on a full disk; or whose Sync fails.
type failingFile struct {
	*os.File
	limit    int
	written  int
	syncErr  error
	writeErr error
}

func (f *failingFile) Write(p []byte) (int, error) {
	if f.written+len(p) > f.limit {
		n := f.limit - f.written
		f.File.Write(p[:n])
		f.written += n
		return n, &fs.PathError{Op: "write", Path: f.Name(), Err: f.writeErr}
	}
	f.written += len(p)
	return f.File.Write(p)
}

// WriteString hides os.File's, which bufio would call directly.
func (f *failingFile) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

func (f *failingFile) Sync() error {
	if f.syncErr != nil {
		return f.syncErr
	}
	return f.File.Sync()
}

func big(w io.Writer) error {
	_, err := io.WriteString(w, strings.Repeat("new report line\n", 20000))
	return err
}

// leftovers lists the files in dir besides name.
func leftovers(t *testing.T, dir, name string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Name() != name {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestWriteFileAllOrNothing: whatever fails mid-write, the report already
// there is intact and no temporary file is left.
func TestWriteFileAllOrNothing(t *testing.T) {
	cases := []struct {
		name   string
		fsys   func(fileSystem) fileSystem
		render func(io.Writer) error
		why    string
		is     error
	}{
		{"disk full mid-write", func(f fileSystem) fileSystem {
			f.createTemp = func(dir, pattern string) (file, error) {
				tf, err := os.CreateTemp(dir, pattern)
				return &failingFile{File: tf, limit: 100 << 10, writeErr: syscall.ENOSPC}, err
			}
			return f
		}, big, "the disk is full", syscall.ENOSPC},
		{"disk full at sync", func(f fileSystem) fileSystem {
			f.createTemp = func(dir, pattern string) (file, error) {
				tf, err := os.CreateTemp(dir, pattern)
				return &failingFile{File: tf, limit: 1 << 30, syncErr: &fs.PathError{Op: "sync", Err: syscall.ENOSPC}}, err
			}
			return f
		}, big, "the disk is full", syscall.ENOSPC},
		{"renderer fails half-way", nil, func(w io.Writer) error {
			big(w)
			return errors.New("template broke")
		}, "writing failed", nil},
		{"rename refused", func(f fileSystem) fileSystem {
			f.rename = func(string, string) error { return &os.LinkError{Op: "rename", Err: syscall.EACCES} }
			return f
		}, big, "no permission to write there", fs.ErrPermission},
		{"no permission in the folder", func(f fileSystem) fileSystem {
			f.createTemp = func(dir, _ string) (file, error) {
				return nil, &fs.PathError{Op: "open", Path: dir, Err: syscall.EACCES}
			}
			return f
		}, big, "no permission to write there", fs.ErrPermission},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "r.html")
			if err := os.WriteFile(path, []byte("previous report"), 0o644); err != nil {
				t.Fatal(err)
			}
			fsys := osFS
			if c.fsys != nil {
				fsys = c.fsys(osFS)
			}
			err := fsys.writeFile(path, false, c.render)
			var we *WriteError
			if !errors.As(err, &we) || we.Why != c.why {
				t.Fatalf("err = %v, want a WriteError saying %q", err, c.why)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("err = %v, want it to wrap %v", err, c.is)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			if b, _ := os.ReadFile(path); string(b) != "previous report" {
				t.Errorf("the previous report was changed: %.40q", b)
			}
			if l := leftovers(t, dir, "r.html"); len(l) > 0 {
				t.Errorf("left behind: %v", l)
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.json")
	for _, content := range []string{"first", "second, longer than the first"} {
		if err := WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, content); return err }); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Errorf("content = %q, want %q", b, content)
		}
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm()&0o044 == 0 && os.PathSeparator == '/' {
		t.Errorf("mode %v: a report is readable by whoever the user hands it to", st.Mode())
	}
	if l := leftovers(t, dir, "r.json"); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

func TestWriteFileRefusesEarly(t *testing.T) {
	dir := t.TempDir()
	noop := func(io.Writer) error { return nil }
	cases := map[string]struct{ path, why string }{
		"missing folder": {filepath.Join(dir, "nope", "r.html"), "does not exist"},
		"a folder":       {dir, "it is a folder"},
		"parent is file": {filepath.Join(dir, "f", "r.html"), "is not a folder"},
	}
	os.WriteFile(filepath.Join(dir, "f"), nil, 0o644)
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			for _, err := range []error{CheckWritable(c.path), WriteFile(c.path, noop)} {
				var we *WriteError
				if !errors.As(err, &we) || !strings.Contains(we.Why, c.why) {
					t.Errorf("err = %v, want one saying %q", err, c.why)
				}
			}
		})
	}
	if l := leftovers(t, dir, "f"); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

// TestWriteFileReadOnlyFolder uses real permissions, which root ignores.
func TestWriteFileReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 || os.PathSeparator != '/' {
		t.Skip("needs a non-root Unix user")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	err := WriteFile(filepath.Join(dir, "r.txt"), big)
	var we *WriteError
	if !errors.As(err, &we) || we.Why != "no permission to write there" {
		t.Errorf("err = %v", err)
	}
}
