package diagnose_test

import (
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// TestPartsOf: the three parties at a glance follow the path: a refused
// local port is the service's problem with no network on the way, a
// dead proxy the network's with the service not tested, and the
// self-test tests neither the network nor the service.
func TestPartsOf(t *testing.T) {
	local := outcome("ws://127.0.0.1:9/ws", res("dns", engine.Pass, "ok", "literal", "127.0.0.1"),
		res("tcp", engine.Fail, "refused", "port", "9"), res("tls", engine.Skip, "not_applicable"),
		res("http", engine.Skip, "after_tcp"), skipUp, skipEcho)
	d := diagnose.Diagnose(diagnose.Input{Outcome: local})
	if got, want := diagnose.PartsOf(d, false), (diagnose.Parts{Computer: diagnose.PartWorks, Network: diagnose.PartUntested, Service: diagnose.PartProblem, Failing: diagnose.PartyService}); got != want {
		t.Errorf("stopped local service: %+v, want %+v", got, want)
	}
	proxied := outcome("wss://chat.example.com/ws", res("dns", engine.Pass, "ok", "a", "203.0.113.9"),
		res("tcp", engine.Pass, "ok"), res("proxy", engine.Fail, "refused", "proxy", "http://127.0.0.1:1"),
		res("tls", engine.Skip, "after_proxy"), res("http", engine.Skip, "after_proxy"), skipUp, skipEcho)
	d = diagnose.Diagnose(diagnose.Input{Outcome: proxied, Env: diagnose.Environment{ProxyURL: "http://127.0.0.1:1", ProxySource: "option"}})
	if got, want := diagnose.PartsOf(d, false), (diagnose.Parts{Computer: diagnose.PartWorks, Network: diagnose.PartProblem, Service: diagnose.PartUntested, Failing: diagnose.PartyNetwork}); got != want {
		t.Errorf("dead proxy: %+v, want %+v (path %s)", got, want, pathStates(d.Path))
	}
	self := outcome("ws://127.0.0.1:4000/ws", res("dns", engine.Pass, "ok", "literal", "127.0.0.1"),
		res("tcp", engine.Pass, "ok"), res("tls", engine.Skip, "not_applicable"), res("http", engine.Pass, "status_400"),
		res("upgrade", engine.Pass, "ok"), res("echo", engine.Pass, "ok"))
	d = diagnose.Diagnose(diagnose.Input{Outcome: self, SelfTest: true})
	if got, want := diagnose.PartsOf(d, true), (diagnose.Parts{Computer: diagnose.PartWorks, Network: diagnose.PartUntested, Service: diagnose.PartUntested}); got != want {
		t.Errorf("self-test: %+v, want %+v", got, want)
	}
}
