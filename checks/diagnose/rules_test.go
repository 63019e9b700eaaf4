package diagnose_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// want is a finding as the table checks it: "id severity confidence".
func got(d diagnose.Diagnosis) []string {
	var s []string
	for _, f := range d.Findings {
		s = append(s, fmt.Sprintf("%s %s %s", f.ID, f.Severity, f.Confidence))
	}
	return s
}

type ruleCase struct {
	name      string
	in        diagnose.Input
	want      []string // "id severity confidence", in order
	verdict   diagnose.Verdict
	who       diagnose.Fixer
	uncertain bool
	// contains: text that must appear in the findings' words; lacks:
	// text that must not.
	contains, lacks []string
}

var proxyEnv = diagnose.Environment{ProxyURL: corpProxy, ProxySource: "wininet", ProxyOrigin: `HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings`}

func ruleCases() []ruleCase {
	failNet := func(raw string, rs ...engine.Result) engine.Outcome {
		return outcome(raw, rs...)
	}
	pacBroken := res("proxy", engine.Warn, engine.CodeProxyRouteError, "proxy_source", "pac")
	pacBroken.Error = "PAC file http://wpad.corp.example/proxy.pac: the script did not finish in time (an endless loop, or DNS that does not answer)"
	return append(append(pageRuleCases(), watchRuleCases()...), []ruleCase{
		{
			name:     "the proxy script is broken, the check went direct and works",
			in:       diagnose.Input{Outcome: outcome("wss://app.example.com/socket", dnsOK, tcpOK, pacBroken, tlsOK, httpOK, up101, echoOK)},
			want:     []string{"pac-broken warning sure", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"did not finish in time"},
		},
		{
			name:    "works",
			in:      diagnose.Input{Outcome: wssWorks},
			want:    []string{"websocket-ok ok sure"},
			verdict: diagnose.Works,
		},
		{
			name: "the ladder's echo came back changed: messages-altered",
			in: diagnose.Input{Outcome: with(wsWorks, res("echo", engine.Fail, "altered", "messages_sent", "6", "messages_echoed", "6",
				"ladder", "altered", "ladder_how", "altered", "ladder_failed_step", "binary_1mib", "ladder_failed_bytes", "1048576", "ladder_passed_bytes", "65536"))},
			want:    []string{"messages-altered problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			name: "broken frames after a clean handshake: messages-altered",
			in: diagnose.Input{Outcome: with(wsWorks, res("echo", engine.Fail, "altered", "messages_sent", "6", "messages_echoed", "0",
				"ladder_how", "frame_broken"))},
			want:    []string{"messages-altered problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			name: "closed with 1009 above 1 MiB: message-size-limit",
			in: diagnose.Input{Outcome: with(wsWorks, res("echo", engine.Warn, "size_limit", "messages_sent", "6", "messages_echoed", "6",
				"ladder", "size_limit", "ladder_how", "close_1009", "ladder_failed_step", "binary_4mib", "ladder_failed_bytes", "4194304", "ladder_passed_bytes", "1048576"))},
			want:    []string{"message-size-limit warning sure", "websocket-ok ok sure"},
			verdict: diagnose.WorksWithWarnings,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			// RFC 8441: the server invites WebSockets over HTTP/2 and
			// resets the stream; HTTP/1.1 works.
			name: "WebSockets over HTTP/2 offered and reset: h2-websocket-broken",
			in: diagnose.Input{Outcome: with(wssWorks, res("h2", engine.Fail, engine.CodeH2StreamReset, "alpn", "h2", "enable_connect_protocol", "1",
				"h2_reset", "INTERNAL_ERROR", "h2_stage", "stream", "browser_way", "h2"))},
			// Browsers take that way: for them it does not work.
			want:     []string{"h2-websocket-broken problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerServiceAdmin,
			contains: []string{"Switching to another browser will not help", "cut the connection off", "RST_STREAM INTERNAL_ERROR", "SETTINGS_ENABLE_CONNECT_PROTOCOL"},
		},
		{
			name: "WebSockets over HTTP/2 offered and answered 400: h2-websocket-broken",
			in: diagnose.Input{Outcome: with(wssWorks, res("h2", engine.Fail, "status_400", "alpn", "h2", "enable_connect_protocol", "1",
				"h2_status", "400", "h2_stage", "stream", "browser_way", "h2"))},
			// Browsers take that way: for them it does not work.
			want:     []string{"h2-websocket-broken problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerServiceAdmin,
			contains: []string{"answered with code 400", ":status 400"},
		},
		{
			name: "WebSockets over HTTP/2 fail, and so does HTTP/1.1: the upgrade's findings only",
			in: diagnose.Input{Outcome: with(outcome("wss://app.example.com/socket", dnsOK, tcpOK, tlsOK, httpOK,
				res("upgrade", engine.Fail, "status_404", "status", "404")),
				res("h2", engine.Fail, "status_404", "alpn", "h2", "enable_connect_protocol", "1", "h2_status", "404", "h2_stage", "stream", "browser_way", "h2"))},
			want:    []string{"server-no-websocket problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerServiceAdmin,
			lacks:   []string{"HTTP/2"},
		},
		{
			name:    "WebSockets over HTTP/2 offered and working: h2-websocket-ok, info",
			in:      diagnose.Input{Outcome: with(wssWorks, res("h2", engine.Pass, "ok", "alpn", "h2", "enable_connect_protocol", "1", "h2_status", "200", "h2_echo", "ok", "browser_way", "h2"))},
			want:    []string{"websocket-ok ok sure", "h2-websocket-ok info sure"},
			verdict: diagnose.Works,
		},
		{
			name:    "HTTP/2 without the invitation: browsers take HTTP/1.1, nothing to say",
			in:      diagnose.Input{Outcome: with(wssWorks, res("h2", engine.Pass, engine.CodeH2NoWebSocket, "alpn", "h2", "enable_connect_protocol", "absent", "browser_way", "http/1.1"))},
			want:    []string{"websocket-ok ok sure"},
			verdict: diagnose.Works,
		},
		{
			name: "a compression answer the RFC allows, refused by gorilla, works without: works, info",
			in: diagnose.Input{Outcome: with(wssWorks, res("upgrade", engine.Pass, "ok", "status", "101", "accept_ok", "yes", "upgrade", "websocket",
				"sec_websocket_extensions", "permessage-deflate; server_no_context_takeover", "compression", "none",
				"compression_answer", "valid", "retry_without_compression", "ok"))},
			want:    []string{"websocket-ok ok sure", "compression-answer-refused info sure"},
			verdict: diagnose.Works,
		},
		{
			name: "a compression answer that breaks the RFC: named precisely, not server-no-websocket",
			in: diagnose.Input{Outcome: with(wssWorks, res("upgrade", engine.Fail, "bad_extension", "status", "101", "accept_ok", "yes", "upgrade", "websocket",
				"sec_websocket_extensions", "permessage-deflate; client_max_window_bits=20", "compression", "permessage-deflate",
				"compression_answer", "invalid", "extension_parameter", "client_max_window_bits=20",
				"extension_problem", "in an answer this parameter needs a value from 8 to 15 (RFC 7692, section 7.1.2)", "retry_without_compression", "ok"),
				res("echo", engine.Skip, "needs_upgrade"))},
			want:    []string{"compression-answer-invalid problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerServiceAdmin,
		},
		{
			name: "no route at all",
			in: diagnose.Input{Outcome: failNet("wss://app.example.com",
				res("dns", engine.Fail, "timeout", "a_error", "timeout", "aaaa_error", "timeout"),
				res("tcp", engine.Skip, "needs_dns"), res("tls", engine.Skip, "needs_dns"),
				res("http", engine.Skip, "needs_dns"), res("upgrade", engine.Skip, "needs_dns"), skipEcho),
				Env: diagnose.Environment{NoRoute: true}},
			want:    []string{"no-network problem sure", "dns-failure problem likely"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerYou,
		},
		{
			name: "no route, every address unreachable: no network alone",
			in: diagnose.Input{Outcome: failNet("wss://app.example.com", dnsOK,
				res("tcp", engine.Fail, "unreachable", "port", "443", "connect_ipv4", "unreachable"),
				res("tls", engine.Skip, "after_tcp"), res("http", engine.Skip, "after_tcp"), skipUp, skipEcho),
				Env: diagnose.Environment{NoRoute: true}},
			want:    []string{"no-network problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerYou,
		},
		{
			name: "no route, but the name server says no such name: the name is wrong",
			in: diagnose.Input{Outcome: failNet("wss://app.example.com",
				res("dns", engine.Fail, "nxdomain"),
				res("tcp", engine.Skip, "needs_dns"), res("tls", engine.Skip, "needs_dns"),
				res("http", engine.Skip, "needs_dns"), res("upgrade", engine.Skip, "needs_dns"), skipEcho),
				Env: diagnose.Environment{NoRoute: true}},
			want:    []string{"dns-failure problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerYou,
		},
		{
			name: "no route to the internet, a local server unreachable: not no-network",
			in: diagnose.Input{Outcome: failNet("wss://10.1.2.3",
				res("dns", engine.Pass, "ok"),
				res("tcp", engine.Fail, "unreachable", "port", "443", "connect_ipv4", "unreachable"),
				res("tls", engine.Skip, "after_tcp"), res("http", engine.Skip, "after_tcp"), skipUp, skipEcho),
				Env: diagnose.Environment{NoRoute: true}},
			want:      []string{"no-network problem likely", "tcp-blocked problem possible"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerYou,
			uncertain: true,
		},
		{
			name: "every address unreachable: no network, or a port blocked (ranked)",
			in: diagnose.Input{Outcome: failNet("wss://app.example.com", dnsOK,
				res("tcp", engine.Fail, "unreachable", "port", "443", "connect_ipv6", "unreachable", "connect_ipv4", "unreachable"),
				res("tls", engine.Skip, "after_tcp"), res("http", engine.Skip, "after_tcp"), skipUp, skipEcho)},
			want:      []string{"no-network problem likely", "tcp-blocked problem possible"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerYou,
			uncertain: true,
		},
		{
			name: "name does not exist",
			in: diagnose.Input{Outcome: failNet("wss://app.example.invalid",
				res("dns", engine.Fail, "nxdomain", "a_error", "nxdomain", "aaaa_error", "nxdomain"),
				res("tcp", engine.Skip, "needs_dns"), res("tls", engine.Skip, "needs_dns"),
				res("http", engine.Skip, "needs_dns"), res("upgrade", engine.Skip, "needs_dns"), skipEcho)},
			want:     []string{"dns-failure problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"does not exist", "company VPN"},
		},
		{
			name: "lookup fails locally but the proxy may resolve",
			in: diagnose.Input{Outcome: failNet("wss://app.example.com",
				res("dns", engine.Fail, "dns_error"), res("tcp", engine.Skip, "needs_dns"), res("tls", engine.Skip, "needs_dns"),
				res("http", engine.Skip, "needs_dns"), res("upgrade", engine.Skip, "needs_dns"), skipEcho), Env: proxyEnv},
			want:     []string{"dns-failure problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"looks names up by itself"},
		},
		{
			name: "port refused",
			in: diagnose.Input{Outcome: failNet("wss://app.example.com", dnsOK,
				res("tcp", engine.Fail, "refused", "port", "443"), res("tls", engine.Skip, "after_tcp"),
				res("http", engine.Skip, "after_tcp"), skipUp, skipEcho)},
			want:     []string{"tcp-blocked problem likely"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"port 443", "refusal"},
		},
		{
			name: "VPN active and port blocked: both, the block first",
			in: diagnose.Input{Outcome: failNet("wss://app.example.com", dnsOK,
				res("tcp", engine.Fail, "timeout", "port", "443"), res("tls", engine.Skip, "after_tcp"),
				res("http", engine.Skip, "after_tcp"), skipUp, skipEcho),
				Env: diagnose.Environment{VPNActive: true, VPNName: "WireGuard"}},
			want:     []string{"tcp-blocked problem likely", "vpn-active warning possible"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"Turn the VPN (WireGuard) off", "worth ruling out"},
		},
		{
			name: "port blocked, other port of the same host answers",
			in: diagnose.Input{
				Outcome: failNet("ws://app.example.com", dnsOK, res("tcp", engine.Fail, "timeout", "port", "80"), tlsNA,
					res("http", engine.Skip, "after_tcp"), skipUp, skipEcho),
				Other: &wssWorks},
			want:    []string{"plain-ws-blocked problem sure", "tcp-blocked problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerYou,
		},
		{
			name: "IPv6 broken, IPv4 works",
			in: diagnose.Input{Outcome: with(wssWorks, res("tcp", engine.Warn, "partial", "port", "443",
				"connect_ipv6", "unreachable", "connect_ipv4", "ok"))},
			want:    []string{"ipv6-broken warning sure", "websocket-ok ok sure"},
			verdict: diagnose.WorksWithWarnings,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			name: "IPv4 broken, IPv6 works: a partial block, not ipv6-broken",
			in: diagnose.Input{Outcome: with(wssWorks, res("tcp", engine.Warn, "partial", "port", "443",
				"connect_ipv6", "ok", "connect_ipv4", "timeout"))},
			want:    []string{"tcp-blocked warning sure", "websocket-ok ok sure"},
			verdict: diagnose.WorksWithWarnings,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			name: "ws:// refused by a filter, wss:// works",
			in: diagnose.Input{
				Outcome: with(wsWorks, res("upgrade", engine.Fail, "status_400", "status", "400", "server", "nginx", "accept_ok", "missing"), skipEcho),
				Other:   &wssWorks},
			want:      []string{"plain-ws-blocked problem sure", "proxy-strips-upgrade problem likely", "server-no-websocket problem possible"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerYou,
			uncertain: false,
			contains:  []string{"https://"},
		},
		{
			name: "wss:// works, ws:// is filtered: only informs",
			in: diagnose.Input{Outcome: wssWorks,
				Other: ptr(with(wsWorks, res("upgrade", engine.Fail, "status_403", "status", "403", "x_squid_error", "ERR_ACCESS_DENIED 0"), skipEcho))},
			want:    []string{"websocket-ok ok sure", "plain-ws-blocked info sure"},
			verdict: diagnose.Works,
		},
		{
			name: "proxy answers the upgrade itself (Squid)",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("upgrade", engine.Fail, "status_400", "status", "400", "server", "squid/5.7", "via", "1.1 proxy.corp (squid/5.7)", "x_squid_error", "ERR_INVALID_REQ 0"), skipEcho),
				Env: proxyEnv},
			want:     []string{"proxy-strips-upgrade problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"Upgrade and Connection headers", "HTTP/1.1"},
		},
		{
			// The app's own fallback (Socket.IO's long polling) works
			// where the WebSocket does not: a warning beside the problem.
			name: "proxy answers the upgrade itself, Socket.IO's polling works: fallback-works",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("upgrade", engine.Fail, "status_400", "status", "400", "server", "squid/5.7", "via", "1.1 proxy.corp (squid/5.7)", "x_squid_error", "ERR_INVALID_REQ 0"), skipEcho,
				res("fallback", engine.Pass, "ok", "fallback_framework", "socketio", "fallback_transport", "polling", "fallback_answer", "connected",
					"fallback_open_status", "200", "fallback_open_ms", "12", "fallback_send_status", "200", "fallback_receive_status", "200")),
				Env: proxyEnv},
			want:     []string{"proxy-strips-upgrade problem sure", "fallback-works warning sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"can still work, more slowly", "transport=polling"},
		},
		{
			name: "proxy answers the upgrade itself and blocks Socket.IO's polling: fallback-broken",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("upgrade", engine.Fail, "status_400", "status", "400", "server", "squid/5.7", "via", "1.1 proxy.corp (squid/5.7)", "x_squid_error", "ERR_INVALID_REQ 0"), skipEcho,
				res("fallback", engine.Fail, "status_403", "fallback_framework", "socketio", "fallback_transport", "polling", "fallback_stage", "open",
					"fallback_open_status", "403", "fallback_open_ms", "3")),
				Env: proxyEnv},
			want:     []string{"proxy-strips-upgrade problem sure", "fallback-broken problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"backup way is blocked too", "showing a page of its own"},
		},
		{
			name: "the upgrade cut off, Socket.IO's polling cut off too: fallback-broken, closed",
			in: diagnose.Input{Outcome: with(wsWorks, res("upgrade", engine.Fail, "closed"), skipEcho,
				res("fallback", engine.Fail, "closed", "fallback_framework", "socketio", "fallback_stage", "open", "fallback_open_ms", "1"))},
			// Sure that both ways fail; why the upgrade failed is less so.
			want:     []string{"fallback-broken problem sure", "proxy-strips-upgrade problem likely", "server-no-websocket problem possible"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"was cut off or got no answer"},
		},
		{
			// SignalR behind a buffering reverse proxy (nginx, buffering
			// on): its Server-Sent Events are held back, its long polling
			// works: fallback-buffered names nginx and says what to set.
			name: "SignalR's stream held back by nginx, its long polling works: fallback-buffered",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("upgrade", engine.Fail, "status_400", "status", "400", "server", "nginx/1.22.1"), skipEcho,
				res("fallback", engine.Pass, "fallback_buffered", "fallback_framework", "signalr", "fallback_transport", "long_polling", "fallback_answer", "connected",
					"fallback_open_status", "200", "fallback_send_status", "200", "fallback_receive_status", "200",
					"fallback_stream_transport", "sse", "fallback_streaming", "held", "fallback_stream_wait_ms", "4001", "fallback_held_by", "nginx/1.22.1"))},
			want:      []string{"server-no-websocket problem likely", "proxy-strips-upgrade problem possible", "fallback-buffered warning sure"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerServiceAdmin,
			uncertain: true,
			contains:  []string{"it uses SignalR", "holds back the app's stream", "sits in between: nginx/1.22.1", "SignalR's streaming fallback (Server-Sent Events)", "proxy_buffering off", "X-Accel-Buffering: no"},
		},
		{
			// wss:// to a publicly trusted certificate, no proxy: nothing
			// of the person's network reads the stream, so the service's
			// own gateway holds it: its team, not the person's IT.
			name: "SockJS's stream held back end to end: fallback-buffered, service side",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("upgrade", engine.Fail, "status_404", "status", "404", "server", "nginx"), skipEcho,
				res("fallback", engine.Pass, "fallback_buffered", "fallback_framework", "sockjs", "fallback_transport", "xhr_polling", "fallback_answer", "open",
					"fallback_stream_transport", "xhr_streaming", "fallback_streaming", "held", "fallback_stream_wait_ms", "4000", "fallback_held_by", "nginx"))},
			want:     []string{"server-no-websocket problem sure", "fallback-buffered warning sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerServiceAdmin,
			contains: []string{"the service's own gateway holds", "Send this report to the service's support team", "held back on the service's side", "sits in between: nginx", "it uses SockJS"},
			lacks:    []string{"Ask your IT team to stop holding"},
		},
		{
			name: "SockJS: the upgrade refused, xhr_streaming live: fallback-works says SockJS",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("upgrade", engine.Fail, "status_404", "status", "404"), skipEcho,
				res("fallback", engine.Pass, "ok", "fallback_framework", "sockjs", "fallback_transport", "xhr_polling", "fallback_answer", "open",
					"fallback_stream_transport", "xhr_streaming", "fallback_streaming", "live", "fallback_stream_wait_ms", "2"))},
			want:      []string{"server-no-websocket problem likely", "proxy-strips-upgrade problem possible", "fallback-works warning sure"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerServiceAdmin,
			uncertain: true,
			contains:  []string{"it uses SockJS", "can still work, more slowly", "SockJS's other transports", "xhr_streaming are tried"},
			lacks:     []string{"Engine.IO"},
		},
		{
			name: "SignalR blocked by a filter, negotiate answered 403: fallback-broken with SignalR's paths",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("upgrade", engine.Fail, "status_403", "status", "403"), skipEcho,
				res("fallback", engine.Fail, "status_403", "fallback_framework", "signalr", "fallback_transport", "long_polling", "fallback_stage", "open",
					"fallback_open_status", "403", "fallback_open_ms", "2"))},
			want:     []string{"fallback-broken problem sure", "server-refused problem likely"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"it uses SignalR", "Let the hub's path", "showing a page of its own"},
			lacks:    []string{"Engine.IO", "sid query"},
		},
		{
			name:    "a working WebSocket needs no fallback: nothing said of it",
			in:      diagnose.Input{Outcome: with(wsWorks, res("fallback", engine.Pass, "ok", "fallback_framework", "socketio", "fallback_answer", "connected"))},
			want:    []string{"websocket-ok ok sure"},
			verdict: diagnose.Works,
		},
		{
			name: "200 like the plain GET, through a proxy: proxy likelier than server",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("upgrade", engine.Fail, "status_200", "status", "200", "server", "nginx", "body_title", "Example App", "accept_ok", "missing"), skipEcho),
				Env: proxyEnv},
			want:      []string{"proxy-strips-upgrade problem likely", "server-no-websocket problem possible", "proxy-configured info sure"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerNetworkAdmin,
			uncertain: true,
			contains:  []string{"ordinary page"},
		},
		{
			name: "426 on ws:// without a proxy: server likelier than a hidden filter",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("upgrade", engine.Fail, "status_426", "status", "426", "server", "nginx"), skipEcho)},
			want:      []string{"server-no-websocket problem likely", "proxy-strips-upgrade problem possible"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerServiceAdmin,
			uncertain: true,
			contains:  []string{"invisible filter"},
		},
		{
			name: "IIS over wss end to end: the service, for sure",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("upgrade", engine.Fail, "status_200", "status", "200", "server", "Microsoft-IIS/10.0", "accept_ok", "missing"), skipEcho)},
			want:     []string{"server-no-websocket problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerServiceAdmin,
			contains: []string{"IIS", "targetFramework"},
		},
		{
			name: "the same through the proxy and directly: the service",
			in: diagnose.Input{Outcome: with(wssWorks, res("upgrade", engine.Fail, "status_404", "status", "404"), skipEcho), Env: proxyEnv,
				Direct: ptr(with(wssWorks, res("upgrade", engine.Fail, "status_404", "status", "404"), skipEcho))},
			want:    []string{"server-no-websocket problem sure", "proxy-configured info sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerServiceAdmin,
		},
		{
			name: "fails through the proxy, works directly: the proxy",
			in: diagnose.Input{Outcome: with(wssWorks, res("upgrade", engine.Fail, "status_400", "status", "400"), skipEcho), Env: proxyEnv,
				Direct: &wssWorks},
			want:     []string{"proxy-strips-upgrade problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"without the proxy worked"},
		},
		{
			name: "bad Sec-WebSocket-Accept",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("upgrade", engine.Fail, "bad_accept", "status", "101", "accept_ok", "no"), skipEcho)},
			want:    []string{"server-no-websocket problem likely"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerServiceAdmin,
		},
		{
			name: "proxy refuses the tunnel",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "status_403", "proxy_status", "403", "title", "Access blocked by policy", "proxy_agent", "Zscaler"),
				res("tcp", engine.Skip, "after_proxy"), res("tls", engine.Skip, "after_proxy"), res("http", engine.Skip, "after_proxy"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-blocks-connect problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"page saying the address is blocked"},
		},
		{
			// squid could not find the name: a failure of the way on, not a
			// rule, and no reason to say the network forbids the address.
			name: "proxy cannot resolve the service's name",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "proxy_refused_connect", "proxy_status", "503 Service Unavailable", "proxy_reason", "ERR_DNS_FAIL", "proxy_server", "squid/5.7"),
				res("tcp", engine.Skip, "after_proxy"), res("tls", engine.Skip, "after_proxy"), res("http", engine.Skip, "after_proxy"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-cannot-reach problem likely", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"could not reach", "could not find the name", "ERR_DNS_FAIL", "not an access rule"},
			lacks:    []string{"rules of your network", "said no"},
		},
		{
			name: "a gateway timeout from the proxy",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "proxy_refused_connect", "proxy_status", "504 Gateway Timeout"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-cannot-reach problem likely", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"did not answer the proxy in time", "no reason given"},
		},
		{
			// squid's access rules answer 403 ERR_ACCESS_DENIED: a rule.
			name: "squid's access denied stays a refusal",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "proxy_refused_connect", "proxy_status", "403 Forbidden", "proxy_reason", "ERR_ACCESS_DENIED"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:    []string{"proxy-blocks-connect problem sure", "proxy-configured info sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			name: "block page on the upgrade",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("upgrade", engine.Fail, "status_403", "status", "403", "body_title", "Web Filter Block Page", "server", "FortiGate"), skipEcho)},
			want:    []string{"proxy-blocks-connect problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			name: "the first proxy was down and the second asks for credentials: the second is named",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "status_407", "proxy_status", "407", "proxy_authenticate", `Basic realm="corp"`,
					"proxy", "http://backup.corp.example:8080", "proxy_failover", "http://proxy.corp.example:3128"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-auth-required problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"backup.corp.example"},
		},
		{
			name: "proxy wants credentials",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "status_407", "proxy_status", "407", "proxy_authenticate", `NTLM, Negotiate, Basic realm="corp"`),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-auth-required problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"NTLM, Negotiate, Basic"},
		},
		{
			name: "proxy wants a Windows sign-in, the check had no account",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "proxy_auth_required", "proxy_status", "407 Proxy Authentication Required", "proxy_authenticate", "NTLM, Negotiate",
					"proxy_auth_offered", "NTLM, Negotiate", "proxy_auth_result", "no_credentials"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-signin-unavailable problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"wants you to sign in with your Windows account", "--proxy-user", "offers NTLM, Negotiate"},
		},
		{
			name: "proxy refused the Windows sign-in",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "proxy_auth_required", "proxy_status", "407 Proxy Authentication Required", "proxy_authenticate", "Negotiate, NTLM",
					"proxy_auth_offered", "Negotiate, NTLM", "proxy_auth_scheme", "Negotiate", "proxy_auth_identity", "windows",
					"proxy_auth_domain", "CORP", "proxy_auth_rounds", "2", "proxy_auth_result", "refused"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-auth-required problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"did not accept your Windows sign-in", "scheme Negotiate, user's domain CORP", "HTTP/"},
		},
		{
			// SSPI unavailable (Wine, no domain session) or a ticket cache
			// that cannot be read: no sign-in reached the proxy, so it
			// refused nobody.
			name: "the Windows sign-in could not be made",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "proxy_auth_required", "proxy_status", "407 Proxy Authentication Required", "proxy_authenticate", "NTLM",
					"proxy_auth_offered", "NTLM", "proxy_auth_scheme", "NTLM", "proxy_auth_identity", "windows",
					"proxy_auth_result", "failed", "proxy_error", "sign in to the proxy: sspi: package NTLM: winapi error 0x80090305"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-signin-unavailable problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"could not sign you in", "it has not refused you", "Proxy user name", "winapi error 0x80090305"},
			lacks:    []string{"did not accept", "said no", "Lock your computer"},
		},
		{
			name: "proxy refused the Kerberos ticket from kinit",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "proxy_auth_required", "proxy_status", "407 Proxy Authentication Required", "proxy_authenticate", "Negotiate",
					"proxy_auth_offered", "Negotiate", "proxy_auth_scheme", "Negotiate", "proxy_auth_identity", "ticket",
					"proxy_auth_domain", "LAB.TEST", "proxy_auth_rounds", "2", "proxy_auth_result", "refused"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-auth-required problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"did not accept your Kerberos sign-in", "realm LAB.TEST"},
		},
		{
			name: "proxy refused the NTLM credentials given",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "proxy_auth_required", "proxy_status", "407 Proxy Authentication Required", "proxy_authenticate", "NTLM",
					"proxy_auth_offered", "NTLM", "proxy_auth_scheme", "NTLM", "proxy_auth_identity", "credentials",
					"proxy_auth_domain", "LAB", "proxy_auth_rounds", "3", "proxy_auth_result", "refused"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-auth-required problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"did not accept the user name and password", "NTLM sign-in with the user name and password given (user's domain LAB)"},
		},
		{
			name: "a Basic-only proxy refused the password keeps the usual words",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "proxy_auth_required", "proxy_status", "407 Proxy Authentication Required", "proxy_authenticate", `Basic realm="corp"`,
					"proxy_auth_offered", "Basic", "proxy_auth_scheme", "Basic", "proxy_auth_identity", "credentials", "proxy_auth_rounds", "2", "proxy_auth_result", "refused"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-auth-required problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"The proxy wants you to sign in", "ways to sign in: Basic"},
		},
		{
			name: "a proxy that wants NTLM signed in: no problem, proxy-configured names the scheme",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Pass, "ok", "proxy_status", "200 Connection established",
					"proxy_auth_offered", "NTLM, Basic", "proxy_auth_scheme", "NTLM", "proxy_auth_identity", "windows",
					"proxy_auth_domain", "CORP", "proxy_auth_rounds", "3", "proxy_auth_result", "ok")), Env: proxyEnv},
			want:     []string{"websocket-ok ok sure", "proxy-configured info sure"},
			verdict:  diagnose.Works,
			contains: []string{"asks computers to sign in (NTLM); the check signed in"},
		},
		{
			name: "Firefox has a proxy of its own, the check went direct: info",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Skip, "no_proxy", "route", "DIRECT",
					"firefox_proxy", "manual: https=http://proxy.corp.example:3128", "firefox_differs", "Firefox uses the proxy http://proxy.corp.example:3128"))},
			want:     []string{"websocket-ok ok sure", "firefox-own-proxy info sure"},
			verdict:  diagnose.Works,
			contains: []string{"Firefox uses its own proxy settings", "manual: https=http://proxy.corp.example:3128", "Use system proxy settings"},
		},
		{
			name: "proxy does not answer",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("proxy", engine.Fail, "refused", "proxy", "http://proxy.corp.example:3128", "failed_at", "proxy"),
				res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv},
			want:     []string{"proxy-unreachable problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"the Windows internet settings"},
		},
		{
			// As the runner leaves it: the upgrade fails at the proxy on
			// its own (its After probes are tcp and tls), and the upgrade
			// around the proxy works.
			name: "proxy does not answer, the direct upgrade works",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("proxy", engine.Fail, "proxy_unreachable", "proxy", "http://127.0.0.1:9", "proxy_stage", "connect"),
				res("http", engine.Fail, "proxy_unreachable", "proxy", "http://127.0.0.1:9", "proxy_stage", "connect"),
				res("upgrade", engine.Fail, "proxy_unreachable", "failed_at", "connect", "proxy", "http://127.0.0.1:9", "proxy_stage", "connect"),
				res("upgrade_direct", engine.Pass, "ok", "status", "101", "accept_ok", "yes"), skipEcho)},
			want:    []string{"proxy-unreachable problem sure", "proxy-configured info sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerYou,
		},
		{
			name: "idle WebSockets cut after 60 s by the proxy",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("idle", engine.Warn, "idle_limit", "limit_s", "60", "ended_by", "fin", "pings_help", "yes", "survived_s", "59")),
				Env: proxyEnv},
			// Shorter than the app needs: it does not work for this
			// app, whatever else worked (issue 27).
			want:     []string{"proxy-idle-timeout problem sure", "websocket-ok ok sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"after 60 seconds", "at least 120 seconds", "Your network ends quiet live connections after 60 seconds; this app needs at least 120 (the usual recommendation for live apps)."},
		},
		{
			name: "idle WebSockets cut after 60 s, the preset needs 30 s",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("idle", engine.Pass, "idle_limit", "limit_s", "60", "ended_by", "fin", "pings_help", "yes", "survived_s", "59")),
				RequiredIdle: 30 * time.Second, RequiredIdleSource: engine.NeedPreset},
			want:     []string{"proxy-idle-timeout warning sure", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"at least every 30 seconds, so it should stay connected", "come from your support team's settings"},
			lacks:    []string{"while the service needs"},
		},
		{
			name: "quiet WebSockets silently dropped after 11 s, a Socket.IO address",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("idle", engine.Warn, "idle_limit", "limit_s", "11.0", "ended_by", "silent", "pings_help", "yes", "survived_s", "10.5")),
				RequiredIdle: 25 * time.Second, RequiredIdleSource: engine.NeedSocketIO},
			want:     []string{"proxy-idle-timeout problem sure", "websocket-ok ok sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"Your network silently drops quiet live connections after 11 seconds; this app needs at least 25 (Socket.IO's usual heartbeat)."},
		},
		{
			name: "every WebSocket ends 8 s after it opens, busy or not",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("idle", engine.Warn, "max_lifetime", "lifetime_s", "8.0", "ended_by", "fin", "data_helps", "no")), Env: proxyEnv},
			want:    []string{"connection-max-lifetime problem sure", "websocket-ok ok sure", "proxy-configured info sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerNetworkAdmin,
			contains: []string{"Your network ends every live connection 8 seconds after it opens; this app needs at least 120",
				"ended 8 seconds after it opened", "Maximum connection lifetime measured: every WebSocket, busy or idle, was ended 8 s after it opened",
				"is ended 8 s (±1 s) after it opens", "the proxy http://proxy.corp.example:3128"},
			lacks: []string{"Idle timeout"},
		},
		{
			name: "every WebSocket ends 8 s after it opens, the preset needs 5 s",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("idle", engine.Pass, "max_lifetime", "lifetime_s", "8.0", "ended_by", "fin", "data_helps", "no")),
				RequiredIdle: 5 * time.Second, RequiredIdleSource: engine.NeedPreset},
			want:    []string{"connection-max-lifetime warning sure", "websocket-ok ok sure"},
			verdict: diagnose.WorksWithWarnings,
			who:     diagnose.FixerNetworkAdmin,
			lacks:   []string{"keeps losing it"},
		},
		{
			name: "pings do not count, data does: cut after 6 s",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("idle", engine.Warn, "pings_not_enough", "limit_s", "6.0", "ended_by", "fin", "pings_help", "no", "data_helps", "yes"))},
			want:    []string{"pings-not-enough problem sure", "websocket-ok ok sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerNetworkAdmin,
			contains: []string{"Your network ends live connections that only send keep-alive signals after 6 seconds",
				"send a small message at least every 3 seconds", "closed after 6 s (±1 s)"},
			lacks: []string{"Quiet live connections are cut"},
		},
		{
			name: "a WebSocket kept busy with pings is cut anyway",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("idle", engine.Fail, "dropped", "ended_by", "silent", "ping_end_s", "6.0"))},
			want:    []string{"connection-dropped warning likely", "websocket-ok ok sure"},
			verdict: diagnose.WorksWithWarnings,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			name: "idle WebSockets last long enough",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("idle", engine.Pass, "ok", "survived_s", "180"))},
			want:    []string{"websocket-ok ok sure"},
			verdict: diagnose.Works,
		},
		{
			name: "upgrade gets no answer through the proxy",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("upgrade", engine.Fail, "handshake_timeout", "failed_at", "response"), skipEcho), Env: proxyEnv},
			want:     []string{"handshake-timeout problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"holding the request back"},
		},
		{
			name: "an IPv6 address and its port are written as an address",
			in: diagnose.Input{Outcome: outcome("wss://[2001:db8::7]:8443/socket", dnsOK, tcpOK, tlsOK, httpOK,
				res("upgrade", engine.Fail, "handshake_timeout", "failed_at", "response"), skipEcho), Env: proxyEnv},
			want:     []string{"handshake-timeout problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"upgrade request to [2001:db8::7]:8443 got no"},
		},
		{
			name:    "upgrade answered slowly",
			in:      diagnose.Input{Outcome: with(wssWorks, res("upgrade", engine.Warn, "slow", "status", "101", "upgrade_ms", "12500.000"))},
			want:    []string{"handshake-timeout warning sure", "websocket-ok ok sure"},
			verdict: diagnose.WorksWithWarnings,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			name: "TLS inspection by Zscaler, WebSockets still work",
			in: diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Warn, "not_public_root", "version", "TLS 1.3",
				"leaf_issuer", "CN=Zscaler Intermediate Root CA,O=Zscaler Inc.", "leaf_issuer_org", "Zscaler Inc.", "trusted_by", "os_only"))},
			want:     []string{"tls-intercepted warning sure", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"Zscaler Inc.", "The device is Zscaler", "Zscaler: exempt app.example.com", "Cloud App Control"},
		},
		{
			name: "company CA on a public name: inspection likely",
			in: diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Warn, "not_public_root",
				"leaf_issuer", "CN=Corp Issuing CA,O=Example Corp", "leaf_issuer_org", "Example Corp", "trusted_by", "os_only"))},
			want:    []string{"tls-intercepted warning likely", "websocket-ok ok sure"},
			verdict: diagnose.WorksWithWarnings,
			who:     diagnose.FixerNetworkAdmin,
			// An issuer no fingerprint knows keeps the generic words.
			contains: []string{"Exempt app.example.com and its subdomains from TLS inspection"},
			lacks:    []string{"The device is", "Do Not Inspect"},
		},
		{
			name: "the preset names the service's issuer and a company CA answered",
			in: diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Warn, "not_public_root",
				"leaf_issuer", "CN=Corp Issuing CA,O=Example Corp", "leaf_issuer_org", "Example Corp", "trusted_by", "os_only",
				"expected_issuers", "Let's Encrypt; DigiCert Inc", "issuer_expected", "no"))},
			want:     []string{"tls-intercepted warning sure", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"its certificates come from Let's Encrypt or DigiCert Inc."},
		},
		{
			name: "the preset names the service's own private CA: no inspection",
			in: diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Warn, "not_public_root",
				"leaf_issuer", "CN=Acme Issuing CA 2,O=Acme", "leaf_issuer_org", "Acme", "trusted_by", "os_only",
				"expected_issuers", "Acme Issuing CA 2", "issuer_expected", "yes"))},
			want:    []string{"websocket-ok ok sure"},
			verdict: diagnose.Works,
		},
		{
			name: "a public issuer the preset does not name: the service may have changed CA",
			in: diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Pass, "",
				"leaf_issuer", "CN=R11,O=Let's Encrypt,C=US", "leaf_issuer_org", "Let's Encrypt", "trusted_by", "public",
				"expected_issuers", "DigiCert Inc", "issuer_expected", "no"))},
			want:     []string{"tls-intercepted warning possible", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerServiceAdmin,
			contains: []string{"changed where it gets its certificates"},
		},
		{
			name: "inspection product not trusted here",
			in: diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Fail, "cert_unknown_authority",
				"leaf_issuer", "CN=FortiGate CA,O=Fortinet", "leaf_issuer_org", "Fortinet", "trusted_by", "none"),
				res("http", engine.Skip, "after_tls"), res("upgrade", engine.Skip, "after_tls"), skipEcho)},
			want:    []string{"tls-intercepted problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			name: "unknown authority through a proxy: inspection or the service's CA (ranked)",
			in: diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Fail, "cert_unknown_authority",
				"leaf_issuer", "CN=Some CA", "trusted_by", "none"),
				res("http", engine.Skip, "after_tls"), res("upgrade", engine.Skip, "after_tls"), skipEcho), Env: proxyEnv},
			want:      []string{"tls-intercepted problem likely", "tls-cert-invalid problem possible", "proxy-configured info sure"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerNetworkAdmin,
			uncertain: true,
		},
		{
			name: "expired certificate",
			in: diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Fail, "cert_expired", "leaf_issuer", "CN=R11,O=Let's Encrypt", "trusted_by", "none"),
				res("http", engine.Skip, "after_tls"), res("upgrade", engine.Skip, "after_tls"), skipEcho)},
			want:     []string{"tls-cert-invalid problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerServiceAdmin,
			contains: []string{"expired"},
		},
		{
			name: "certificate not yet valid: the clock",
			in: diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Fail, "cert_not_yet_valid", "trusted_by", "none"),
				res("http", engine.Skip, "after_tls"), res("upgrade", engine.Skip, "after_tls"), skipEcho)},
			want:     []string{"tls-cert-invalid problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"date, time and time zone"},
		},
		{
			name:    "wrong host name, checks switched off",
			in:      diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Warn, "cert_hostname", "hostname_match", "no", "trusted_by", "public", "insecure", "yes"))},
			want:    []string{"tls-cert-invalid warning sure", "websocket-ok ok sure"},
			verdict: diagnose.WorksWithWarnings,
			who:     diagnose.FixerServiceAdmin,
		},
		{
			name: "old TLS only",
			in: diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Fail, "tls_version", "version", "TLS 1.0"),
				res("http", engine.Skip, "after_tls"), res("upgrade", engine.Skip, "after_tls"), skipEcho)},
			want:     []string{"tls-version-unsupported problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerServiceAdmin,
			contains: []string{"TLS 1.0"},
		},
		{
			name: "handshake cut after the name was sent",
			in: diagnose.Input{Outcome: with(wssWorks, res("tls", engine.Fail, "reset", "server_name", "app.example.com"),
				res("http", engine.Skip, "after_tls"), res("upgrade", engine.Skip, "after_tls"), skipEcho)},
			want:    []string{"tcp-blocked problem likely"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			name: "the service wants a login",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("upgrade", engine.Fail, "status_401", "status", "401", "www_authenticate", "Bearer"), skipEcho)},
			want:    []string{"server-refused problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerYou,
		},
		{
			name: "messages come back changed",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("echo", engine.Fail, "mangled", "messages_sent", "6", "messages_echoed", "2", "mangled", "text_64kib"))},
			want:     []string{"messages-blocked problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"changed", "wss://app.example.com"},
		},
		{
			name: "nothing echoed: may be a quiet service",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("echo", engine.Warn, "no_echo", "messages_sent", "6", "messages_echoed", "0"))},
			want:    []string{"messages-blocked warning possible"},
			verdict: diagnose.WorksWithWarnings,
			who:     diagnose.FixerServiceAdmin,
		},
		{
			name: "closed right after the first messages",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("echo", engine.Fail, "closed", "messages_sent", "6", "messages_echoed", "0", "close_code", "1006", "close_frame", "no"))},
			want:      []string{"messages-blocked problem likely", "connection-dropped problem possible"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerNetworkAdmin,
			uncertain: true,
		},
		{
			name: "dropped while in use",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("echo", engine.Fail, "reset", "messages_sent", "6", "messages_echoed", "3", "close_code", "1006", "close_frame", "no"))},
			want:    []string{"connection-dropped problem likely"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerNetworkAdmin,
		},
		{
			name:    "VPN on, all good",
			in:      diagnose.Input{Outcome: wssWorks, Env: diagnose.Environment{VPNActive: true, VPNName: "GlobalProtect"}},
			want:    []string{"websocket-ok ok sure", "vpn-active info possible"},
			verdict: diagnose.Works,
		},
		{
			name:     "proxy set by a PAC script, all good",
			in:       diagnose.Input{Outcome: wssWorks, Env: diagnose.Environment{ProxyURL: "http://proxy.corp.example:8080", ProxySource: "pac"}},
			want:     []string{"websocket-ok ok sure", "proxy-configured info sure"},
			verdict:  diagnose.Works,
			contains: []string{"automatic setup script", "proxy.corp.example:8080"},
		},
		{
			name: "a failure nothing explains",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("upgrade", engine.Fail, "error", "failed_at", "response"), skipEcho)},
			want:    []string{"cause-unknown problem possible"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerServiceAdmin,
		},
		{
			name: "stopped by hand",
			in: diagnose.Input{Outcome: func() engine.Outcome {
				o := with(wssWorks, res("upgrade", engine.Skip, "cancelled"), res("echo", engine.Skip, "cancelled"))
				o.Cancelled = true
				return o
			}()},
			want:    []string{"check-incomplete warning sure"},
			verdict: diagnose.Incomplete,
			who:     diagnose.FixerYou,
		},
		{
			name: "a web page's address answers with its page: the live connection's address is needed, the service is not blamed",
			in: diagnose.Input{Outcome: func() engine.Outcome {
				o := with(wssWorks, res("upgrade", engine.Fail, "status_200", "status", "200", "content_type", "text/html"), skipEcho)
				o.Target.Page = true
				return o
			}()},
			want:     []string{"websocket-address-needed warning likely"},
			verdict:  diagnose.Incomplete,
			who:      diagnose.FixerYou,
			contains: []string{"developer tools", "Network, then WS"},
		},
		{
			name: "a web page's address through a proxy that answers in the service's place: the proxy is still named",
			in: diagnose.Input{Outcome: func() engine.Outcome {
				o := with(wssWorks, res("upgrade", engine.Fail, "status_400", "status", "400"), skipEcho)
				o.Target.Page = true
				return o
			}(), Env: proxyEnv, Direct: &wssWorks},
			want:     []string{"proxy-strips-upgrade problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"without the proxy worked"},
		},
		{
			name: "a web page's address that answers like its plain GET, no proxy: a guess at a hidden filter is not made",
			in: diagnose.Input{Outcome: func() engine.Outcome {
				o := with(wsWorks, res("upgrade", engine.Fail, "status_200", "status", "200", "server", "nginx", "body_title", "Example App", "accept_ok", "missing"), skipEcho)
				o.Target.Page = true
				return o
			}()},
			want:    []string{"websocket-address-needed warning likely"},
			verdict: diagnose.Incomplete,
			who:     diagnose.FixerYou,
		},
		{
			name:     "the self-test works: only this computer was tested",
			in:       diagnose.Input{Outcome: outcome("ws://127.0.0.1:8765/echo", dnsOK, tcpOK80, tlsNA, httpOK, up101, echoOK), SelfTest: true},
			want:     []string{"websocket-ok ok sure"},
			verdict:  diagnose.Works,
			contains: []string{"This computer can make WebSocket connections", "were not tested"},
		},
	}...)
}

