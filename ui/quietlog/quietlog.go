// Package quietlog keeps Fyne from printing harmless locale errors when the
// locale is "C", "POSIX" or unset (terminals, CI, ssh sessions): Fyne logs
// "Error parsing user locale C" from its package initialisation, before main
// can do anything.
//
// Go initialises packages in import-path order where dependencies allow, so
// this package, imported by main and by ui, runs its init before Fyne's lang
// package only because the module path sorts before "fyne.io". Keep it that
// way: TestQuietBeforeFyne in package main fails if the order changes.
package quietlog

import (
	"bytes"
	"io"
	"log"
	"os"
	"sync"
)

func init() {
	log.SetOutput(&filter{w: os.Stderr})
}

// filter drops Fyne's locale complaints (a "Fyne error:" line naming the
// locale and its "Cause:" and "At:" lines) and passes everything else on.
type filter struct {
	w io.Writer

	mu       sync.Mutex
	dropping bool
}

var (
	localeComplaints = [][]byte{[]byte("user locale"), []byte("user locales")}
	followUps        = [][]byte{[]byte("  Cause:"), []byte("  At:")}
)

// Write gets one log line per call, as package log writes them.
func (f *filter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if bytes.Contains(p, []byte("Fyne error:")) {
		f.dropping = false
		for _, c := range localeComplaints {
			if bytes.Contains(p, c) {
				f.dropping = true
			}
		}
	} else if f.dropping {
		follow := false
		for _, c := range followUps {
			if bytes.Contains(p, c) {
				follow = true
			}
		}
		f.dropping = follow
	}
	if f.dropping {
		return len(p), nil
	}
	return f.w.Write(p)
}
