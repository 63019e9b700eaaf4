package diagnose

import "sync"

// The finding IDs: the contract reports and support teams rely on, the
// order of the connection's path that breaks ties between findings (IDs),
// and the variants of each finding's text a rule can ask for (Cases).

// The finding IDs. They are a contract: reports list them as
// findings[].id, and support teams and scripts match on them, so an ID
// never changes meaning; new ones may be added.
const (
	IDWebSocketOK     = "websocket-ok"
	IDNoNetwork       = "no-network"
	IDDNSFailure      = "dns-failure"
	IDTCPBlocked      = "tcp-blocked"
	IDPlainWSBlocked  = "plain-ws-blocked"
	IDProxyStripsUpg  = "proxy-strips-upgrade"
	IDProxyBlocksCONN = "proxy-blocks-connect"
	// IDProxyCannotReach: the proxy could not reach the service itself
	// (its name, its port, in time): not a rule of the network.
	IDProxyCannotReach  = "proxy-cannot-reach"
	IDProxyAuthRequired = "proxy-auth-required"
	// IDProxySigninUnavailable: the proxy asks for a Windows sign-in
	// (NTLM, Negotiate) and the check could not make one at all (no
	// account to give, SSPI or Kerberos failing): the proxy never judged
	// a sign-in, unlike proxy-auth-required's refusals.
	IDProxySigninUnavailable = "proxy-signin-unavailable"
	IDProxyUnreachable       = "proxy-unreachable"
	IDProxyIdleTimeout       = "proxy-idle-timeout"
	IDHandshakeTimeout       = "handshake-timeout"
	IDTLSIntercepted         = "tls-intercepted"
	IDTLSCertInvalid         = "tls-cert-invalid"
	IDTLSVersion             = "tls-version-unsupported"
	IDServerNoWebSocket      = "server-no-websocket"
	IDMessagesBlocked        = "messages-blocked"
	IDVPNActive              = "vpn-active"
	IDProxyConfigured        = "proxy-configured"
	IDConnectionDropped      = "connection-dropped"
	// IDServerRefused: the service itself said no to the upgrade (401, 403):
	// it wants a login or does not accept this client.
	IDServerRefused = "server-refused"
	// IDCauseUnknown: WebSockets fail and no rule explains why.
	IDCauseUnknown = "cause-unknown"
	// IDCheckIncomplete: the run was stopped before it finished.
	IDCheckIncomplete = "check-incomplete"
	// IDAddressNeeded: a web page's address was checked; its host was
	// reached, but the app's live connection has an address of its own.
	IDAddressNeeded = "websocket-address-needed"
	// IDFirefoxOwnProxy: Firefox has proxy settings of its own, which take
	// another way to the service than the check took (info).
	IDFirefoxOwnProxy = "firefox-own-proxy"
	// IDCaptivePortal: a network sign-in page (hotel, guest Wi-Fi)
	// answers in place of the service.
	IDCaptivePortal = "captive-portal"
	// IDClientCertRequired: the service wants a TLS client certificate
	// and none it accepts was offered.
	IDClientCertRequired = "client-cert-required"
	// IDPACBroken: this computer's proxy script (PAC, or one WPAD found)
	// could not be fetched or run; the check went direct, but browsers may
	// fail or take another route.
	IDPACBroken = "pac-broken"
	// IDBrowserDiffers: the person's own browser, opened on the same address,
	// got an answer next to the check's (docs/diagnosis.md). Its cases say
	// which way they differ, or that the browser confirms the check.
	IDBrowserDiffers = "browser-differs"
	// IDCompressionInvalid: the service's answer to the compression offer
	// (Sec-WebSocket-Extensions) breaks RFC 7692; clients that check it
	// refuse the connection.
	IDCompressionInvalid = "compression-answer-invalid"
	// IDCompressionRefusedBySome: the service's compression answer keeps
	// to RFC 7692 but some client libraries (gorilla/websocket among
	// them) refuse it; browsers accept it (info, for the app's team).
	IDCompressionRefusedBySome = "compression-answer-refused"
	// IDIPv6Broken: the service has IPv6 and IPv4 addresses; IPv4
	// connects, IPv6 does not (a warning: browsers fall back after a
	// delay).
	IDIPv6Broken = "ipv6-broken"
	// IDMessagesAltered: after a clean handshake, an echo came back
	// different, or its frames were broken (reserved bits, bad opcode):
	// something on the way rewrites messages.
	IDMessagesAltered = "messages-altered"
	// IDMessageSizeLimit: messages up to one size get through, the next
	// size of the integrity ladder does not (closed with 1009, closed, or
	// dropped).
	IDMessageSizeLimit = "message-size-limit"
	// IDH2WebSocketBroken: the server invites browsers to open WebSockets
	// over HTTP/2 (RFC 8441, SETTINGS_ENABLE_CONNECT_PROTOCOL), but that
	// way fails while HTTP/1.1 works: browsers fail, other apps may not.
	IDH2WebSocketBroken = "h2-websocket-broken"
	// IDH2WebSocketOK: the server invites WebSockets over HTTP/2 and that
	// way works too (info: it is the way browsers take).
	IDH2WebSocketOK = "h2-websocket-ok"
	// IDMaxLifetime: every connection, busy or idle, was ended the same
	// time after it opened: a maximum connection lifetime, not idleness.
	IDMaxLifetime = "connection-max-lifetime"
	// IDPingsNotEnough: quiet and pinged connections were ended, one
	// sending small data messages stayed open: the network counts data,
	// not keep-alive pings.
	IDPingsNotEnough = "pings-not-enough"
	// IDFallbackWorks: the WebSocket failed, but the app's own fallback
	// (Socket.IO's long polling) makes a round trip: the app can still
	// work, more slowly (a warning: live connections stay blocked).
	IDFallbackWorks = "fallback-works"
	// IDFallbackBroken: the WebSocket failed, and the app's own fallback
	// fails too: blocked, closed, or unanswered.
	IDFallbackBroken = "fallback-broken"

	// The watch's findings (issue 24; rules_watch.go): the pattern of the
	// drops of connections kept open for a long time.

	// IDNetworkOutage: every connection dropped at once and reconnecting
	// failed for a while: the network (or the way to the service) was
	// down.
	IDNetworkOutage = "network-outage"
	// IDDropsOnNetworkChange: drops came with a change of the network
	// under them (Wi-Fi, interface, route, VPN, proxy, PAC, DNS).
	IDDropsOnNetworkChange = "drops-on-network-change"
	// IDDropsAfterSleep: drops came when the computer woke from sleep:
	// expected, nobody's fault; the app must reconnect (info).
	IDDropsAfterSleep = "drops-after-sleep"
	// IDDropsUnexplained: drops nothing else explains (no change, no
	// sleep, no outage, no limit), with counts, times and endings for IT.
	IDDropsUnexplained = "drops-unexplained"
	// IDFallbackBuffered: the WebSocket failed; the app's polling
	// fallback works, but its streaming one (SignalR's Server-Sent
	// Events, SockJS's xhr_streaming) is held back by a buffering proxy
	// (case named: the answer names it, {held_by}; service_side: the
	// connection reaches the service with nothing of the person's network
	// able to read it, so the service's own gateway buffers).
	IDFallbackBuffered = "fallback-buffered"
)

