// Package diagnose turns what the probes observed into a verdict and
// findings a person can act on. It is pure: no network, no clock, no I/O, so
// every rule is tested from fixture results.
//
// Diagnose reads an Input (the run, optionally the same host over the other
// scheme, the same target without the proxy, and the machine's proxy and
// VPN settings) and returns a Diagnosis: the verdict, the findings ranked
// most likely cause first, who can fix it, and a note for the network
// administrator.
//
// Rules and words live apart. The rules (rules_*.go) are small functions that
// decide which finding IDs a run raises, with what severity and confidence,
// which variant ("case") of the text applies, and which evidence raised
// them. The words (assets/words/<lang>/findings.json, flat keys such as
// finding.<id>.title, built into a Catalogue and checked by NewCatalogue)
// hold every sentence a person reads, keyed by finding ID,
// with {placeholders} filled from the run (host, port, proxy, seconds
// measured) and a glossary that explains each technical word once, where it
// first appears.
//
// # Telling the middle box from the server
//
//   - Direct vs proxied: when the run through the proxy fails and the
//     direct one works, the proxy is the cause; when both fail the same way,
//     the service is.
//   - wss:// with no proxy and a publicly trusted certificate ends at the
//     service: nothing on the user's network can read or answer the
//     upgrade, so a refusal comes from the service's side.
//   - ws:// against wss:// of the same host (Input.Other): a filter on
//     unencrypted traffic (plain-ws-blocked).
//   - A plain GET and the upgrade of the same origin: the same status,
//     Server and page title means the upgrade was served as a page visit
//     (its Upgrade/Connection headers were dropped on the way).
//   - Server, Via, Proxy-Agent, X-Squid-Error, block-page titles and CDN
//     headers say which side answered (signs.go); Sec-WebSocket-Accept says
//     whether a 101 is a real WebSocket answer, and the TLS issuer whether
//     the encrypted end is the service or an inspecting device. ALPN is not
//     used: the probes offer http/1.1 alone, so it cannot tell more.
//
// When the evidence cannot tell, both causes are listed with confidence
// "likely" and "possible", the likelier first, and the summary says so.
//
// # The support articles, cause by cause
//
// Every cause and remedy of the four support articles the product is built
// from (numbered 000 to 003 below) maps to a finding; coverage.go holds the table (tested), with the items that cannot
// apply to a desktop checker and why. In short:
//
//	000 Starsky        network blocks WebSockets        tcp-blocked, proxy-strips-upgrade
//	                   another network / VPN on or off  tcp-blocked, vpn-active, no-network
//	                   open 80 and 443, allowlist        tcp-blocked, plain-ws-blocked, proxy-blocks-connect
//	                   proxy bypass, HTTP/1.1, headers   proxy-strips-upgrade, proxy-configured
//	                   TLS 1.2                           tls-version-unsupported
//	                   proxy timeout 120-180 s           proxy-idle-timeout, handshake-timeout
//	001 Fire Insights  ports, firewall, security agent  tcp-blocked, messages-blocked, tls-intercepted
//	                   VPN / antivirus                   vpn-active, messages-blocked, tls-intercepted
//	                   connection dropped               connection-dropped, proxy-idle-timeout
//	                   self-signed certificate          tls-cert-invalid
//	002 Optimizely     IIS WebSocket feature, 4.5       server-no-websocket (iis)
//	                   proxy drops headers, 200 OK      proxy-strips-upgrade (same_as_get), Input.Direct
//	003 Dataiku        enterprise proxy                 proxy-strips-upgrade, proxy-configured
//	                   reverse proxy                    server-no-websocket (reverse_proxy)
//	                   use HTTPS                        plain-ws-blocked
//
// The person's own browser, opened on the same address (Input.Browser,
// package checks/browser), is set beside the check: browser-differs says
// which of the two failed and why that points at the browser (extensions,
// its own proxy settings, a web shield) or at a way only the browser can
// take (a proxy sign-in, a proxy script, a certificate it trusts).
//
// Not applicable: SockJS transports (a browser library's fallback),
// memory sizing of one product's server, the Atlassian NAT source addresses
// (inbound to that service), disabling WebSockets on the server (a product
// setting, not a fix), and the manual wscat steps (this checker replaces
// them).
package diagnose
