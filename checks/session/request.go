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
	"errors"
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

// ParseHeader reads one header written "Name: value" and checks it with
// engine.CheckHeader. Its errors never repeat the value, nor a line
// without a colon (a token typed without its name, say).
func ParseHeader(line string) (Header, error) {
	name, value, ok := strings.Cut(line, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Header{}, errors.New("want \"Name: value\"")
	}
	value = strings.TrimSpace(value)
	if err := engine.CheckHeader(name, value); err != nil {
		return Header{}, err
	}
	return Header{Name: name, Value: value}, nil
}

// Check is nil when every header, the cookie, the origin and every
// subprotocol of r can be sent (engine.CheckHeader, CheckSubprotocol);
// Checker.Check sends nothing otherwise.
func (r Request) Check() error {
	for _, h := range r.Headers {
		if err := engine.CheckHeader(h.Name, h.Value); err != nil {
			return err
		}
	}
	for _, h := range []Header{{"Cookie", r.Cookie}, {"Origin", r.Origin}} {
		if err := engine.CheckHeader(h.Name, h.Value); err != nil {
			return err
		}
	}
	for _, p := range r.Subprotocols {
		if err := engine.CheckSubprotocol(p); err != nil {
			return err
		}
	}
	return nil
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
	// NoLadder leaves out the echo's integrity ladder (--no-ladder).
	NoLadder bool
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
		NoLadder:         r.NoLadder,
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
		o.LadderMax = p.MaxMessageBytes
		o.Framework = p.Framework
		for k, v := range p.Header() {
			if k == "Sec-Websocket-Protocol" {
				// A preset offers subprotocols as this header; the
				// handshake writes it from Subprotocols.
				if len(o.Subprotocols) == 0 {
					o.Subprotocols = splitList(v)
				}
				continue
			}
			if h.Get(k) == "" {
				h[k] = v
			}
		}
	}
	if len(h) > 0 {
		o.Headers = h
	}
	// The idle time the app needs: the preset's, else its framework's
	// heartbeat, else the default (issue 27).
	o.IdleRequired, o.IdleNeedSource = engine.IdleNeed(o.IdleRequired, PlanOf(r).Address)
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

// splitList is a comma-separated header value's items, trimmed, the empty
// ones left out.
func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}
