package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// The codes Classify gives network errors; the diagnosis matches on them.
const (
	CodeOK          = "ok"
	CodeRefused     = "refused"
	CodeTimeout     = "timeout"
	CodeReset       = "reset"
	CodeUnreachable = "unreachable"
	CodeEOF         = "closed"
	CodeNXDomain    = "nxdomain"
	CodeDNSError    = "dns_error"
	CodeCertInvalid = "cert_invalid"
	CodeTLSError    = "tls_error"
	CodeCancelled   = "cancelled"
	// The proxy codes: see netenv.ProxyError.
	CodeProxyUnreachable    = netenv.CodeProxyUnreachable
	CodeProxyAuthRequired   = netenv.CodeProxyAuthRequired
	CodeProxyRefusedConnect = netenv.CodeProxyRefusedConnect
	CodeProxyError          = netenv.CodeProxyError
	CodeError               = "error"
)

// Classify names the kind of a network error in one stable word, telling
// apart refused, timed out, unreachable and reset connections.
func Classify(err error) string {
	if err == nil {
		return CodeOK
	}
	if errors.Is(err, context.Canceled) {
		return CodeCancelled
	}
	var pe *netenv.ProxyError
	if errors.As(err, &pe) {
		return pe.Code
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		switch {
		case dnsErr.IsNotFound:
			return CodeNXDomain
		case dnsErr.IsTimeout:
			return CodeTimeout
		}
		return CodeDNSError
	}
	switch {
	case isErrno(err, errRefused):
		return CodeRefused
	case isErrno(err, errReset):
		return CodeReset
	case isErrno(err, errUnreachable):
		return CodeUnreachable
	case isErrno(err, errTimedOut):
		return CodeTimeout
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return CodeTimeout
	}
	var (
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalid     x509.CertificateInvalidError
		verifyErr   *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &invalid) || errors.As(err, &verifyErr) {
		return CodeCertInvalid
	}
	var alert tls.AlertError
	var recHdr tls.RecordHeaderError
	if errors.As(err, &alert) || errors.As(err, &recHdr) || hasTLSMessage(err) {
		return CodeTLSError
	}
	if code := classifyHostile(err); code != "" {
		return code
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return CodeEOF
	}
	return CodeError
}

// hasTLSMessage reports whether err or an error it wraps is one of
// crypto/tls's own (they are plain errors whose text starts with "tls: "),
// however net/http or url.Error wrapped it.
func hasTLSMessage(err error) bool {
	for err != nil {
		if strings.HasPrefix(err.Error(), "tls: ") {
			return true
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				if hasTLSMessage(e) {
					return true
				}
			}
			return false
		}
		err = errors.Unwrap(err)
	}
	return false
}

// isErrno reports whether err wraps one of the errnos in set (the
// system's own numbers: errno_unix.go, errno_windows.go).
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
