package diagnose

// ArticleItem is one cause or remedy of one of the four support articles
// the product is built from, and the findings that detect or explain it; or, when none can, why
// it does not apply to a desktop checker.
type ArticleItem struct {
	// Article is the article's number ("000") and subject.
	Article string
	// Kind is "cause" or "remedy".
	Kind string
	// Item says the article's point in our words.
	Item string
	// IDs are the findings that cover it (with a case, "id/case").
	IDs []string
	// NotApplicable says why no finding can cover it; set when IDs is empty.
	NotApplicable string
}

// Coverage maps every cause and remedy of the four support articles to the
// findings that carry it. TestCoverage checks every ID and case exists.
var Coverage = []ArticleItem{
	// 000: a hosted app (Starsky) needing WebSockets.
	{"000 Starsky", "cause", "something in the network blocks WebSocket connections", []string{"tcp-blocked", "proxy-strips-upgrade", "messages-blocked"}, ""},
	{"000 Starsky", "remedy", "use a different network connection", []string{"tcp-blocked", "no-network", "dns-failure", "connection-dropped", "handshake-timeout", "drops-unexplained"}, ""},
	{"000 Starsky", "remedy", "use or turn off a VPN", []string{"vpn-active", "tcp-blocked/vpn"}, ""},
	{"000 Starsky", "remedy", "ask the administrator to open ports 80 and 443 to the service's addresses", []string{"tcp-blocked", "plain-ws-blocked"}, ""},
	{"000 Starsky", "remedy", "allowlist the service's domains and subdomains on the firewall", []string{"tcp-blocked", "proxy-blocks-connect"}, ""},
	{"000 Starsky", "remedy", "give the application a bypass around the proxy", []string{"proxy-strips-upgrade", "proxy-blocks-connect", "proxy-auth-required", "handshake-timeout"}, ""},
	{"000 Starsky", "remedy", "the proxy must support WebSocket connections", []string{"proxy-strips-upgrade"}, ""},
	{"000 Starsky", "remedy", "the proxy should use HTTP version 1.1", []string{"proxy-strips-upgrade"}, ""},
	{"000 Starsky", "remedy", "source addresses of the service's integrations (NAT IPs)", nil, "inbound addresses of one vendor's server integrations; nothing on the user's machine can test them"},
	{"000 Starsky", "remedy", "keep port 80 open for the redirect to HTTPS", []string{"plain-ws-blocked", "server-no-websocket/redirect"}, ""},
	{"000 Starsky", "remedy", "destination port 443 with HTTPS", []string{"tcp-blocked", "plain-ws-blocked"}, ""},
	{"000 Starsky", "remedy", "TLS 1.2", []string{"tls-version-unsupported"}, ""},
	{"000 Starsky", "cause", "proxy timeouts of 60-90 s; raise to 120-180 s", []string{"proxy-idle-timeout", "handshake-timeout"}, ""},
	{"000 Starsky", "cause", "the proxy truncates headers; Upgrade and Connection must be passed", []string{"proxy-strips-upgrade"}, ""},
	{"000 Starsky", "remedy", "WebSockets detected but problems remain: ask for help", []string{"websocket-ok", "cause-unknown"}, ""},
	{"000 Starsky", "remedy", "test the connection on a WebSocket test website", []string{"browser-differs/both_work", "browser-differs/browser_fails", "browser-differs/app_fails"}, ""},

	// 001: Fire Insights (Sparkflows), a self-hosted server.
	{"001 Fire Insights", "cause", "WebSocket ports not open within the private cloud network", []string{"tcp-blocked"}, ""},
	{"001 Fire Insights", "cause", "a firewall or security agent on the network or machine blocks the socket", []string{"tcp-blocked", "messages-blocked", "tls-intercepted"}, ""},
	{"001 Fire Insights", "cause", "the browser version does not support the transport", []string{"browser-differs/browser_fails"}, ""},
	{"001 Fire Insights", "cause", "a VPN or antivirus blocks WebSockets", []string{"vpn-active", "messages-blocked", "tls-intercepted"}, ""},
	{"001 Fire Insights", "cause", "not enough memory (16 GB) for the server", nil, "sizing of one product's server, not visible from the user's machine"},
	{"001 Fire Insights", "cause", "the WebSocket connection is dropped by a firewall or proxy", []string{"connection-dropped", "proxy-idle-timeout", "messages-blocked/closed", "drops-unexplained", "connection-max-lifetime/watch"}, ""},
	{"001 Fire Insights", "remedy", "test with wscat, sending the page's cookie", []string{"server-refused/login"}, ""},
	{"001 Fire Insights", "remedy", "install Node.js and wscat", nil, "this checker replaces the manual wscat test"},
	{"001 Fire Insights", "remedy", "pass the client certificate and key", []string{"client-cert-required", "client-cert-required/none_given", "client-cert-required/cas"}, ""},
	{"001 Fire Insights", "remedy", "self-signed certificate: skip the check", []string{"tls-cert-invalid/cert_self_signed", "tls-cert-invalid/insecure"}, ""},

	// 002: Optimizely CMS on IIS.
	{"002 Optimizely", "cause", "IIS without the WebSocket feature installed and enabled", []string{"server-no-websocket/iis"}, ""},
	{"002 Optimizely", "remedy", "set httpRuntime targetFramework to 4.5", []string{"server-no-websocket/iis"}, ""},
	{"002 Optimizely", "cause", "firewalls and reverse proxies that do not implement the standard", []string{"proxy-strips-upgrade", "server-no-websocket/reverse_proxy"}, ""},
	{"002 Optimizely", "cause", "a proxy drops the upgrade headers and returns the server's 200 OK", []string{"proxy-strips-upgrade/same_as_get", "server-no-websocket/same_as_get"}, ""},
	{"002 Optimizely", "remedy", "bypass the middle tier and connect to the server directly", []string{"proxy-strips-upgrade/direct_works", "server-no-websocket/direct_same"}, ""},
	{"002 Optimizely", "remedy", "disable WebSockets on the server as a last resort", nil, "a setting of that product that degrades it; not something a user can do or a checker can test"},
	{"002 Optimizely", "cause", "without WebSockets the interface must be refreshed by hand", nil, "a consequence inside that product, not a cause"},

	// 003: Dataiku DSS.
	{"003 Dataiku", "cause", "connecting through an enterprise proxy that does not support WebSockets", []string{"proxy-strips-upgrade", "proxy-configured"}, ""},
	{"003 Dataiku", "cause", "a reverse proxy in front of the server", []string{"server-no-websocket/reverse_proxy"}, ""},
	{"003 Dataiku", "remedy", "otherwise contact support", []string{"cause-unknown", "websocket-ok"}, ""},
	{"003 Dataiku", "cause", "features that stop working without WebSockets", nil, "consequences inside that product, not causes"},
	{"003 Dataiku", "remedy", "connect without the proxy", []string{"proxy-strips-upgrade", "proxy-configured"}, ""},
	{"003 Dataiku", "remedy", "use HTTPS: proxies rarely filter encrypted connections", []string{"plain-ws-blocked", "proxy-strips-upgrade/plain", "messages-blocked/plain"}, ""},
}
