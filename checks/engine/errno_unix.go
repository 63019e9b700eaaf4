//go:build !windows

package engine

import (
	"errors"
	"syscall"
)

var (
	errRefused     = []syscall.Errno{syscall.ECONNREFUSED}
	errReset       = []syscall.Errno{syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE}
	errUnreachable = []syscall.Errno{syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EHOSTDOWN, syscall.ENETDOWN, syscall.EADDRNOTAVAIL}
	errTimedOut    = []syscall.Errno{syscall.ETIMEDOUT}
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
