package session

import (
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// Comparison is the deciding fact of a run that tried the same service two
// ways and got two answers: it tells the person where the trouble is in
// one line, before any finding.
type Comparison string

// The comparisons a run can have.
const (
	// CompareNone: the run compared nothing, or both ways went alike.
	CompareNone Comparison = ""
	// CompareProxy: the upgrade works without the proxy this computer
	// set, and fails through it.
	CompareProxy Comparison = "proxy"
	// CompareProxyEntered: the same, through the proxy the person
	// entered in the app (Advanced, or --proxy).
	CompareProxyEntered Comparison = "proxy_entered"
	// CompareSecure: the wss:// address works, the ws:// one fails.
	CompareSecure Comparison = "wss"
	// CompareBrowserFails: the check works, the person's browser does
	// not.
	CompareBrowserFails Comparison = "browser_fails"
	// CompareBrowserWorks: the person's browser works, the check does not.
	CompareBrowserWorks Comparison = "browser_works"
)

// ProxyEntered reports whether the run went through a proxy the person
// entered in the app rather than one this computer is set to.
func (r *Run) ProxyEntered() bool {
	return r.Request.Proxy.Kind == netenv.ModeURL
}

// Deciding is the run's deciding fact, CompareNone when there is none.
func (r *Run) Deciding() Comparison {
	works := r.Outcome.Works()
	if b := r.Browser; b != nil {
		switch {
		case works && !b.Opened:
			return CompareBrowserFails
		case !works && b.Opened:
			return CompareBrowserWorks
		}
	}
	if works {
		return CompareNone
	}
	viaProxy := r.Outcome.Route != nil && r.Outcome.Route.Proxy() != nil
	if d, ok := r.Outcome.Result(engine.ProbeUpgradeDirect); ok && d.Status == engine.Pass && viaProxy {
		if r.ProxyEntered() {
			return CompareProxyEntered
		}
		return CompareProxy
	}
	if o := r.Other; o != nil && o.Works() && r.Outcome.Target.Scheme == "ws" {
		return CompareSecure
	}
	return CompareNone
}
