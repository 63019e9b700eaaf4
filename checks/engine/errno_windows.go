//go:build windows

package engine

import "syscall"

// Winsock reports socket errors with its own numbers (WSAE*), not POSIX ones.
const (
	wsaeAddrNotAvail = 10049
	wsaeConnAborted  = 10053
	wsaeConnReset    = 10054
	wsaeTimedOut     = 10060
	wsaeConnRefused  = 10061
	wsaeHostDown     = 10064
	wsaeHostUnreach  = 10065
	wsaeNetDown      = 10050
	wsaeNetUnreach   = 10051
)

var (
	errRefused     = []syscall.Errno{wsaeConnRefused, syscall.ECONNREFUSED}
	errReset       = []syscall.Errno{wsaeConnReset, wsaeConnAborted, syscall.ECONNRESET}
	errUnreachable = []syscall.Errno{wsaeHostUnreach, wsaeNetUnreach, wsaeHostDown, wsaeNetDown, wsaeAddrNotAvail}
	// Windows gives up on a connect by itself after about 21 s with this.
	errTimedOut = []syscall.Errno{wsaeTimedOut}
)
