//go:build !windows

package engine

import "syscall"

var (
	errRefused     = []syscall.Errno{syscall.ECONNREFUSED}
	errReset       = []syscall.Errno{syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE}
	errUnreachable = []syscall.Errno{syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EHOSTDOWN, syscall.ENETDOWN, syscall.EADDRNOTAVAIL}
	errTimedOut    = []syscall.Errno{syscall.ETIMEDOUT}
)
