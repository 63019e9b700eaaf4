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
	KeyProxyStatus    = "proxy_status"
	KeyProxyAuth      = "proxy_authenticate"
	KeyFailedAt       = "failed_at"
	KeyProxy          = "proxy"

	// A proxy sign-in (see Run.dialRoute).
	KeyProxyAuthOffered  = "proxy_auth_offered"
	KeyProxyAuthScheme   = "proxy_auth_scheme"
	KeyProxyAuthIdentity = "proxy_auth_identity"
	KeyProxyAuthDomain   = "proxy_auth_domain"
	KeyProxyAuthRounds   = "proxy_auth_rounds"
	KeyProxyAuthResult   = "proxy_auth_result"
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
