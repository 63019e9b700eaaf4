//go:build windows

package checks

import (
	"errors"
	"syscall"
)

// Winsock reports socket errors with its own numbers (WSAE*), not POSIX ones.
const (
	wsaeConnAborted = 10053
	wsaeConnReset   = 10054
	wsaeConnRefused = 10061
	wsaeHostDown    = 10064
	wsaeHostUnreach = 10065
	wsaeNetDown     = 10050
	wsaeNetUnreach  = 10051
)

var (
	errRefused     = []syscall.Errno{wsaeConnRefused, syscall.ECONNREFUSED}
	errReset       = []syscall.Errno{wsaeConnReset, wsaeConnAborted, syscall.ECONNRESET}
	errUnreachable = []syscall.Errno{wsaeHostUnreach, wsaeNetUnreach, wsaeHostDown, wsaeNetDown}
)

func isErrno(err error, set []syscall.Errno) bool {
	var e syscall.Errno
	if !errors.As(err, &e) {
		return false
	}
	for _, s := range set {
		if e == s {
			return true
		}
	}
	return false
}
