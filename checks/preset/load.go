package preset

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// FileName is the preset a support team puts beside the executable (the
// portable .exe, or the .app on a Mac) to override the built-in one.
const FileName = "wsdoctor-preset.json"

// Source says where the preset in force came from.
type Source string

// The places a preset comes from, strongest first.
const (
	FromFlag   Source = "--preset"
	FromBeside Source = "beside the program"
	// FromAdded is a preset added to a copy of the program by
	// `wsdoctor preset embed` (see Embed).
	FromAdded    Source = "added to the program"
	FromEmbedded Source = "built in"
)

// Loaded is the preset in force and where it came from.
type Loaded struct {
	*Preset
	Source Source
	// Path is the file it was read from; empty when built in.
	Path string
}

// Load finds the preset in force: the file named by --preset (flagPath) if
// given, else FileName beside the executable at exePath, else one added to
// the executable by Embed, else the embedded one. A file that is there but wrong is an error, never skipped: a support
// team must learn that their preset is not used. exePath may be empty when
// the executable is unknown.
func Load(flagPath, exePath string, embedded []byte) (Loaded, error) {
	if flagPath != "" {
		p, err := ReadFile(flagPath)
		return Loaded{Preset: p, Source: FromFlag, Path: flagPath}, err
	}
	for _, path := range BesidePaths(exePath) {
		p, err := ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		return Loaded{Preset: p, Source: FromBeside, Path: path}, err
	}
	if exePath != "" {
		p, err := ReadAdded(exePath)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return Loaded{Source: FromAdded, Path: exePath}, err
		}
		if p != nil {
			return Loaded{Preset: p, Source: FromAdded, Path: exePath}, nil
		}
	}
	p, err := Parse(embedded)
	if err != nil {
		return Loaded{Source: FromEmbedded}, fmt.Errorf("built-in preset: %w", err)
	}
	return Loaded{Preset: p, Source: FromEmbedded}, nil
}

// ReadFile reads and validates the preset file at path. Problems are
// prefixed with the path.
func ReadFile(path string) (*Preset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("preset: %w", err)
	}
	defer f.Close()
	// One byte more than allowed, so Parse sees a file that is too big.
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("preset %s: read: %w", path, err)
	}
	p, err := Parse(b)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	return p, nil
}

// FileError is a preset file with problems: each line of Error names the
// file and one field.
type FileError struct {
	Path string
	Err  error
}

// Error implements error, one problem a line.
func (e *FileError) Error() string {
	lines := strings.Split(e.Err.Error(), "\n")
	for i, l := range lines {
		lines[i] = "preset " + e.Path + ": " + l
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives the joined *FieldError problems.
func (e *FileError) Unwrap() error { return e.Err }

// BesidePaths are where FileName is looked for beside the executable at
// exePath: its folder and, for a macOS app bundle
// (X.app/Contents/MacOS/x), the folder holding X.app, where a person would
// put it.
func BesidePaths(exePath string) []string {
	if exePath == "" {
		return nil
	}
	dir := filepath.Dir(exePath)
	paths := []string{filepath.Join(dir, FileName)}
	if filepath.Base(dir) == "MacOS" && filepath.Base(filepath.Dir(dir)) == "Contents" {
		bundle := filepath.Dir(filepath.Dir(dir))
		if strings.HasSuffix(bundle, ".app") {
			paths = append(paths, filepath.Join(filepath.Dir(bundle), FileName))
		}
	}
	return paths
}

// FirstURL is the address checked by default: the first target's, or ""
// for the built-in self-test.
func (p *Preset) FirstURL() string {
	if p == nil || len(p.Targets) == 0 {
		return ""
	}
	return p.Targets[0].URL
}

// Header is the preset's extra request headers.
func (p *Preset) Header() http.Header {
	h := http.Header{}
	if p == nil {
		return h
	}
	for k, v := range p.Headers {
		h.Set(k, v)
	}
	return h
}
