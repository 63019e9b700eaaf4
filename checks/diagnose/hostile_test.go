package diagnose_test

import (
	"slices"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// ruleHostile from fixture results: what each hostile answer is called,
// and that none is called a blocked port.
func TestRuleHostile(t *testing.T) {
	httpClosed := res("http", engine.Fail, "closed")
	for _, tc := range []struct {
		name  string
		o     engine.Outcome
		want  []string // "id severity confidence"
		words string
	}{
		{"ws:// to a TLS port", outcome("ws://app.example.com:8443/socket", dnsOK, tcpOK80, tlsNA, httpClosed,
			res("upgrade", engine.Fail, "tls_port", "failed_at", "response", "port_speaks", "tls"), skipEcho),
			[]string{"server-no-websocket problem sure"}, "expects an encrypted wss://"},
		{"wss:// to a plain port", outcome("wss://app.example.com:8080/socket", dnsOK, tcpOK,
			res("tls", engine.Fail, "plain_port", "port_speaks", "http"), res("http", engine.Skip, "after_tls"),
			res("upgrade", engine.Skip, "after_tls", "failed_at", "tls"), skipEcho),
			[]string{"server-no-websocket problem sure"}, "speaks unencrypted ws://"},
		{"accept then close", outcome("ws://app.example.com/socket", dnsOK, tcpOK80, tlsNA, httpClosed,
			res("upgrade", engine.Fail, "reset", "failed_at", "response"), skipEcho),
			[]string{"server-no-websocket problem likely", "proxy-strips-upgrade problem possible"}, "already open"},
		{"not HTTP", outcome("ws://app.example.com/socket", dnsOK, tcpOK80, tlsNA, res("http", engine.Fail, "error"),
			res("upgrade", engine.Fail, "not_http", "failed_at", "response"), skipEcho),
			[]string{"server-no-websocket problem likely", "proxy-strips-upgrade problem possible"}, "not a web answer"},
		{"headers too large", outcome("wss://app.example.com/socket", dnsOK, tcpOK, tlsOK, res("http", engine.Fail, "headers_too_large"),
			res("upgrade", engine.Fail, "headers_too_large", "failed_at", "response"), skipEcho),
			[]string{"server-no-websocket problem likely"}, "64 KiB"},
		{"invalid UTF-8", outcome("wss://app.example.com/socket", dnsOK, tcpOK, tlsOK, httpOK, up101,
			res("echo", engine.Fail, "invalid_utf8", "messages_echoed", "6")),
			[]string{"messages-blocked problem likely"}, "not valid text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := diagnose.Diagnose(diagnose.Input{Outcome: tc.o})
			g := got(d)
			if !slices.Equal(g[:min(len(g), len(tc.want))], tc.want) {
				t.Errorf("findings %v, want %v first", g, tc.want)
			}
			var text strings.Builder
			for _, f := range d.Findings {
				if f.ID == diagnose.IDTCPBlocked || f.ID == diagnose.IDCauseUnknown {
					t.Errorf("raised %s: %v", f.ID, g)
				}
				text.WriteString(f.Title + " " + f.Explanation + " " + f.AdminNote + " ")
			}
			if !strings.Contains(text.String(), tc.words) {
				t.Errorf("words %q missing from %q", tc.words, text.String())
			}
		})
	}
}
