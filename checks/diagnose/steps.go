package diagnose

import "sync"

// Who does each step of a finding: most steps are the person's own
// (check the address, try another network, switch the VPN off); some send
// them to someone else (ask your IT team to ..., send this report to the
// service's team). The Fix-it walk says, step by step, who does it, so a
// step that asks the IT team is not shown as "Who can fix it: you".

// stepAsks names, for every step that sends the person to someone else,
// whom: by the step's key without "finding." ("proxy-unreachable.step.2",
// "proxy-signin-unavailable.case.signin_needed.step.3"). A step not listed is
// the person's own. TestStepsSayWhoDoesThem holds the English words to
// this table: a step listed must send the person to someone, one not
// listed must not.
var stepAsks = sync.OnceValue(func() map[string]Fixer {
	return map[string]Fixer{
		"websocket-ok.step.1":                                 FixerServiceAdmin,
		"dns-failure.step.3":                                  FixerNetworkAdmin,
		"proxy-unreachable.step.2":                            FixerNetworkAdmin,
		"pac-broken.step.1":                                   FixerNetworkAdmin,
		"proxy-auth-required.step.2":                          FixerNetworkAdmin,
		"proxy-signin-unavailable.case.signin_needed.step.3":  FixerNetworkAdmin,
		"proxy-auth-required.case.windows_refused.step.2":     FixerNetworkAdmin,
		"proxy-auth-required.case.ticket_refused.step.2":      FixerNetworkAdmin,
		"proxy-auth-required.case.credentials_refused.step.2": FixerNetworkAdmin,
		"proxy-signin-unavailable.step.2":                     FixerNetworkAdmin,
		"proxy-blocks-connect.step.1":                         FixerNetworkAdmin,
		"proxy-blocks-connect.step.2":                         FixerNetworkAdmin,
		"proxy-blocks-connect.case.in_tunnel.step.1":          FixerNetworkAdmin,
		"proxy-blocks-connect.case.in_tunnel.step.2":          FixerNetworkAdmin,
		"proxy-cannot-reach.step.2":                           FixerNetworkAdmin,
		"tcp-blocked.step.2":                                  FixerNetworkAdmin,
		"tcp-blocked.case.partial.step.1":                     FixerNetworkAdmin,
		"plain-ws-blocked.case.target_plain.step.2":           FixerServiceAdmin,
		"tls-version-unsupported.step.1":                      FixerServiceAdmin,
		"tls-version-unsupported.case.middle_box.step.1":      FixerNetworkAdmin,
		"tls-intercepted.step.1":                              FixerNetworkAdmin,
		"tls-intercepted.case.not_trusted.step.1":             FixerNetworkAdmin,
		"tls-intercepted.case.public_issuer.step.1":           FixerServiceAdmin,
		"tls-cert-invalid.step.1":                             FixerServiceAdmin,
		"proxy-strips-upgrade.step.1":                         FixerNetworkAdmin,
		"proxy-strips-upgrade.step.2":                         FixerNetworkAdmin,
		"server-refused.step.2":                               FixerServiceAdmin,
		"websocket-address-needed.step.1":                     FixerServiceAdmin,
		"server-no-websocket.step.2":                          FixerServiceAdmin,
		"server-no-websocket.case.tls_port.step.2":            FixerServiceAdmin,
		"server-no-websocket.case.plain_port.step.1":          FixerServiceAdmin,
		"handshake-timeout.step.3":                            FixerNetworkAdmin,
		"messages-blocked.step.3":                             FixerNetworkAdmin,
		"messages-blocked.case.end_to_end.step.1":             FixerServiceAdmin,
		"connection-dropped.step.2":                           FixerNetworkAdmin,
		"proxy-idle-timeout.step.1":                           FixerNetworkAdmin,
		"vpn-active.step.3":                                   FixerNetworkAdmin,
		"browser-differs.step.1":                              FixerServiceAdmin,
		"browser-differs.case.browser_fails.step.4":           FixerServiceAdmin,
		"browser-differs.case.antivirus.step.1":               FixerNetworkAdmin,
		"browser-differs.case.check_trusts_more.step.1":       FixerNetworkAdmin,
		"browser-differs.case.app_fails.step.2":               FixerServiceAdmin,
		"browser-differs.case.certificate.step.1":             FixerNetworkAdmin,
		"browser-differs.case.both_work.step.1":               FixerServiceAdmin,
		"cause-unknown.step.2":                                FixerServiceAdmin,
		"client-cert-required.case.refused.step.1":            FixerServiceAdmin,
		"compression-answer-invalid.step.1":                   FixerServiceAdmin,
		"compression-answer-refused.step.1":                   FixerServiceAdmin,
		"ipv6-broken.step.1":                                  FixerNetworkAdmin,
		"messages-altered.step.3":                             FixerNetworkAdmin,
		"message-size-limit.step.1":                           FixerNetworkAdmin,
		"messages-blocked.case.this_computer.step.1":          FixerServiceAdmin,
		"proxy-unreachable.case.went_away.step.2":             FixerNetworkAdmin,
		"proxy-idle-timeout.case.long_enough.step.1":          FixerNetworkAdmin,
		"h2-websocket-broken.step.1":                          FixerServiceAdmin,
		"fallback-broken.step.1":                              FixerNetworkAdmin,
		"fallback-broken.case.signalr.step.1":                 FixerNetworkAdmin,
		"fallback-broken.case.sockjs.step.1":                  FixerNetworkAdmin,
		"fallback-buffered.step.1":                            FixerNetworkAdmin,
		"fallback-buffered.case.service_side.step.1":          FixerServiceAdmin,
		"pings-not-enough.step.1":                             FixerServiceAdmin,
		"pings-not-enough.step.2":                             FixerNetworkAdmin,
		"connection-max-lifetime.step.1":                      FixerNetworkAdmin,
		"connection-max-lifetime.step.2":                      FixerServiceAdmin,
		"tls-intercepted.case.vendor_eset.step.2":             FixerNetworkAdmin,
		"tls-intercepted.case.vendor_kaspersky.step.2":        FixerNetworkAdmin,
		"tls-intercepted.case.vendor_avast.step.2":            FixerNetworkAdmin,
		"tls-intercepted.case.vendor_bitdefender.step.2":      FixerNetworkAdmin,
		"tls-intercepted.case.vendor_norton.step.2":           FixerNetworkAdmin,
		"tls-intercepted.case.vendor_trendmicro.step.2":       FixerNetworkAdmin,
		"messages-altered.case.vendor_eset.step.2":            FixerNetworkAdmin,
		"messages-altered.case.vendor_kaspersky.step.2":       FixerNetworkAdmin,
		"messages-altered.case.vendor_avast.step.2":           FixerNetworkAdmin,
		"messages-altered.case.vendor_bitdefender.step.2":     FixerNetworkAdmin,
		"messages-altered.case.vendor_norton.step.2":          FixerNetworkAdmin,
		"messages-altered.case.vendor_trendmicro.step.2":      FixerNetworkAdmin,
		"drops-after-sleep.step.2":                            FixerServiceAdmin,
		"drops-on-network-change.step.2":                      FixerServiceAdmin,
		"network-outage.step.2":                               FixerNetworkAdmin,
		"drops-unexplained.step.2":                            FixerNetworkAdmin,
	}
})

// stepFixer is who does the step with key (see stepAsks).
func stepFixer(key string) Fixer {
	if f, ok := stepAsks()[key]; ok {
		return f
	}
	return FixerYou
}
