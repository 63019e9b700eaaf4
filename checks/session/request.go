// Package session is one check, from what a person or a script asked for
// to what is shown and saved. Both front ends call it: `wsdoctor check`
// (package checks/cli) turns flags into a Request, the window (package ui)
// turns its fields into one. Everything between is here, once: the
// reference server of the self-test, the wss:// counterpart of a ws://
// address, reading the machine (proxy route, VPN, OS release) within its
// bound, the run and the idle test, the one diagnosis (verdict, findings,
// admin note, connection path) and the report.
package session

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
)

// Header is one extra request header as the person typed it.
type Header struct {
	Name, Value string
}

// ParseHeader reads one header written "Name: value".
func ParseHeader(line string) (Header, error) {
	name, value, ok := strings.Cut(line, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return Header{}, fmt.Errorf("%q: want \"Name: value\"", line)
	}
	return Header{Name: name, Value: strings.TrimSpace(value)}, nil
}

// Request is one check as it was asked for. The zero value checks the
// preset's first target, or else this computer alone (the self-test),
// with this computer's proxy settings.
type Request struct {
	// Address is the address to check as typed; "" means the preset's
	// first target, or else the self-test.
	Address string
	// SelfTest checks this computer alone, whatever Address says: the
	// reference server on 127.0.0.1, nothing across the network.
	SelfTest bool
	// Preset is the support team's preset; nil means the Checker's.
	Preset *preset.Preset
	// Headers are extra request headers, in the order given; the preset's
	// headers are added where these do not set them.
	Headers []Header
	// Cookie and Origin, when set, are sent as those headers.
	Cookie, Origin string
	// Subprotocols are offered in the upgrade.
	Subprotocols []string
	// Proxy is how to connect; the zero value follows this computer.
	Proxy netenv.Mode
	// ProxyCredentials sign in to a proxy that asks (Basic, NTLM) when
	// its URL carries none; nil means none (on Windows, the signed-in
	// user).
	ProxyCredentials *netenv.ProxyCredentials
	// ClientCert and ClientKey are PEM files of a client certificate;
	// CAFile is a PEM file of a CA to trust besides the system's.
	ClientCert, ClientKey, CAFile string
	// Insecure skips certificate checks (shown in every output).
	Insecure bool
	// Idle holds WebSockets open this long within the run; zero leaves
	// the idle test out (the window runs it after the verdict instead,
	// with Checker.Idle).
	Idle time.Duration
	// PingInterval is how often the idle test's ping connection pings;
	// zero means engine.DefaultPingInterval.
	PingInterval time.Duration
	// ProbeTimeout and Deadline bound each probe and the whole run; zero
	// means engine.DefaultProbeTimeout and engine.DefaultDeadline.
	ProbeTimeout, Deadline time.Duration
}

// Options are the run's options: what the request says, with the
// preset's headers, idle requirement and certificate issuers.
func (r Request) Options() engine.Options {
	o := engine.Options{
		Subprotocols:     r.Subprotocols,
		ClientCert:       r.ClientCert,
		ClientKey:        r.ClientKey,
		CAFile:           r.CAFile,
		Insecure:         r.Insecure,
		ProbeTimeout:     r.ProbeTimeout,
		Deadline:         r.Deadline,
		Idle:             r.Idle,
		PingInterval:     r.PingInterval,
		Proxy:            r.Proxy,
		ProxyCredentials: r.ProxyCredentials,
	}
	h := http.Header{}
	for _, kv := range r.Headers {
		h.Add(kv.Name, kv.Value)
	}
	if r.Cookie != "" {
		h.Set("Cookie", r.Cookie)
	}
	if r.Origin != "" {
		h.Set("Origin", r.Origin)
	}
	if p := r.Preset; p != nil {
		if len(p.ExpectedTLSIssuers) > 0 {
			o.ExpectedIssuers = append([]string(nil), p.ExpectedTLSIssuers...)
		}
		if p.RequiredIdleSeconds > 0 {
			o.IdleRequired = time.Duration(p.RequiredIdleSeconds) * time.Second
		}
		for k, v := range p.Header() {
			if h.Get(k) == "" {
				h[k] = v
			}
		}
	}
	if len(h) > 0 {
		o.Headers = h
	}
	return o
}

// Scope says what a check covers.
type Scope string

// The scopes of a check.
const (
	// ScopeTarget: the address the person gave.
	ScopeTarget Scope = "target"
	// ScopePreset: no address was given; the preset's first target.
	ScopePreset Scope = "preset"
	// ScopeSelfTest: no address and no preset target; the reference
	// server on this computer, so only this computer was tested.
	ScopeSelfTest Scope = "self-test"
	// ScopePage: the address of a web page, not of a live connection:
	// the host's network path is tested, and the live connection's own
	// address is asked for when the page answers in its place.
	ScopePage Scope = "page"
)

// Plan is what a request will check: the address and why that one.
type Plan struct {
	// Address is the address to check; "" for the self-test, whose
	// server's address is only known once it runs.
	Address string
	Scope   Scope
}

// PlanOf says what req will check: its address, else the preset's first
// target, else this computer (the self-test). A web page's address on a
// host the preset has a target for checks that target.
func PlanOf(req Request) Plan {
	addr := strings.TrimSpace(req.Address)
	if req.SelfTest {
		return Plan{Scope: ScopeSelfTest}
	}
	if t, err := engine.ParseTarget(addr); err == nil && t.Page {
		if p := req.Preset; p != nil {
			for _, pt := range p.Targets {
				if u, err := engine.ParseTarget(pt.URL); err == nil && strings.EqualFold(u.Host, t.Host) {
					return Plan{Address: pt.URL, Scope: ScopePreset}
				}
			}
		}
		return Plan{Address: addr, Scope: ScopePage}
	}
	switch {
	case addr != "":
		return Plan{Address: addr, Scope: ScopeTarget}
	case req.Preset.FirstURL() != "":
		return Plan{Address: req.Preset.FirstURL(), Scope: ScopePreset}
	}
	return Plan{Scope: ScopeSelfTest}
}
