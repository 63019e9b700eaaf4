package diagnose

// The finding IDs: the contract reports and support teams rely on, the
// order of the connection's path that breaks ties between findings (IDs),
// and the variants of each finding's text a rule can ask for (Cases).

// The finding IDs. They are a contract: reports list them as
// findings[].id, and support teams and scripts match on them, so an ID
// never changes meaning; new ones may be added.
const (
	IDWebSocketOK       = "websocket-ok"
	IDNoNetwork         = "no-network"
	IDDNSFailure        = "dns-failure"
	IDTCPBlocked        = "tcp-blocked"
	IDPlainWSBlocked    = "plain-ws-blocked"
	IDProxyStripsUpg    = "proxy-strips-upgrade"
	IDProxyBlocksCONN   = "proxy-blocks-connect"
	IDProxyAuthRequired = "proxy-auth-required"
	IDProxyUnreachable  = "proxy-unreachable"
	IDProxyIdleTimeout  = "proxy-idle-timeout"
	IDHandshakeTimeout  = "handshake-timeout"
	IDTLSIntercepted    = "tls-intercepted"
	IDTLSCertInvalid    = "tls-cert-invalid"
	IDTLSVersion        = "tls-version-unsupported"
	IDServerNoWebSocket = "server-no-websocket"
	IDMessagesBlocked   = "messages-blocked"
	IDVPNActive         = "vpn-active"
	IDProxyConfigured   = "proxy-configured"
	IDConnectionDropped = "connection-dropped"
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
	// IDBrowserDiffers: the person's own browser, opened on the same address,
	// got an answer next to the check's (shared FINDINGS.md). Its cases say
	// which way they differ, or that the browser confirms the check.
	IDBrowserDiffers = "browser-differs"
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
	IDProxyUnreachable,
	IDProxyAuthRequired,
	IDProxyBlocksCONN,
	IDPlainWSBlocked, // before the blocked port it explains: "use https" is the way out
	IDTCPBlocked,
	IDTLSVersion,
	IDTLSIntercepted,
	IDTLSCertInvalid,
	IDClientCertRequired,
	IDProxyStripsUpg,
	IDServerRefused,
	IDServerNoWebSocket,
	IDAddressNeeded,
	IDHandshakeTimeout,
	IDMessagesBlocked,
	IDConnectionDropped,
	IDProxyIdleTimeout,
	IDVPNActive,
	IDProxyConfigured,
	IDFirefoxOwnProxy,
	IDCauseUnknown,
	IDWebSocketOK,
	IDBrowserDiffers, // the browser's answer beside the check's, after it
}

// Cases are the variants of a finding's text a rule can ask for; the
// catalogue must have every one (checked when it is loaded).
var Cases = map[string][]string{
	IDNoNetwork:         {"no_route", "unreachable", "no_answer"},
	IDDNSFailure:        {"nxdomain", "no_answer", "proxy_may_resolve"},
	IDProxyUnreachable:  {"refused", "timeout", "nxdomain"},
	IDProxyAuthRequired: {"schemes", "signin_needed", "windows_refused", "ticket_refused", "credentials_refused"},
	IDProxyBlocksCONN:   {"block_page", "in_tunnel"}, // in_tunnel: ruleTunnelPage
	IDTCPBlocked:        {"refused", "timeout", "reset", "unreachable", "partial", "other_port_ok", "during_tls", "vpn", "vpn_unknown", "local_not_listening"},
	IDPlainWSBlocked:    {"target_plain", "target_secure"},
	IDTLSVersion:        {"middle_box"},
	IDTLSIntercepted:    {"product", "company_ca", "internal", "not_trusted", "differs_direct", "unexpected_issuer", "public_issuer"},
	IDTLSCertInvalid:    {"cert_expired", "cert_not_yet_valid", "cert_hostname", "cert_self_signed", "cert_unknown_authority", "cert_invalid", "insecure"},
	IDProxyStripsUpg:    {"direct_works", "same_as_get", "closed", "plain", "hidden"},
	IDServerRefused:     {"login", "forbidden"},
	IDServerNoWebSocket: {"iis", "redirect", "not_found", "reverse_proxy", "server_error", "bad_accept", "same_as_get", "closed", "end_to_end", "direct_same",
		"closed_all", "not_http", "headers_too_large", "tls_port", "plain_port"}, // the last five: ruleHostile
	IDHandshakeTimeout:   {"slow", "via_proxy", "no_proxy"},
	IDMessagesBlocked:    {"mangled", "no_echo", "partial", "no_pong", "closed", "close_frame", "plain", "end_to_end", "invalid_utf8", "too_large"},
	IDConnectionDropped:  {"reset", "no_frame"},
	IDProxyIdleTimeout:   {"close_frame", "fin", "reset", "silent", "pings_help", "pings_no_help", "via_proxy"},
	IDVPNActive:          {"with_failure"},
	IDProxyConfigured:    {"pac", "signed_in"},
	IDFirefoxOwnProxy:    {},
	IDCauseUnknown:       {},
	IDCheckIncomplete:    {"cancelled", "deadline"},
	IDWebSocketOK:        {"self_test"},
	IDAddressNeeded:      {},
	IDBrowserDiffers:     browserCases,
	IDCaptivePortal:      {"redirect", "sign_in_page", "tls_name", "os_says"},
	IDClientCertRequired: {"none_given", "not_accepted", "refused", "cas"},
}

// browserCases are the variants of browser-differs: which side failed
// (browser_fails, app_fails) or that both agree (both_work, both_fail);
// then what explains the difference.
var browserCases = []string{
	"browser_fails", "app_fails", "both_work", "both_fail",
	"firefox", "antivirus", "origin", "check_trusts_more",
	"proxy_sign_in", "pac", "own_proxy", "certificate",
}