func ptr[T any](v T) *T { return &v }

func TestRules(t *testing.T) {
	for _, tc := range append(ruleCases(), browserRuleCases()...) {
		t.Run(tc.name, func(t *testing.T) {
			d := diagnose.Diagnose(tc.in)
			if g := got(d); !slices.Equal(g, tc.want) {
				t.Errorf("findings:\n got %q\nwant %q", g, tc.want)
			}
			if d.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s", d.Verdict, tc.verdict)
			}
			if d.WhoCanFix != tc.who {
				t.Errorf("who can fix %q, want %q", d.WhoCanFix, tc.who)
			}
			if d.Uncertain != tc.uncertain {
				t.Errorf("uncertain %v, want %v", d.Uncertain, tc.uncertain)
			}
			words := allWords(d)
			for _, c := range tc.contains {
				if !strings.Contains(words, c) {
					t.Errorf("words lack %q:\n%s", c, words)
				}
			}
			for _, c := range tc.lacks {
				if strings.Contains(words, c) {
					t.Errorf("words say %q:\n%s", c, words)
				}
			}
			if strings.Contains(words, "s3cret") || strings.Contains(words, "jane") {
				t.Errorf("proxy credentials shown:\n%s", words)
			}
			if strings.ContainsAny(words, "{}") {
				t.Errorf("a placeholder was left unfilled:\n%s", words)
			}
			for _, f := range d.Findings {
				if f.Title == "" || f.Explanation == "" || len(f.Evidence) == 0 {
					t.Errorf("%s: incomplete finding %+v", f.ID, f)
				}
			}
		})
	}
}

// TestEveryIDHasAFixture: the table above raises every finding of the
// catalogue at least once.
func TestEveryIDHasAFixture(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range append(ruleCases(), browserRuleCases()...) {
		for _, f := range diagnose.Diagnose(tc.in).Findings {
			seen[f.ID] = true
		}
	}
	for _, id := range diagnose.IDs {
		if !seen[id] {
			t.Errorf("no fixture raises %s", id)
		}
	}
}

func allWords(d diagnose.Diagnosis) string {
	var b strings.Builder
	b.WriteString(d.Headline + "\n" + d.CauseText + "\n" + d.WhoCanFixText + "\n" + d.UncertainText + "\n")
	for _, f := range d.Findings {
		b.WriteString(f.Title + "\n" + f.Explanation + "\n" + strings.Join(f.Terms, "\n") + "\n" + strings.Join(f.Steps, "\n") + "\n" + f.AdminNote + "\n")
	}
	b.WriteString(d.AdminNote)
	return b.String()
}
