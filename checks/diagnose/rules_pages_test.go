package diagnose_test

import (
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// pageRuleCases are the rules of pages that answer in place of the
// service: network sign-in pages, gateways that want a client certificate,
// proxies that answer inside the tunnel they opened.
func pageRuleCases() []ruleCase {
	const portalLoc = "http://login.portal.test/portal?continue=http%3A%2F%2Fapp.example.com%2Fsocket"
	portalGet := res("http", engine.Pass, "status_302", "status", "302", "location", portalLoc, "title", "Guest Wi-Fi - Sign in")
	portalUp := res("upgrade", engine.Fail, "status_302", "status", "302", "location", portalLoc, "body_title", "Guest Wi-Fi - Sign in",
		"body", `<html><head><title>Guest Wi-Fi - Sign in</title></head><body><form method="post"><input name="room"></form>`)
	wssPortalTLS := res("tls", engine.Fail, "cert_hostname", "hostname_match", "no", "verified_os", "x509: certificate is valid for login.portal.test, not app.example.com",
		"cert0_sans", "DNS:login.portal.test", "plain_http_status", "302", "plain_http_location", portalLoc, "plain_http_title", "Guest Wi-Fi - Sign in")
	tunnel := res("upgrade", engine.Fail, "error", "failed_at", "response", "proxy", "http://proxy.corp.example:3128", "proxy_status", "200 Connection established",
		"proxy_server", "FilterBox/2.1", "tunnel_answer_bytes", "312", "tunnel_answer", "<html><head><title>Access denied by company policy</title>",
		"tunnel_title", "Access denied by company policy")
	return []ruleCase{
		{
			name:     "a guest network's sign-in page answers ws:// (302 to another host, sign-in page)",
			in:       diagnose.Input{Outcome: outcome("ws://app.example.com/socket", dnsOK, tcpOK80, tlsNA, portalGet, portalUp, skipEcho)},
			want:     []string{"captive-portal problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"sign in", "login.portal.test", "Guest Wi-Fi - Sign in"},
		},
		{
			name: "ws:// sent on to another host, no sign-in page: a portal, or the service's redirect",
			in: diagnose.Input{Outcome: outcome("ws://app.example.com/socket", dnsOK, tcpOK80, tlsNA,
				res("http", engine.Pass, "status_302", "status", "302", "location", "http://gw.other.test/"),
				res("upgrade", engine.Fail, "status_302", "status", "302", "location", "http://gw.other.test/"), skipEcho)},
			want:      []string{"captive-portal problem likely", "server-no-websocket problem likely", "proxy-strips-upgrade problem possible"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerYou,
			uncertain: true,
		},
		{
			name: "ws:// redirected to https:// on the same host: the service's redirect, no portal",
			in: diagnose.Input{Outcome: outcome("ws://app.example.com/socket", dnsOK, tcpOK80, tlsNA,
				res("http", engine.Pass, "status_301", "status", "301", "location", "https://app.example.com/socket"),
				res("upgrade", engine.Fail, "status_301", "status", "301", "location", "https://app.example.com/socket"), skipEcho)},
			want:      []string{"server-no-websocket problem likely", "proxy-strips-upgrade problem possible"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerServiceAdmin,
			uncertain: true,
		},
		{
			name:    "wss:// with the service's own certificate sends the upgrade to another site: the service, no portal",
			in:      diagnose.Input{Outcome: with(wssWorks, res("upgrade", engine.Fail, "status_302", "status", "302", "location", "https://login.other.test/sso"), skipEcho)},
			want:    []string{"server-no-websocket problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerServiceAdmin,
		},
		{
			name: "wss:// answered with a certificate for the portal while plain HTTP is sent to it",
			in: diagnose.Input{Outcome: with(wssWorks, wssPortalTLS,
				res("http", engine.Skip, "after_tls"), res("upgrade", engine.Skip, "after_tls"), skipEcho)},
			want:     []string{"captive-portal problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"certificate for login.portal.test"},
		},
		{
			name: "the operating system says the network wants a sign-in",
			in: diagnose.Input{Outcome: with(wssWorks, res("tcp", engine.Fail, "timeout", "port", "443"),
				res("tls", engine.Skip, "after_tcp"), res("http", engine.Skip, "after_tcp"), skipUp, skipEcho),
				Env: diagnose.Environment{CaptivePortal: true}},
			want:    []string{"captive-portal problem sure", "tcp-blocked problem likely"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerYou,
		},
		{
			name: "nginx wants a client certificate (400 No required SSL certificate was sent)",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("tls", engine.Pass, "ok", "hostname_match", "yes", "verified_os", "yes", "trusted_by", "public",
					"client_cert_requested", "yes", "client_cert_given", "no", "client_cert_offered", "no", "client_cert_cas", "Acme Client CA"),
				res("upgrade", engine.Fail, "status_400", "status", "400", "server", "nginx", "body_title", "400 No required SSL certificate was sent",
					"client_cert_requested", "yes", "client_cert_given", "no", "client_cert_offered", "no", "client_cert_cas", "Acme Client CA"), skipEcho)},
			want:     []string{"client-cert-required problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"Acme Client CA", "--cert", "without a certificate"},
		},
		{
			name: "TLS 1.3: the server's certificate_required alert",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("tls", engine.Fail, "client_cert_required", "tls_alert", "certificate_required", "client_cert_requested", "yes", "client_cert_given", "no", "client_cert_offered", "no"),
				res("http", engine.Skip, "after_tls"), res("upgrade", engine.Skip, "after_tls", "tls_alert", "certificate_required"), skipEcho)},
			want:    []string{"client-cert-required problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerYou,
		},
		{
			name: "TLS 1.2: a handshake failure after the server asked, with a certificate of another authority",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("tls", engine.Fail, "tls_error", "tls_alert", "handshake_failure", "client_cert_requested", "yes", "client_cert_given", "yes",
					"client_cert_offered", "no", "client_cert_not_accepted", "yes", "client_cert_cas", "Acme Client CA"),
				res("http", engine.Skip, "after_tls"), res("upgrade", engine.Skip, "after_tls"), skipEcho)},
			want:     []string{"client-cert-required problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"not issued by an authority the service accepts"},
		},
		{
			name: "403 after a certificate was offered",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("upgrade", engine.Fail, "status_403", "status", "403", "server", "nginx",
					"client_cert_requested", "yes", "client_cert_given", "yes", "client_cert_offered", "yes"), skipEcho)},
			want:     []string{"client-cert-required problem sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"did not accept it"},
		},
		{
			name: "403 after a certificate was offered, through a proxy: the certificate, or the service's refusal",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("upgrade", engine.Fail, "status_403", "status", "403", "server", "nginx", "proxy_status", "200 Connection established",
					"client_cert_requested", "yes", "client_cert_given", "yes", "client_cert_offered", "yes"), skipEcho), Env: proxyEnv},
			want:      []string{"client-cert-required problem likely", "server-refused problem likely", "proxy-blocks-connect problem possible", "proxy-configured info sure"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerYou,
			uncertain: true,
		},
		{
			name: "a client certificate asked for, none offered, and a 401 asking for a login: the login",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("upgrade", engine.Fail, "status_401", "status", "401", "www_authenticate", "Bearer",
					"client_cert_requested", "yes", "client_cert_given", "no", "client_cert_offered", "no"), skipEcho)},
			want:    []string{"server-refused problem sure"},
			verdict: diagnose.DoesNotWork,
			who:     diagnose.FixerYou,
		},
		{
			name: "a client certificate asked for, offered, and the WebSocket works",
			in: diagnose.Input{Outcome: with(wssWorks,
				res("upgrade", engine.Pass, "ok", "status", "101", "client_cert_requested", "yes", "client_cert_given", "yes", "client_cert_offered", "yes"))},
			want:    []string{"websocket-ok ok sure"},
			verdict: diagnose.Works,
		},
		{
			name: "the proxy opens the tunnel, then answers with its own block page",
			in: diagnose.Input{Outcome: outcome("ws://app.example.com/socket", dnsOK, tcpOK80, tlsNA,
				res("http", engine.Fail, "error", "proxy_status", "200 Connection established"), tunnel, skipEcho,
				res("upgrade_direct", engine.Pass, "ok", "status", "101")), Env: proxyEnv},
			want:     []string{"proxy-blocks-connect problem sure", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"Access denied by company policy", "answered itself"},
		},
		{
			name: "through an open tunnel the service answers 404: not left unexplained",
			in: diagnose.Input{Outcome: outcome("wss://app.example.com/socket", dnsOK, tcpOK, tlsOK, httpOK,
				res("upgrade", engine.Fail, "status_404", "status", "404", "server", "nginx", "proxy_status", "200 Connection established"), skipEcho),
				Env: proxyEnv},
			want:      []string{"proxy-strips-upgrade problem likely", "server-no-websocket problem possible", "proxy-configured info sure"},
			verdict:   diagnose.DoesNotWork,
			who:       diagnose.FixerNetworkAdmin,
			uncertain: true,
		},
	}
}
