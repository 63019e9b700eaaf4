package report

import (
	"net/http"

	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// t0 is when the fixture runs start.
var t0 = time.Date(2026, 3, 14, 8, 30, 0, 0, time.UTC)

var fixtureEnv = engine.Platform{OS: "windows", Arch: "amd64", Go: "1.26.0"}

func ms(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }

func res(probe string, st engine.Status, code, reason string, startMS, durMS float64, timings []engine.Timing, ev ...string) engine.Result {
	r := engine.Result{Probe: probe, Status: st, Code: code, Reason: reason, Started: t0.Add(ms(startMS)), Duration: ms(durMS), Timings: timings}
	for i := 0; i+1 < len(ev); i += 2 {
		r.Evidence = append(r.Evidence, engine.KV{Key: ev[i], Value: ev[i+1]})
	}
	return r
}

func tm(p engine.Phase, start, d float64) engine.Timing {
	return engine.Timing{Phase: p, Start: ms(start), Duration: ms(d)}
}

func target(raw string) engine.Target {
	t, err := engine.ParseTarget(raw)
	if err != nil {
		panic(err)
	}
	return t
}

// healthyInput is a run where everything works, direct, no VPN.
func healthyInput() Input {
	o := engine.Outcome{
		Target:   target("wss://chat.example.com/socket"),
		Options:  engine.Options{Headers: http.Header{"Origin": {"https://chat.example.com"}}},
		Started:  t0,
		Finished: t0.Add(ms(412.5)),
		Results: []engine.Result{
			res("dns", engine.Pass, "ok", "", 0, 18.2, []engine.Timing{tm(engine.PhaseResolve, 0, 18.2)},
				"a", "93.184.216.34", "aaaa", "2606:2800:220:1:248:1893:25c8:1946"),
			res("tcp", engine.Pass, "ok", "", 18.3, 31.4, []engine.Timing{tm(engine.PhaseConnect, 0, 31.4)},
				"port", "443", "connect 2606:2800:220:1:248:1893:25c8:1946", "ok 31.1ms", "connect 93.184.216.34", "ok 30.9ms", "connect_ipv6", "ok", "connect_ipv4", "ok"),
			res("tls", engine.Pass, "ok", "", 18.3, 88.0, []engine.Timing{tm(engine.PhaseConnect, 0, 30.2), tm(engine.PhaseTLS, 30.2, 57.8)},
				"version", "TLS 1.3", "alpn", "http/1.1", "server_name", "chat.example.com", "leaf_issuer", "CN=R11,O=Let's Encrypt,C=US", "trusted_by", "public", "hostname_match", "yes"),
			res("http", engine.Pass, "ok", "", 106.5, 120.3, []engine.Timing{tm(engine.PhaseConnect, 0, 30), tm(engine.PhaseTLS, 30, 55), tm(engine.PhaseRequest, 85, 35.3)},
				"status", "200", "server", "nginx/1.24.0"),
			res("upgrade", engine.Pass, "ok", "", 106.5, 140.1, []engine.Timing{tm(engine.PhaseConnect, 0, 30), tm(engine.PhaseTLS, 30, 56), tm(engine.PhaseUpgrade, 86, 54.1)},
				"status", "101", "accept", "ok", "subprotocol", "none"),
			res("echo", engine.Pass, "ok", "", 246.7, 165.6, []engine.Timing{tm(engine.PhaseFirstMessage, 0, 40.2)},
				"sent", "3", "received", "3", "round_trip_ms", "40.2"),
		},
	}
	return Input{
		Tool: Tool{Name: "wsdoctor", Version: "1.0.0"}, Outcome: o, RunID: "0123456789abcdef",
		Diagnosis: handDiagnosis(o, diagnose.Works, diagnose.Environment{}, []diagnose.Finding{{
			ID: "websocket-ok", Severity: diagnose.SeverityOK, Title: "WebSockets work on this computer",
			Explanation: "The WebSocket handshake returned 101 and messages went both ways.",
			Steps:       []string{"If the app still misbehaves, send this report to your support team."},
			Evidence:    []diagnose.EvidenceRef{{Probe: engine.ProbeUpgrade, Key: "status", Value: "101"}},
		}}),
		Proxy: &Proxy{Configured: false}, VPN: &VPN{Active: false},
		OSVersion: "Windows 11 Pro 23H2", Local: time.FixedZone("CET", 3600), Platform: &fixtureEnv,
	}
}

// failingInput is a run through a company proxy that strips the upgrade,
// on a VPN, with TLS interception.
func failingInput() Input {
	o := engine.Outcome{
		Target:   target("wss://chat.example.com/socket?room=42"),
		Options:  engine.Options{ProbeTimeout: 5 * time.Second},
		Started:  t0,
		Finished: t0.Add(ms(2301.75)),
		Results: []engine.Result{
			res("dns", engine.Pass, "ok", "", 0, 4.1, []engine.Timing{tm(engine.PhaseResolve, 0, 4.1)}, "a", "93.184.216.34"),
			res("tcp", engine.Pass, "ok", "", 4.2, 12.5, []engine.Timing{tm(engine.PhaseConnect, 0, 12.5)},
				"port", "443", "connect 93.184.216.34", "ok 12.4ms", "connect_ipv4", "ok"),
			res("tls", engine.Warn, "not_public_root", "the chain is trusted by this computer but by no public root", 4.2, 61.0,
				[]engine.Timing{tm(engine.PhaseConnect, 0, 12.0), tm(engine.PhaseTLS, 12.0, 49.0)},
				"version", "TLS 1.2", "alpn", "http/1.1", "leaf_issuer", "CN=Zscaler Intermediate Root CA,O=Zscaler Inc.", "leaf_issuer_org", "Zscaler Inc.",
				"verified_os", "yes", "verified_public", "no", "trusted_by", "os_only"),
			res("http", engine.Pass, "ok", "", 65.3, 240.0, []engine.Timing{tm(engine.PhaseProxy, 0, 20), tm(engine.PhaseTLS, 20, 60), tm(engine.PhaseRequest, 80, 160)},
				"status", "200", "proxy", "http://proxy.corp.example:3128", "via", "1.1 proxy.corp.example (squid/5.7)"),
			res("upgrade", engine.Fail, "status_200", "the upgrade was answered with 200 instead of 101 | a middle box answered", 65.3, 2236.4,
				[]engine.Timing{tm(engine.PhaseProxy, 0, 21), tm(engine.PhaseTLS, 21, 60), tm(engine.PhaseUpgrade, 81, 2155.4)},
				"status", "200", "proxy", "http://proxy.corp.example:3128", "via", "1.1 proxy.corp.example (squid/5.7)", "upgrade_header", "missing", "content_type", "text/html"),
			{Probe: engine.ProbeEcho, Status: engine.Skip, Code: "needs_upgrade", Reason: "needs upgrade, which failed: the upgrade was answered with 200 instead of 101", Started: t0.Add(ms(2301.7))},
		},
	}
	o.Results[4].Error = `websocket: bad handshake (HTTP 200 OK from "proxy.corp.example:3128")`
	return Input{
		Tool: Tool{Name: "wsdoctor", Version: "1.0.0"}, Outcome: o, RunID: "fedcba9876543210",
		Diagnosis: handDiagnosis(o, diagnose.DoesNotWork, diagnose.Environment{ProxyURL: "http://proxy.corp.example:3128", VPNActive: true, VPNName: "Corp VPN"}, []diagnose.Finding{
			{ID: "vpn-active", Severity: diagnose.SeverityInfo, Title: "A VPN carries this computer's traffic",
				Explanation: "Corp VPN is connected and carries all traffic.", Steps: []string{"Turn the VPN off or on and test again."},
				Evidence: []diagnose.EvidenceRef{{Probe: "env", Key: "vpn", Value: "tun0"}}},
			{ID: "proxy-strips-upgrade", Severity: diagnose.SeverityProblem, Title: "Your company proxy removes the headers WebSockets need",
				Explanation: "The proxy at proxy.corp.example:3128 answered the WebSocket handshake with an ordinary web page (200) instead of switching protocols (101).",
				Steps: []string{
					"Ask your IT department to let WebSocket connections to chat.example.com through the proxy.",
					"If you may, try from another network (a phone hotspot) to confirm.",
					"Send this report to your support team.",
				},
				AdminNote: "The proxy must pass the Upgrade and Connection headers and speak HTTP/1.1 to the origin for chat.example.com:443, or exempt the host from the proxy.",
				Evidence:  []diagnose.EvidenceRef{{Probe: engine.ProbeUpgrade, Key: "status", Value: "200"}, {Probe: engine.ProbeUpgrade, Key: "via", Value: "1.1 proxy.corp.example (squid/5.7)"}}},
			{ID: "tls-intercepted", Severity: diagnose.SeverityWarning, Title: "Secure connections are opened and inspected on the way",
				Explanation: "The certificate comes from Zscaler Inc., an inspection product, not from the service.",
				Steps:       []string{"Ask your IT department to exempt chat.example.com from TLS inspection."},
				AdminNote:   "Exempt chat.example.com from TLS inspection (Zscaler SSL inspection bypass list).",
				Evidence:    []diagnose.EvidenceRef{{Probe: engine.ProbeTLS, Key: "leaf_issuer_org", Value: "Zscaler Inc."}}},
		}),
		Proxy: &Proxy{Configured: true, URL: "http://proxy.corp.example:3128", Source: "system"},
		VPN:   &VPN{Active: true, Name: "Corp VPN", Interface: "tun0", DefaultRoute: true},
		Local: time.FixedZone("PDT", -7*3600), Platform: &fixtureEnv,
	}
}

// diagnosedInput is the failing run with the real diagnosis of it, as the
// CLI and the GUI build their reports.
func diagnosedInput() Input {
	in := failingInput()
	d := diagnose.Diagnose(diagnose.Input{
		Outcome: in.Outcome,
		Env: diagnose.Environment{
			ProxyURL: in.Proxy.URL, ProxySource: "wininet", ProxyOrigin: `HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings`,
			VPNActive: true, VPNName: in.VPN.Name,
		},
	})
	in.Diagnosis = d
	return in
}

// handDiagnosis is a diagnosis written by hand: these findings and this
// verdict, with the path they give on o in env.
func handDiagnosis(o engine.Outcome, v diagnose.Verdict, env diagnose.Environment, findings []diagnose.Finding) diagnose.Diagnosis {
	in := diagnose.Input{Outcome: o, Env: env}
	return diagnose.Diagnosis{Summary: diagnose.Summary{Verdict: v}, Findings: findings, Path: diagnose.Diagnose(in).Path}
}
