// Package bounded reads files that a user names with a size bound, so that
// /dev/zero or a wrong multi-gigabyte file ends in a clear error instead of
// filling memory.
package bounded

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"
)

// Sizes of the files the tool reads.
const (
	// MaxCertFile bounds a PEM file of certificates or a key (--ca,
	// --cert, --key): a long chain is tens of KiB.
	MaxCertFile = 1 << 20
	// MaxReport bounds a saved JSON report: a big one is a few hundred KiB.
	MaxReport = 16 << 20
)

// ErrTooLarge is a file larger than its bound.
var ErrTooLarge = errors.New("file too large")

// ReadFile reads path through an io.LimitReader of max+1 bytes; a larger
// file is an error wrapping ErrTooLarge that names it and the bound.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() <= max {
		// Read into one buffer of the file's size: growing by doubling
		// would hold up to three times the file at once.
		buf.Grow(int(fi.Size()) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(f, max+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	b := buf.Bytes()
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %s, which no such file is: %w", path, size(max), ErrTooLarge)
	}
	return b, nil
}

// LoadKeyPair is tls.LoadX509KeyPair with each file bounded by
// MaxCertFile: a client certificate (--cert, --key) or the reference
// server's (serve --tls-cert, --tls-key).
func LoadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := ReadFile(certFile, MaxCertFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	key, err := ReadFile(keyFile, MaxCertFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.X509KeyPair(cert, key)
}

// size writes n bytes in KiB or MiB.
func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
