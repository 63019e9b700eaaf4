package engine

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// sniffTimeout bounds the extra connection that asks a port which protocol
// it speaks, after a handshake failed without an answer.
const sniffTimeout = 2 * time.Second

// Codes of a scheme that does not match the port.
const (
	// CodeTLSPort: a ws:// address whose port speaks TLS: it wants wss://.
	CodeTLSPort = "tls_port"
	// CodePlainPort: a wss:// address whose port answers plain HTTP: it
	// wants ws://.
	CodePlainPort = "plain_port"
	// CodeNotHTTP: the answer to the upgrade was bytes that are not HTTP
	// (NUL bytes, garbage).
	CodeNotHTTP = "not_http"
)

// sniffConn opens a connection to the target for a sniff, bounded by
// sniffTimeout within ctx (sctx): a sniff never makes a probe outlast its
// own bound. c is nil when ctx has ended or the dial failed; done closes c
// and ends the bound.
func (r *ProbeRun) sniffConn(ctx context.Context) (sctx context.Context, c net.Conn, done func()) {
	if ctx.Err() != nil {
		return nil, nil, func() {}
	}
	sctx, cancel := context.WithTimeout(ctx, sniffTimeout)
	c, err := r.DialTarget(sctx)
	if err != nil {
		cancel()
		return nil, nil, func() {}
	}
	return sctx, c, func() {
		c.Close()
		cancel()
	}
}

// speaksTLS reports whether the target's port completes a TLS handshake, or
// answers one with a TLS alert (certificates are not the question here).
func (r *ProbeRun) speaksTLS(ctx context.Context) bool {
	sctx, c, done := r.sniffConn(ctx)
	defer done()
	if c == nil {
		return false
	}
	cfg := r.TLS.Config(r.Target.Host, "http/1.1")
	cfg.InsecureSkipVerify = true
	cfg.MinVersion = tls.VersionTLS10
	err := tls.Client(c, cfg).HandshakeContext(sctx)
	var alert tls.AlertError
	return err == nil || errors.As(err, &alert)
}

// speaksHTTP reports whether the target's port answers a plain HTTP
// request with an HTTP status line.
func (r *ProbeRun) speaksHTTP(ctx context.Context) bool {
	sctx, c, done := r.sniffConn(ctx)
	defer done()
	if c == nil {
		return false
	}
	stop := context.AfterFunc(sctx, func() { c.Close() })
	defer stop()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: "+r.Target.authority()+"\r\nConnection: close\r\n\r\n"); err != nil {
		return false
	}
	b := make([]byte, 5)
	_, err := io.ReadFull(c, b)
	return err == nil && string(b) == "HTTP/"
}

// plainRecord reports whether a failed TLS handshake read plain text where
// a TLS record belongs ("HTTP/1.1 400 ...").
func plainRecord(err error) bool {
	var rh tls.RecordHeaderError
	if !errors.As(err, &rh) {
		return false
	}
	return bytes.HasPrefix(rh.RecordHeader[:], []byte("HTTP/")) || bytes.HasPrefix(rh.RecordHeader[:], []byte("HTTP"))
}

// sniff is a plain HTTP request to the target's port made while a TLS
// handshake waits: started halfway through the handshake's bound, or at
// once when the handshake fails sooner.
type sniff struct {
	r       *ProbeRun
	ctx     context.Context
	timer   *time.Timer
	once    sync.Once
	done    chan struct{}
	answers bool
}

// plainSniff arms a sniff for a handshake bounded by ctx.
func (r *ProbeRun) plainSniff(ctx context.Context) *sniff {
	s := &sniff{r: r, ctx: ctx, done: make(chan struct{})}
	half := sniffTimeout
	if dl, ok := ctx.Deadline(); ok {
		half = time.Until(dl) / 2
	}
	s.timer = time.AfterFunc(half, s.start)
	return s
}

func (s *sniff) start() {
	s.once.Do(func() {
		go func() {
			defer close(s.done)
			s.answers = s.r.speaksHTTP(s.ctx)
		}()
	})
}

// result starts the sniff if it has not started and waits for it.
func (s *sniff) result() bool {
	s.timer.Stop()
	s.start()
	<-s.done
	return s.answers
}

// stop ends a sniff that was not asked for, waiting for one under way.
func (s *sniff) stop() {
	if s.timer.Stop() {
		return
	}
	s.start() // no-op when it ran; makes done close otherwise
	<-s.done
}

// wrongSchemeTLS names a wss:// target whose port speaks plain HTTP, given
// the failed handshake's error and code; it returns "" when it does not.
func (r *ProbeRun) wrongSchemeTLS(err error, code string, s *sniff) string {
	switch {
	case plainRecord(err):
		return CodePlainPort
	case code == CodeTimeout || code == CodeEOF || code == CodeReset || code == CodeTLSError:
		if s.result() {
			return CodePlainPort
		}
	}
	return ""
}

// wrongSchemePlain names a ws:// target whose port speaks TLS, given how the
// upgrade failed; "" when it does not.
func (r *ProbeRun) wrongSchemePlain(ctx context.Context, code string) string {
	switch code {
	// Not after a timeout: a TLS port answers a plain request at once
	// (400 or a close); the sniff would only stretch the probe's bound.
	case CodeEOF, CodeReset, CodeNotHTTP, CodeTLSError:
		if r.speaksTLS(ctx) {
			return CodeTLSPort
		}
	}
	return ""
}

// notHTTP reports whether an answer that starts with head is not HTTP at
// all (NUL bytes, a TLS record, garbage): HTTP answers start "HTTP/", and a
// drip cut short by the deadline starts with a part of it.
func notHTTP(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	n := min(len(head), 5)
	return !strings.HasPrefix("HTTP/", string(head[:n]))
}
