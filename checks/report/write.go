package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// file is what WriteFile needs of an open temporary file.
type file interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
	Chmod(fs.FileMode) error
}

// fileSystem is the edge WriteFile writes through; tests replace it to fail
// part-way (a full disk) without filling a real one.
type fileSystem struct {
	createTemp func(dir, pattern string) (file, error)
	rename     func(from, to string) error
	remove     func(name string) error
	stat       func(name string) (fs.FileInfo, error)
	lstat      func(name string) (fs.FileInfo, error)
}

var osFS = fileSystem{
	createTemp: func(dir, pattern string) (file, error) { return os.CreateTemp(dir, pattern) },
	rename:     os.Rename,
	remove:     os.Remove,
	stat:       os.Stat,
	lstat:      os.Lstat,
}

// reportMode is the mode of a new report file: the user's to send on.
const reportMode fs.FileMode = 0o644

// WriteError is a report that could not be written, with a sentence a user
// can act on.
type WriteError struct {
	Path string
	// Why is a plain-language reason: "the folder does not exist", ...
	Why string
	Err error
}

// Error implements error.
func (e *WriteError) Error() string {
	return fmt.Sprintf("cannot write the report to %s: %s (%v)", e.Path, e.Why, e.Err)
}

// Unwrap returns the underlying error.
func (e *WriteError) Unwrap() error { return e.Err }

// CheckWritable says early, before a long check runs, whether path can take
// a report: its folder exists and takes new files, and path is nothing or a
// regular file (see CheckOutput).
func CheckWritable(path string) error { return osFS.checkWritable(path, false) }

// CheckOutput is CheckWritable; force allows replacing a symbolic link,
// which is refused otherwise: a report is written beside path and renamed
// over it, so it would replace the link itself, never write through it. A
// named pipe, a device or a socket is refused even with force.
func CheckOutput(path string, force bool) error { return osFS.checkWritable(path, force) }

func (fsys fileSystem) checkWritable(path string, force bool) error {
	dir := filepath.Dir(path)
	st, err := fsys.stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &WriteError{path, "the folder " + dir + " does not exist", err}
	case err != nil:
		return &WriteError{path, "the folder " + dir + " cannot be read", err}
	case !st.IsDir():
		return &WriteError{path, dir + " is not a folder", fs.ErrInvalid}
	}
	lstat := fsys.lstat
	if lstat == nil {
		lstat = fsys.stat
	}
	if st, err := lstat(path); err == nil {
		switch {
		case st.IsDir():
			return &WriteError{path, "it is a folder; give a file name such as report.html", fs.ErrExist}
		case !st.Mode().IsRegular() && st.Mode()&fs.ModeSymlink == 0:
			// A device node, a named pipe or a socket is never replaced,
			// --force or not: as root, /dev/null would become a file.
			return &WriteError{path, "it is " + kindOf(st.Mode()) + ", not a regular file; give another name", fs.ErrExist}
		case !st.Mode().IsRegular() && !force:
			return &WriteError{path, "it is " + kindOf(st.Mode()) + ", not a regular file; give another name, or add --force to replace it", fs.ErrExist}
		}
	}
	// The folder must take a new file: a read-only folder or disk is
	// found now, not after the check.
	f, err := fsys.createTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return writeError(path, err)
	}
	name := f.Name()
	f.Close()
	fsys.remove(name)
	return nil
}

// kindOf names a file that is not a regular one.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// WriteFile writes what render produces to path, all or nothing: into a
// temporary file in the same folder, flushed to disk, then renamed over
// path. Whatever fails, a file already at path is left as it was and no
// temporary file is left behind.
//
// Only a regular file is replaced: a symbolic link, a named pipe or a device
// at path is an error (WriteFileForce replaces a symbolic link, never the
// others).
func WriteFile(path string, render func(io.Writer) error) error {
	return osFS.writeFile(path, false, render)
}

// WriteFileForce is WriteFile that also replaces a symbolic link (never a
// device node, a named pipe or a socket).
func WriteFileForce(path string, render func(io.Writer) error) error {
	return osFS.writeFile(path, true, render)
}

func (fsys fileSystem) writeFile(path string, force bool, render func(io.Writer) error) (err error) {
	if err := fsys.checkWritable(path, force); err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := fsys.createTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return writeError(path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			fsys.remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := render(bw); err != nil {
		return writeError(path, err)
	}
	if err := bw.Flush(); err != nil {
		return writeError(path, err)
	}
	// A report may be opened by another user account (support on a shared
	// machine); CreateTemp made it private.
	mode := reportMode
	if st, err := fsys.stat(path); err == nil && st.Mode().IsRegular() {
		mode = st.Mode().Perm()
	}
	if err := f.Chmod(mode); err != nil && runtime.GOOS != "windows" {
		return writeError(path, err)
	}
	if err := f.Sync(); err != nil {
		return writeError(path, err)
	}
	if err := f.Close(); err != nil {
		return writeError(path, err)
	}
	if err := fsys.rename(tmp, path); err != nil {
		return writeError(path, err)
	}
	return nil
}

// writeError explains err in words.
func writeError(path string, err error) error {
	why := "writing failed"
	switch {
	case isDiskFull(err):
		why = "the disk is full"
	case errors.Is(err, fs.ErrPermission):
		why = "no permission to write there"
	case errors.Is(err, fs.ErrNotExist):
		why = "the folder does not exist"
	case errors.Is(err, syscall.EROFS):
		why = "the disk is read-only"
	}
	return &WriteError{path, why, err}
}

// isDiskFull reports whether err says the disk has no room left.
func isDiskFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	var errno syscall.Errno
	// ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL.
	return runtime.GOOS == "windows" && errors.As(err, &errno) && (errno == 39 || errno == 112)
}
