package diagnose

import (
	"fmt"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// TestHeadline: the headline names the party where the connection stops,
// in words that fit what happened, and says nothing more than the
// diagnosis: no party for a cut after opening, a sign-in never made, a
// proxy that could not reach the service, an uncertain diagnosis.
func TestHeadline(t *testing.T) {
	path := func(stop HopKind, why string) Path {
		p := Path{Why: why, StopsAt: stop}
		for _, k := range []HopKind{HopComputer, HopProxy, HopInternet, HopService} {
			h := Hop{Kind: k, State: HopOK}
			switch k {
			case HopProxy:
				h.Detail = "proxy.corp.example:3128"
			case HopService:
				h.Detail = "app.example.com"
			}
			if k == stop {
				h.State = HopStops
			}
			p.Hops = append(p.Hops, h)
		}
		return p
	}
	for _, c := range []struct {
		name string
		f    HeadlineFacts
		want string
	}{
		{"works", HeadlineFacts{Verdict: Works, Path: path(HopService, IDServerNoWebSocket)}, ""},
		{"self-test", HeadlineFacts{Verdict: DoesNotWork, SelfTest: true}, "headline.self_test_fails []"},
		{"no stop", HeadlineFacts{Verdict: DoesNotWork, Path: path("", "")}, ""},
		{"service without WebSockets", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopService, IDServerNoWebSocket)}, "headline.service [host app.example.com]"},
		{"nothing listens", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopService, IDTCPBlocked), TCPCode: engine.CodeRefused}, "headline.service_silent [host app.example.com]"},
		{"the tcp probe", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopService, "probe:tcp")}, "headline.service_silent [host app.example.com]"},
		{"the company's proxy", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopProxy, IDProxyStripsUpg)}, "headline.proxy [proxy proxy.corp.example:3128]"},
		{"the proxy entered", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopProxy, IDProxyBlocksCONN), ProxyEntered: true}, "headline.proxy_entered [proxy proxy.corp.example:3128]"},
		{"a silent proxy", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopProxy, IDProxyUnreachable)}, "headline.proxy_silent [proxy proxy.corp.example:3128]"},
		{"a silent proxy entered", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopProxy, IDProxyUnreachable), ProxyEntered: true}, "headline.proxy_entered_silent [proxy proxy.corp.example:3128]"},
		{"the way", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopInternet, IDTCPBlocked), TCPCode: engine.CodeTimeout}, "headline.internet [host app.example.com]"},
		{"the way, no service hop", HeadlineFacts{Verdict: DoesNotWork, Path: Path{Why: IDDNSFailure, Hops: []Hop{{Kind: HopInternet, State: HopStops}}}, Host: "h.example"}, "headline.internet [host h.example]"},
		{"a quiet connection cut", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopProxy, IDProxyIdleTimeout)}, ""},
		{"a lifetime", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopInternet, IDMaxLifetime)}, ""},
		{"no sign-in made", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopProxy, IDProxySigninUnavailable)}, ""},
		{"the proxy could not reach the service", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopProxy, IDProxyCannotReach)}, ""},
		{"a certificate the check refused", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopService, IDTLSCertInvalid)}, ""},
		{"inspected TLS", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopProxy, IDTLSIntercepted)}, ""},
		{"a handshake unanswered", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopInternet, IDHandshakeTimeout)}, ""},
		{"the echo, unexplained", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopService, "probe:echo")}, ""},
		{"the way browsers take", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopService, "probe:h2")}, ""},
		{"uncertain", HeadlineFacts{Verdict: DoesNotWork, Path: path(HopProxy, IDProxyStripsUpg), Uncertain: true}, ""},
	} {
		key, args := Headline(c.f)
		got := ""
		if key != "" {
			got = fmt.Sprintf("%s %v", key, args)
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestHeadlineKeys: every key Headline gives has words in the catalogue.
func TestHeadlineKeys(t *testing.T) {
	w := i18n.English()
	for _, k := range []string{"self_test_fails", "service", "service_silent", "proxy", "proxy_entered", "proxy_silent", "proxy_entered_silent", "internet", "network", "vpn", "computer"} {
		if !w.Has("headline." + k) {
			t.Errorf("no words for headline.%s", k)
		}
	}
}
