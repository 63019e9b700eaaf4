package preset

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// A support team brands a downloaded checker without a toolchain with
// `wsdoctor preset embed`: the preset is added at the end of a copy of the
// program, where Windows, Linux and macOS loaders do not look, and the
// program reads it back at start (see Load). The end of such a program is:
//
//	preset JSON, padded with spaces to a multiple of 8 bytes
//	its length, 8 bytes little-endian
//	addedMagic (16 bytes)
//
// and, on Windows, then an Authenticode signature if the copy was signed
// again: a signature sits at the very end of the file, after everything it
// covers, so the preset is looked for just before it. The whole addition is
// a multiple of 8 bytes, as a signature's place must be.
const addedMagic = "WSDOCTOR-PRESET1"

// addedTrailer is the length and the magic after the JSON.
const addedTrailer = 8 + len(addedMagic)

// peSecurityDir is the index of the certificate table (the Authenticode
// signature) among a PE file's data directories.
const peSecurityDir = 4

// ReadAdded reads the preset added to the program at path by Embed. It
// returns nil, nil when none was added. An added preset that does not
// parse is an error, as a wrong file beside the program is.
func ReadAdded(path string) (*Preset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("preset added to %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("preset added to %s: %w", path, err)
	}
	end, _, err := contentEnd(f, st.Size())
	if err != nil {
		// A PE file laid out otherwise than Embed leaves it (data after
		// its signature, say) carries no preset of ours: start as usual.
		return nil, nil
	}
	js, _, err := addedAt(f, end)
	if err != nil || js == nil {
		if err != nil {
			err = fmt.Errorf("preset added to %s: %w", path, err)
		}
		return nil, err
	}
	p, err := Parse(js)
	if err != nil {
		return nil, &FileError{Path: path + " (added preset)", Err: err}
	}
	return p, nil
}

// Embed writes to out a copy of the program at exe with the preset JSON js
// added, replacing a preset added before. js must be a valid preset. A
// Windows program's signature is removed (it would no longer match);
// signed reports whether there was one, so the caller can say the copy
// must be signed again.
func Embed(exe string, js []byte, out string) (signed bool, err error) {
	if _, err := Parse(js); err != nil {
		return false, err
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		return false, fmt.Errorf("preset embed: %w", err)
	}
	r := bytes.NewReader(b)
	end, sigDir, err := contentEnd(r, int64(len(b)))
	if err != nil {
		return false, fmt.Errorf("preset embed: %s: %w", exe, err)
	}
	if sigDir >= 0 {
		signed = true
		// No signature any more: clear its directory entry too.
		binary.LittleEndian.PutUint64(b[sigDir:], 0)
	}
	if old, start, err := addedAt(r, end); err != nil {
		return false, fmt.Errorf("preset embed: %s: %w", exe, err)
	} else if old != nil {
		end = start
	}
	var buf bytes.Buffer
	buf.Write(b[:end])
	pad := (8 - len(js)%8) % 8
	buf.Write(js)
	buf.Write(bytes.Repeat([]byte{' '}, pad))
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(js)+pad))
	buf.Write(n[:])
	buf.WriteString(addedMagic)
	if err := writeFileAtomic(out, buf.Bytes()); err != nil {
		return signed, fmt.Errorf("preset embed: %w", err)
	}
	return signed, nil
}

// contentEnd is where a program's own bytes (and an added preset) end: the
// file's end, or, for a signed PE file, where its certificate table
// starts, less the zero bytes a signing tool pads with. sigDir is the
// offset of the certificate table's directory entry, or -1 when unsigned.
func contentEnd(r io.ReaderAt, size int64) (end int64, sigDir int64, err error) {
	end, sigDir = size, -1
	var mz [64]byte
	if _, err := r.ReadAt(mz[:], 0); err != nil || mz[0] != 'M' || mz[1] != 'Z' {
		return end, sigDir, nil // not a PE file (ELF, Mach-O): the file's end
	}
	pe := int64(binary.LittleEndian.Uint32(mz[60:]))
	var hdr [24 + 2]byte
	if _, err := r.ReadAt(hdr[:], pe); err != nil || string(hdr[:4]) != "PE\x00\x00" {
		return end, sigDir, errors.New("a file starting with MZ but no PE header")
	}
	opt := pe + 24
	dirs := opt + 96 // PE32
	if binary.LittleEndian.Uint16(hdr[24:]) == 0x20b {
		dirs = opt + 112 // PE32+
	}
	entry := dirs + peSecurityDir*8
	var d [8]byte
	if _, err := r.ReadAt(d[:], entry); err != nil {
		return end, sigDir, fmt.Errorf("PE data directories: %w", err)
	}
	off, n := int64(binary.LittleEndian.Uint32(d[:])), int64(binary.LittleEndian.Uint32(d[4:]))
	if n == 0 {
		return end, sigDir, nil
	}
	if off <= 0 || off+n != size {
		return end, sigDir, errors.New("a signature that is not at the end of the file")
	}
	end, sigDir = off, entry
	var tail [7]byte
	if end >= int64(len(tail)) {
		if _, err := r.ReadAt(tail[:], end-int64(len(tail))); err == nil {
			for i := len(tail) - 1; i >= 0 && tail[i] == 0; i-- {
				end--
			}
		}
	}
	return end, sigDir, nil
}

// addedAt reads a preset added before end: its JSON and where the
// addition starts, or nil when there is none.
func addedAt(r io.ReaderAt, end int64) (js []byte, start int64, err error) {
	if end < int64(addedTrailer) {
		return nil, 0, nil
	}
	var t [addedTrailer]byte
	if _, err := r.ReadAt(t[:], end-int64(addedTrailer)); err != nil {
		return nil, 0, fmt.Errorf("read: %w", err)
	}
	if string(t[8:]) != addedMagic {
		return nil, 0, nil
	}
	n := binary.LittleEndian.Uint64(t[:8])
	if n > MaxFileSize+8 || int64(n) > end-int64(addedTrailer) {
		return nil, 0, fmt.Errorf("an added preset of %d bytes, more than the file or the limit", n)
	}
	start = end - int64(addedTrailer) - int64(n)
	js = make([]byte, n)
	if _, err := r.ReadAt(js, start); err != nil {
		return nil, 0, fmt.Errorf("read: %w", err)
	}
	return bytes.TrimRight(js, " "), start, nil
}

// writeFileAtomic writes b to path through a temporary file beside it, as
// an executable.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// PE subsystems (the optional header's Subsystem field): what Windows
// does when the program is double-clicked.
const (
	subsystemGUI     = 2 // a window program: no console opens
	subsystemConsole = 3 // a console program: a console window opens
)

// IsConsoleProgram reports whether the program at path is a Windows
// console program (wsdoctor-cli.exe), which opens a console window when
// double-clicked. Programs of other systems (ELF, Mach-O) and Windows
// window programs are not.
func IsConsoleProgram(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var mz [64]byte
	if _, err := f.ReadAt(mz[:], 0); err != nil || mz[0] != 'M' || mz[1] != 'Z' {
		return false, nil // not a PE file
	}
	pe := int64(binary.LittleEndian.Uint32(mz[60:]))
	var hdr [24 + 70]byte
	if _, err := f.ReadAt(hdr[:], pe); err != nil || string(hdr[:4]) != "PE\x00\x00" {
		return false, fmt.Errorf("%s: a file starting with MZ but no PE header", path)
	}
	// Subsystem is at offset 68 of the optional header, for PE32 and
	// PE32+ alike (packaging/windows/console-exe.sh sets it).
	return binary.LittleEndian.Uint16(hdr[24+68:]) == subsystemConsole, nil
}
