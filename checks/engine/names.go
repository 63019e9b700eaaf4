package engine

// The probes' names: the runner, the diagnosis, the reports and the window
// all name probes by these.
const (
	ProbeDNS           = "dns"
	ProbeTCP           = "tcp"
	ProbeTLS           = "tls"
	ProbeHTTP          = "http"
	ProbeUpgrade       = "upgrade"
	ProbeEcho          = "echo"
	ProbeIdle          = "idle"
	ProbeProxy         = "proxy"
	ProbeUpgradeDirect = "upgrade_direct"
	// ProbeH2 opens the WebSocket over HTTP/2 as browsers do when the
	// server invites it (RFC 8441); wss:// targets only (probe_h2.go).
	ProbeH2 = "h2"
	// ProbeFallback tries the app's own fallback transport (Socket.IO's
	// long polling) for a framework's address (probe_fallback.go).
	ProbeFallback = "fallback"
)

// Evidence keys the diagnosis reads, as the probes write them.
//
// The idle probe (probe "idle", checks/idle.go) holds open WebSockets quiet
// and reports:
//   - "limit_s": seconds after which an idle connection was ended; absent
//     when it survived the whole wait.
//   - "ended_by": "close_frame", "fin", "reset" or "silent" (the
//     connection went dead without a word: a ping found it gone).
//   - "pings_help": "yes" when a connection that sent pings outlived the
//     limit, "no" when it did not, "unknown".
//   - "survived_s": the longest idle time verified to survive.
//   - code "dropped": a connection that was kept busy ended anyway.
//
// The proxy hop (probe "proxy", or these keys on the upgrade and http
// results when the proxy is dialled inside them) reports:
//   - code "status_NNN" for the proxy's answer to CONNECT that is not
//     2xx, with evidence "proxy_status", "proxy_authenticate", "via",
//     "proxy_agent", "server", "title"; code "ok" for an open tunnel;
//   - a Classify code ("refused", "timeout", "unreachable", "nxdomain",
//     "reset", ...) with "failed_at" "proxy" when the proxy itself could not
//     be reached; "proxy" holds the proxy's address without credentials.

const (
	KeyIdleLimit      = "limit_s"
	KeyIdleEndedBy    = "ended_by"
	KeyPingsKeptAlive = "pings_help"
	KeySurvived       = "survived_s"
	// KeyLifetime: every connection of the idle test, busy or not, was
	// ended this many seconds after it opened (code max_lifetime).
	KeyLifetime = "lifetime_s"
	// KeyDataHelps: whether the idle test's busy connection (small data
	// messages) outlived the idle one: yes, no, unknown.
	KeyDataHelps   = "data_helps"
	KeyProxyStatus = "proxy_status"
	KeyProxyAuth   = "proxy_authenticate"
	KeyFailedAt    = "failed_at"
	KeyProxy       = "proxy"

	// A proxy sign-in (see ProbeRun.dialRoute).
	KeyProxyAuthOffered  = "proxy_auth_offered"
	KeyProxyAuthScheme   = "proxy_auth_scheme"
	KeyProxyAuthIdentity = "proxy_auth_identity"
	KeyProxyAuthDomain   = "proxy_auth_domain"
	KeyProxyAuthRounds   = "proxy_auth_rounds"
	KeyProxyAuthResult   = "proxy_auth_result"
	// KeyProxyError is why the way through the proxy failed, as an
	// error's text (a sign-in that could not be made says why here).
	KeyProxyError = "proxy_error"
	// KeyProxyReason is the proxy's own name for a refusal (squid's
	// X-Squid-Error: ERR_DNS_FAIL, ERR_CONNECT_FAIL, ...).
	KeyProxyReason = "proxy_reason"
)

// Evidence keys the diagnosis and the reports read, as the probes write
// them: a renamed key fails to compile on both sides.
const (
	KeyAError              = "a_error"
	KeyAaaaError           = "aaaa_error"
	KeyAcceptOK            = "accept_ok"
	KeyBody                = "body"
	KeyBodyTitle           = "body_title"
	KeyCert0NotAfter       = "cert0_not_after"
	KeyCert0NotBefore      = "cert0_not_before"
	KeyCert0Sans           = "cert0_sans"
	KeyClientCertCAS       = "client_cert_cas"
	KeyClientCertOffered   = "client_cert_offered"
	KeyClientCertRequested = "client_cert_requested"
	KeyCloseCode           = "close_code"
	KeyCloseFrame          = "close_frame"
	KeyCloseReason         = "close_reason"
	KeyConnectIPV4         = "connect_ipv4"
	KeyConnectIPV6         = "connect_ipv6"
	KeyConnection          = "connection"
	KeyExpectedIssuers     = "expected_issuers"
	KeyHostnameMatch       = "hostname_match"
	KeyInsecure            = "insecure"
	KeyIssuerExpected      = "issuer_expected"
	KeyLeafIssuer          = "leaf_issuer"
	KeyLeafIssuerOrg       = "leaf_issuer_org"
	KeyLocation            = "location"
	KeyMangled             = "mangled"
	KeyMessagesEchoed      = "messages_echoed"
	KeyMessagesSent        = "messages_sent"
	KeyMissing             = "missing"
	KeyPlainHTTPLocation   = "plain_http_location"
	KeyPlainHTTPStatus     = "plain_http_status"
	KeyPlainHTTPTitle      = "plain_http_title"
	KeyPort                = "port"
	KeyPortSpeaks          = "port_speaks"
	KeyProxyFailover       = "proxy_failover"
	KeyProxyOrigin         = "proxy_origin"
	KeyProxySource         = "proxy_source"
	KeySentHeaders         = "sent_headers"
	KeyServer              = "server"
	KeyServerName          = "server_name"
	KeyStatus              = "status"
	KeyTLSAlert            = "tls_alert"
	KeyTTFBMS              = "ttfb_ms"
	KeyTitle               = "title"
	KeyTrustedBy           = "trusted_by"
	KeyTunnelAnswer        = "tunnel_answer"
	KeyTunnelTitle         = "tunnel_title"
	KeyUpgrade             = "upgrade"
	KeyUpgradeMS           = "upgrade_ms"
	KeyVerifiedOS          = "verified_os"
	KeyVersion             = "version"
	KeyVia                 = "via"
	KeyWWWAuthenticate     = "www_authenticate"
	KeyWriteError          = "write_error"
)