// IDs lists every finding ID in the order of the connection's path (the
// network, name lookup, proxy, connection, encryption, WebSocket,
// messages, idle), which breaks ties between equally ranked findings: the
// earlier step explains the later ones.
var IDs = []string{
	IDCheckIncomplete,
	IDNoNetwork,
	IDCaptivePortal, // the network's own page: nothing past it was tested
	IDDNSFailure,
	IDPACBroken, // the route is worked out before any proxy is tried
	IDProxyUnreachable,
	IDProxyAuthRequired,
	IDProxySigninUnavailable,
	IDProxyBlocksCONN,
	IDProxyCannotReach,
	IDPlainWSBlocked, // before the blocked port it explains: "use https" is the way out
	IDTCPBlocked,
	IDIPv6Broken,
	IDTLSVersion,
	IDTLSIntercepted,
	IDTLSCertInvalid,
	IDClientCertRequired,
	IDProxyStripsUpg,
	IDServerRefused,
	IDServerNoWebSocket,
	IDCompressionInvalid,
	IDAddressNeeded,
	IDHandshakeTimeout,
	IDMessagesBlocked,
	IDMessagesAltered,
	IDMessageSizeLimit,
	IDH2WebSocketBroken, // after the check's own way: browsers take another
	IDFallbackBroken,    // after the WebSocket: the app's other way
	IDFallbackBuffered,
	IDDropsAfterSleep,      // the watch: what explains a drop; nobody's fault first
	IDNetworkOutage,        // a network that was down: before the expected drops of a change
	IDDropsOnNetworkChange, // a network that changed under the connection
	IDConnectionDropped,
	IDMaxLifetime,
	IDPingsNotEnough,
	IDProxyIdleTimeout,
	IDDropsUnexplained, // the watch's drops nothing above explains
	IDVPNActive,
	IDProxyConfigured,
	IDFirefoxOwnProxy,
	IDCompressionRefusedBySome,
	IDFallbackWorks,
	IDH2WebSocketOK,
	IDCauseUnknown,
	IDWebSocketOK,
	IDBrowserDiffers, // the browser's answer beside the check's, after it
}

