package diagnose_test

import (
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// Fixture results, shaped like the probes' own (see their doc comments).
// res builds one result; kv are evidence key/value pairs.
func res(probe string, st engine.Status, code string, kv ...string) engine.Result {
	r := engine.Result{Probe: probe, Status: st, Code: code, Duration: 12 * time.Millisecond,
		Started: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Evidence = append(r.Evidence, engine.KV{Key: kv[i], Value: kv[i+1]})
	}
	if st == engine.Skip {
		r.Duration = 0
	}
	return r
}

func outcome(raw string, rs ...engine.Result) engine.Outcome {
	t, err := engine.ParseTarget(raw)
	if err != nil {
		panic(err)
	}
	start := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	return engine.Outcome{Target: t, Started: start, Finished: start.Add(840 * time.Millisecond), Results: rs}
}

// with replaces the results of o with the same probe names, and appends
// the others.
func with(o engine.Outcome, rs ...engine.Result) engine.Outcome {
	out := o
	out.Results = append([]engine.Result(nil), o.Results...)
	for _, r := range rs {
		replaced := false
		for i := range out.Results {
			if out.Results[i].Probe == r.Probe {
				out.Results[i], replaced = r, true
			}
		}
		if !replaced {
			out.Results = append(out.Results, r)
		}
	}
	return out
}

var (
	dnsOK   = res("dns", engine.Pass, "ok", "a", "203.0.113.10", "aaaa", "2001:db8::10")
	tcpOK   = res("tcp", engine.Pass, "ok", "port", "443", "connect 2001:db8::10", "ok 21ms", "connect 203.0.113.10", "ok 20ms", "connect_ipv6", "ok", "connect_ipv4", "ok")
	tcpOK80 = res("tcp", engine.Pass, "ok", "port", "80", "connect 203.0.113.10", "ok 20ms", "connect_ipv4", "ok")
	tlsOK   = res("tls", engine.Pass, "ok", "version", "TLS 1.3", "alpn", "http/1.1", "server_name", "app.example.com",
		"leaf_issuer", "CN=R11,O=Let's Encrypt,C=US", "leaf_issuer_org", "Let's Encrypt", "verified_os", "yes", "verified_public", "yes",
		"trusted_by", "public", "hostname_match", "yes")
	tlsNA    = res("tls", engine.Skip, "not_applicable")
	httpOK   = res("http", engine.Pass, "status_200", "status", "200", "proto", "HTTP/1.1", "server", "nginx", "title", "Example App")
	up101    = res("upgrade", engine.Pass, "ok", "status", "101", "accept_ok", "yes", "upgrade", "websocket", "connection", "Upgrade")
	echoOK   = res("echo", engine.Pass, "ok", "messages_sent", "6", "messages_echoed", "6")
	skipUp   = res("upgrade", engine.Skip, "after_tcp")
	skipEcho = res("echo", engine.Skip, "needs_upgrade")
)

// wssWorks is a healthy wss:// run; wsWorks a healthy ws:// one.
var (
	wssWorks = outcome("wss://app.example.com/socket", dnsOK, tcpOK, tlsOK, httpOK, up101, echoOK)
	wsWorks  = outcome("ws://app.example.com/socket", dnsOK, tcpOK80, tlsNA, httpOK, up101, echoOK)
)

var corpProxy = "http://jane:s3cret@proxy.corp.example:3128"
