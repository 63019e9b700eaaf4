package engine

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/internal/bounded"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// Options are what the user can set for a run.
type Options struct {
	// Headers are extra request headers for the upgrade and the plain GET
	// (Cookie, Origin, Authorization, ...).
	Headers http.Header
	// Subprotocols are offered in Sec-WebSocket-Protocol.
	Subprotocols []string
	// ClientCert and ClientKey are PEM files for a TLS client certificate.
	ClientCert, ClientKey string
	// CAFile is a PEM file of extra roots to trust (a private CA).
	CAFile string
	// Insecure skips certificate verification for the connections that
	// follow the tls probe. The tls probe still reports what is wrong.
	Insecure bool
	// ProbeTimeout bounds each probe; zero means DefaultProbeTimeout.
	ProbeTimeout time.Duration
	// Deadline bounds the whole run; zero means DefaultDeadline. It does
	// not bound the idle probe, which has its own.
	Deadline time.Duration
	// SlowUpgradeAfter is how long an upgrade may take to be answered
	// before it is reported slow; zero means SlowUpgrade. It is capped
	// at half the probe timeout, so that it can fire.
	SlowUpgradeAfter time.Duration
	// Idle is how long the idle probe holds WebSockets open; zero leaves
	// the probe out of the run. At most MaxIdle.
	Idle time.Duration
	// IdleRequired is how long the service needs an idle WebSocket to
	// stay open (the preset's value); zero means DefaultIdleRequired.
	IdleRequired time.Duration
	// IdleNeedSource says where IdleRequired came from: NeedPreset, a
	// framework (NeedSocketIO, ...) or NeedDefault (see IdleNeed); ""
	// when not told.
	IdleNeedSource string
	// ExpectedIssuers name the authorities that issue the service's
	// certificates, by the issuer's organisation (O=) or common name (CN=),
	// as the support team's preset says. The tls probe records whether the
	// certificate it saw came from one of them; empty means no expectation.
	ExpectedIssuers []string
	// NoLadder leaves out the integrity ladder the echo probe runs after a
	// working echo (--no-ladder).
	NoLadder bool
	// Framework names the real-time framework the app uses (NeedSocketIO,
	// ...; a preset's "framework"), for addresses that do not show it; ""
	// means FrameworkOf the address. FallbackProbe tries its fallback.
	Framework string
	// NoH2 leaves out the h2 probe (WebSockets over HTTP/2, as browsers
	// open them) that a run of the default probes adds for wss:// targets.
	NoH2 bool
	// LadderMax is the largest message the integrity ladder sends; zero
	// means DefaultLadderMax, and it is at most MaxLadderMessage (a
	// preset's value).
	LadderMax int
	// PingInterval is how often the idle probe's ping connection sends a
	// WebSocket ping; zero means DefaultPingInterval.
	PingInterval time.Duration
	// Proxy says how connections to the target go: the zero value as the
	// machine's settings say (environment, OS settings, PAC, WPAD), or
	// directly, through one proxy (credentials in its URL), or as a PAC
	// file answers.
	Proxy netenv.Mode
	// ProxyCredentials sign in to a proxy that asks (Basic or NTLM) when
	// its URL carries none: --proxy-user and the window's field. Nil means
	// none; on Windows the signed-in user is then tried. Never exported:
	// reports leave it out and hide its password wherever it appears.
	ProxyCredentials *netenv.ProxyCredentials
}

// validate rejects settings no run can honour.
func (o Options) validate() error {
	switch {
	case o.ProbeTimeout < 0 || o.Deadline < 0 || o.SlowUpgradeAfter < 0 || o.IdleRequired < 0:
		return fmt.Errorf("options: time limits cannot be negative")
	case o.Idle < 0 || o.Idle > MaxIdle:
		return fmt.Errorf("options: the idle test lasts 0 (off) to %s, not %s", MaxIdle, o.Idle)
	case o.PingInterval < 0:
		return fmt.Errorf("options: the ping interval cannot be negative")
	case o.Framework != "" && !KnownFramework(o.Framework):
		return fmt.Errorf("options: %q is not a framework the check knows (%s)", o.Framework, strings.Join(Frameworks(), ", "))
	}
	return o.checkRequestHeaders()
}

// upgradeTimeout bounds the upgrade probe: the probe timeout, like every
// other probe, so that a handshake nobody answers gives its verdict in one
// timeout. An answer after the slow threshold (at most half of it) is
// still seen, and reported slow with its time.
func (o Options) upgradeTimeout() time.Duration { return o.probeTimeout() }