// Cases are the variants of a finding's text a rule can ask for; the
// catalogue must have every one (checked when it is loaded). Built on
// first use: the vendor cases come from assets/middleboxes.json.
var Cases = sync.OnceValue(func() map[string][]string {
	return map[string][]string{
		IDNoNetwork:              {"no_route", "unreachable", "no_answer"},
		IDDNSFailure:             {"nxdomain", "no_answer", "proxy_may_resolve"},
		IDProxyUnreachable:       {"refused", "timeout", "nxdomain", "went_away", "entered"}, // entered: enteredCase
		IDProxyAuthRequired:      {"schemes", "windows_refused", "ticket_refused", "credentials_refused"},
		IDProxySigninUnavailable: {"signin_needed"},
		IDProxyBlocksCONN:        append([]string{"block_page", "in_tunnel"}, vendorCases("network")...), // in_tunnel: ruleTunnelPage; vendor_<id>: ruleMiddlebox
		IDProxyCannotReach:       {"dns", "refused", "timeout"},
		IDTCPBlocked:             {"refused", "timeout", "reset", "unreachable", "partial", "other_port_ok", "during_tls", "vpn", "vpn_unknown", "local_not_listening"},
		IDPlainWSBlocked:         {"target_plain", "target_secure"},
		IDTLSVersion:             {"middle_box"},
		IDTLSIntercepted:         append([]string{"product", "company_ca", "internal", "not_trusted", "differs_direct", "unexpected_issuer", "public_issuer"}, vendorCases("network", "endpoint")...), // vendor_<id>: assets/middleboxes.json
		IDTLSCertInvalid:         {"cert_expired", "cert_not_yet_valid", "cert_hostname", "cert_self_signed", "cert_unknown_authority", "cert_invalid", "insecure"},
		IDProxyStripsUpg:         append([]string{"direct_works", "same_as_get", "closed", "plain", "hidden"}, vendorCases("network")...),
		IDServerRefused:          {"login", "forbidden"},
		IDServerNoWebSocket: {"iis", "redirect", "not_found", "reverse_proxy", "server_error", "bad_accept", "same_as_get", "closed", "end_to_end", "direct_same",
			"closed_all", "not_http", "headers_too_large", "tls_port", "plain_port"}, // the last five: ruleHostile
		IDHandshakeTimeout:   {"slow", "via_proxy", "no_proxy"},
		IDMessagesBlocked:    {"mangled", "no_echo", "partial", "no_pong", "closed", "close_frame", "plain", "end_to_end", "this_computer", "invalid_utf8", "too_large"},
		IDConnectionDropped:  {"reset", "no_frame"},
		IDProxyIdleTimeout:   {"close_frame", "fin", "reset", "silent", "pings_help", "pings_no_help", "via_proxy", "long_enough", "need_source", "watch"},
		IDVPNActive:          {"with_failure"},
		IDProxyConfigured:    {"pac", "signed_in", "entered"}, // entered: enteredCase
		IDFirefoxOwnProxy:    {},
		IDCauseUnknown:       {},
		IDCheckIncomplete:    {"cancelled", "deadline"},
		IDWebSocketOK:        {"self_test", "watch_steady"},
		IDAddressNeeded:      {},
		IDBrowserDiffers:     browserCases,
		IDCaptivePortal:      {"redirect", "sign_in_page", "tls_name", "os_says"},
		IDClientCertRequired: {"none_given", "not_accepted", "refused", "cas"},
		IDPACBroken:          {},
		IDCompressionInvalid: {"works_without"},

		IDCompressionRefusedBySome: {},
		IDIPv6Broken:               {},
		IDMessagesAltered:          append([]string{"frame_broken", "tls_inspection", "end_to_end", "this_computer"}, vendorCases("network", "endpoint")...),
		IDMessageSizeLimit:         {"close_1009", "closed", "timeout", "end_to_end"},
		IDH2WebSocketBroken:        {"reset", "refused", "no_echo", "no_answer", "inspected"},
		IDH2WebSocketOK:            {},
		IDMaxLifetime:              {"via_proxy", "too_short", "need_source", "watch"},
		IDPingsNotEnough:           {"via_proxy", "long_enough", "need_source", "watch"},
		IDFallbackWorks:            {"signalr", "sockjs"}, // the framework's own admin words (replacing)
		IDFallbackBroken:           {"blocked", "closed", "no_answer", "signalr", "sockjs"},

		IDNetworkOutage:        {"lost"},
		IDDropsOnNetworkChange: {},
		IDDropsAfterSleep:      {},
		IDDropsUnexplained:     {"summarised"},
		IDFallbackBuffered:     {"named", "service_side"},
	}
})

// browserCases are the variants of browser-differs: which side failed
// (browser_fails, app_fails) or that both agree (both_work, both_fail);
// then what explains the difference.
var browserCases = []string{
	"browser_fails", "app_fails", "both_work", "both_fail",
	"firefox", "antivirus", "origin", "check_trusts_more",
	"proxy_sign_in", "pac", "own_proxy", "certificate",
}
