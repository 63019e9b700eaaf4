package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// opErr wraps an errno the way the net package does for a failed dial.
func opErr(op string, errno error) error {
	return &net.OpError{Op: op, Net: "tcp", Err: os.NewSyscallError("connect", errno)}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, CodeOK},
		{"cancelled", context.Canceled, CodeCancelled},
		{"cancelled wrapped", fmt.Errorf("connect: %w", context.Canceled), CodeCancelled},
		{"context deadline", context.DeadlineExceeded, CodeTimeout},
		{"socket deadline", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, CodeTimeout},
		{"refused", opErr("dial", errRefused[0]), CodeRefused},
		{"refused wrapped", fmt.Errorf("connect 127.0.0.1:1: %w", opErr("dial", errRefused[0])), CodeRefused},
		{"refused joined", errors.Join(errors.New("other"), opErr("dial", errRefused[0])), CodeRefused},
		{"reset", opErr("read", errReset[0]), CodeReset},
		{"unreachable", opErr("dial", errUnreachable[0]), CodeUnreachable},
		{"nxdomain", &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, CodeNXDomain},
		{"dns timeout", &net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}, CodeTimeout},
		{"dns other", &net.DNSError{Err: "server misbehaving", Name: "x"}, CodeDNSError},
		{"tls message wrapped by url.Error", &url.Error{Op: "Get", URL: "https://x/", Err: fmt.Errorf("handshake: %w", errors.New("tls: first record does not look like a TLS handshake"))}, CodeTLSError},
		{"timed out errno", opErr("dial", errTimedOut[0]), CodeTimeout},
		{"unknown authority", x509.UnknownAuthorityError{}, CodeCertInvalid},
		{"hostname", x509.HostnameError{Host: "x"}, CodeCertInvalid},
		{"expired", x509.CertificateInvalidError{Reason: x509.Expired}, CodeCertInvalid},
		{"verification", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, CodeCertInvalid},
		{"alert", tls.AlertError(40), CodeTLSError},
		{"record header", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, CodeTLSError},
		{"tls prefix", errors.New("tls: handshake failure"), CodeTLSError},
		{"eof", io.EOF, CodeEOF},
		{"unexpected eof", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), CodeEOF},
		{"closed", net.ErrClosed, CodeEOF},
		{"other", errors.New("boom"), CodeError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.err); got != tt.want {
				t.Errorf("Classify(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

// TestClassifySockets classifies errors from real loopback sockets, as the
// OS reports them.
func TestClassifySockets(t *testing.T) {
	tests := []struct {
		name string
		err  func(t *testing.T) error
		want string
	}{
		{"refused", func(t *testing.T) error {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
				t.Skipf("something listens on %s", addr)
			}
			return err
		}, CodeRefused},
		{"reset", func(t *testing.T) error {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			var wg sync.WaitGroup
			defer wg.Wait()
			wg.Go(func() {
				s, err := ln.Accept()
				if err != nil {
					return
				}
				// Reset only once the client has spoken, so the RST
				// cannot race the dial itself.
				s.SetReadDeadline(time.Now().Add(5 * time.Second))
				s.Read(make([]byte, 1))
				s.(*net.TCPConn).SetLinger(0) // close with RST
				s.Close()
			})
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write([]byte{1}); err != nil {
				t.Fatal(err)
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = c.Read(make([]byte, 1))
			return err
		}, CodeReset},
		{"read deadline", func(t *testing.T) error {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetReadDeadline(time.Now())
			_, err = c.Read(make([]byte, 1))
			return err
		}, CodeTimeout},
		{"peer closed", func(t *testing.T) error {
			a, b := net.Pipe()
			b.Close()
			_, err := a.Read(make([]byte, 1))
			a.Close()
			return err
		}, CodeEOF},
		{"dial cancelled", func(t *testing.T) error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var d net.Dialer
			_, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(1)))
			return err
		}, CodeCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err(t)
			if got := Classify(err); got != tt.want {
				t.Errorf("Classify(%v) = %q, want %q", err, got, tt.want)
			}
		})
	}
}
