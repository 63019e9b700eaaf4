package diagnose

import (
	"sync"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// HeadlineFacts are what the headline of a run that does not work is
// made from. The window has them from the run, a report from its own
// fields (a report read back from its JSON gets the same headline).
type HeadlineFacts struct {
	Verdict Verdict
	// SelfTest: the run checked this computer's own reference server.
	SelfTest bool
	Path     Path
	// ProxyEntered: the proxy was given for this check (--proxy, the
	// window's Advanced), not set on the computer.
	ProxyEntered bool
	// TCPCode is the tcp probe's code ("refused", "timeout", ...).
	TCPCode string
	// Host is the service's host, for a path that does not name it.
	Host string
	// Uncertain: the diagnosis could not tell its likely causes apart
	// (Summary.Uncertain).
	Uncertain bool
}

// Headline is the sentence that heads a run that does not work, naming
// the party that fails: the service that does not answer, the proxy the
// person entered, the company's proxy, the network on the way, the VPN,
// this computer. It is the catalogue key (under "headline.") and its
// placeholders' values. key is "" where such a sentence would say more
// than the run showed, and the verdict's own words head it: when the run
// works, when the path does not say where it stops, when the diagnosis
// could not tell its causes apart, and when what stops the connection is
// no refusal (notRefused). The window and every report head a run with
// it, so they blame the same party, and no more than the diagnosis does.
func Headline(f HeadlineFacts) (key string, args []any) {
	if f.Verdict != DoesNotWork {
		return "", nil
	}
	if f.SelfTest {
		return "headline.self_test_fails", nil
	}
	stop, ok := f.Path.Stop()
	if !ok || f.Uncertain || notRefused()[f.Path.Why] {
		return "", nil
	}
	switch stop.Kind {
	case HopService:
		if notAnswering(f) {
			return "headline.service_silent", []any{"host", stop.Detail}
		}
		return "headline.service", []any{"host", stop.Detail}
	case HopProxy:
		key := "headline.proxy"
		if f.ProxyEntered {
			key += "_entered"
		}
		if f.Path.Why == IDProxyUnreachable {
			key += "_silent"
		}
		return key, []any{"proxy", stop.Detail}
	case HopInternet, HopNetwork:
		return "headline." + string(stop.Kind), []any{"host", headlineHost(f)}
	case HopVPN:
		return "headline.vpn", nil
	case HopComputer:
		return "headline.computer", nil
	}
	return "", nil
}

// notRefused are the findings whose party the headline would name
// wrongly as refusing, not accepting or stopping live connections: the
// connection opened and was then cut, changed or capped; the proxy never
// judged a sign-in, because the check could make none; the proxy could
// not reach the service itself; the check refused the service's
// certificate, or one a box in between put in its place; the handshake
// got no answer in time. Nor does a failed step after the opening that no
// finding explains (the echo, the idle test), or the way over HTTP/2 that
// browsers take (h2-websocket-broken's summary says whose it is: the
// service's, or an inspecting box's). Their own summary says what
// happened.
var notRefused = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		IDProxyIdleTimeout:          true,
		IDConnectionDropped:         true,
		IDMessagesBlocked:           true,
		IDMaxLifetime:               true,
		IDPingsNotEnough:            true,
		IDMessagesAltered:           true,
		IDMessageSizeLimit:          true,
		IDProxySigninUnavailable:    true,
		IDProxyCannotReach:          true,
		IDTLSCertInvalid:            true,
		IDTLSIntercepted:            true,
		IDHandshakeTimeout:          true,
		"probe:" + engine.ProbeEcho: true,
		"probe:" + engine.ProbeIdle: true,
		"probe:" + engine.ProbeH2:   true,
	}
})

// notAnswering reports whether the service's computer turned the
// connection away or never answered it: nothing listens there.
func notAnswering(f HeadlineFacts) bool {
	switch f.Path.Why {
	case "probe:" + engine.ProbeTCP:
		return true
	case IDTCPBlocked:
		return f.TCPCode == engine.CodeRefused || f.TCPCode == engine.CodeTimeout
	}
	return false
}

// headlineHost is the service's host as the path shows it, else f.Host.
func headlineHost(f HeadlineFacts) string {
	for _, h := range f.Path.Hops {
		if h.Kind == HopService && h.Detail != "" {
			return h.Detail
		}
	}
	return f.Host
}