// slowUpgrade is the time after which an answered upgrade is slow: at most
// half the upgrade's bound, so that a slow answer can still come in time.
func (o Options) slowUpgrade() time.Duration {
	return min(orDefault(o.SlowUpgradeAfter, SlowUpgrade), o.probeTimeout()/2)
}

// orDefault is d when it is set (more than zero), else def.
func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// The time settings as the run uses them: each its default when not set.
func (o Options) idleRequired() time.Duration { return orDefault(o.IdleRequired, DefaultIdleRequired) }
func (o Options) pingInterval() time.Duration { return orDefault(o.PingInterval, DefaultPingInterval) }
func (o Options) probeTimeout() time.Duration { return orDefault(o.ProbeTimeout, DefaultProbeTimeout) }
func (o Options) deadline() time.Duration     { return orDefault(o.Deadline, DefaultDeadline) }

// TLSSetup is what the options' files hold, loaded once per run.
type TLSSetup struct {
	// roots are the OS roots plus CAFile, made on first use (Roots);
	// nil means the OS roots alone.
	roots func() *x509.CertPool
	// ExtraRoots are the certificates from CAFile alone.
	ExtraRoots *x509.CertPool
	// ClientCerts holds the client certificate, if one was given.
	ClientCerts []tls.Certificate
	// Insecure mirrors Options.Insecure.
	Insecure bool
}

// LoadTLS reads the certificate files named in o. Errors name the file.
func (o Options) LoadTLS() (TLSSetup, error) {
	s := TLSSetup{Insecure: o.Insecure}
	if o.CAFile != "" {
		pem, err := bounded.ReadFile(o.CAFile, bounded.MaxCertFile)
		if err != nil {
			return s, fmt.Errorf("read CA file: %w", err)
		}
		extra := x509.NewCertPool()
		if !extra.AppendCertsFromPEM(pem) {
			return s, fmt.Errorf("read CA file %s: no PEM certificate in it", o.CAFile)
		}
		// Reading the OS roots takes 8-16 ms: Warm starts it while
		// the connections are being made, and Roots waits for it.
		s.roots = sync.OnceValue(func() *x509.CertPool {
			roots, err := x509.SystemCertPool()
			if err != nil || roots == nil {
				roots = x509.NewCertPool()
			}
			roots.AppendCertsFromPEM(pem)
			return roots
		})
		s.ExtraRoots = extra
	}
	if (o.ClientCert == "") != (o.ClientKey == "") {
		return s, fmt.Errorf("client certificate: give both the certificate and the key file")
	}
	if o.ClientCert != "" {
		c, err := bounded.LoadKeyPair(o.ClientCert, o.ClientKey)
		if err != nil {
			return s, fmt.Errorf("load client certificate: %w", err)
		}
		s.ClientCerts = []tls.Certificate{c}
	}
	return s, nil
}

// Roots are the OS roots plus the CA file's, or nil for the OS roots alone.
func (s TLSSetup) Roots() *x509.CertPool {
	if s.roots == nil {
		return nil
	}
	return s.roots()
}

// Warm reads the roots a TLS handshake verifies with in the background, so
// that they are there when the first certificate arrives a round trip
// later; wait returns once they are.
func (s TLSSetup) Warm() (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if s.roots != nil {
			s.roots()
		} else {
			// crypto/tls's own: the OS roots, read once a process.
			x509.SystemCertPool()
		}
	}()
	return func() { <-done }
}

// Config is a TLS client configuration for host with these settings and the
// given ALPN protocols.
func (s TLSSetup) Config(host string, alpn ...string) *tls.Config {
	return &tls.Config{
		ServerName:         host,
		RootCAs:            s.Roots(),
		Certificates:       s.ClientCerts,
		InsecureSkipVerify: s.Insecure,
		NextProtos:         alpn,
		// The tls probe lowers this to see what an old server offers;
		// the connections the app would make need TLS 1.2.
		MinVersion: tls.VersionTLS12,
	}
}

// sensitiveHeaders are request headers whose values are secrets.
var sensitiveHeaders = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"Authorization":       true,
		"Proxy-Authorization": true,
		"Cookie":              true,
		"X-Api-Key":           true,
		"X-Auth-Token":        true,
	}
})

// IsSensitiveHeader reports whether a header's value must not be shown or
// exported by default.
func IsSensitiveHeader(name string) bool {
	n := http.CanonicalHeaderKey(name)
	if sensitiveHeaders()[n] {
		return true
	}
	l := strings.ToLower(n)
	return strings.Contains(l, "token") || strings.Contains(l, "secret") || strings.Contains(l, "password")
}
