package diagnose_test

import (
	"net/http"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// Browser answers, as checks/browser's page posts them.
var (
	chromiumOK = &browser.Result{Target: "wss://app.example.com/socket", Opened: true, OpenMS: 80, FirstEchoMS: 21,
		CloseMS: 130, EchoedText: true, EchoedBinary: true, CloseCode: 1000, WasClean: true, Online: true,
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"}
	chromiumFails = &browser.Result{Target: "wss://app.example.com/socket", CloseMS: 40, CloseCode: 1006, Error: "error", Online: true,
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"}
	firefoxFailsAV = &browser.Result{Target: "wss://app.example.com/socket", CloseMS: 40, CloseCode: 1006, Error: "error", Online: true,
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0", Antivirus: []string{"Avast Antivirus"}}
)

// browserRuleCases are the rule table's cases for browser-differs (TestRules
// runs them with the others).
func browserRuleCases() []ruleCase {
	proxy407 := with(wssWorks,
		res("proxy", engine.Fail, "status_407", "proxy_status", "407", "proxy_authenticate", `Negotiate, NTLM`),
		res("upgrade", engine.Skip, "after_proxy"), skipEcho)
	proxyDown := with(wsWorks,
		res("proxy", engine.Fail, "proxy_unreachable", "proxy", "http://127.0.0.1:9", "proxy_stage", "connect"),
		res("http", engine.Fail, "proxy_unreachable", "proxy", "http://127.0.0.1:9", "proxy_stage", "connect"),
		res("upgrade", engine.Fail, "proxy_unreachable", "failed_at", "connect", "proxy", "http://127.0.0.1:9", "proxy_stage", "connect"),
		skipEcho)
	withOrigin := wssWorks
	withOrigin.Options.Headers = http.Header{"Origin": {"https://app.example.com"}}
	tcpRefused := with(wssWorks, res("tcp", engine.Fail, "refused", "port", "443", "connect_ipv4", "refused", "connect_ipv6", "refused"),
		res("tls", engine.Skip, "after_tcp"), res("http", engine.Skip, "after_tcp"), skipUp, skipEcho)
	cancelled := with(wssWorks, res("upgrade", engine.Skip, "cancelled"), res("echo", engine.Skip, "cancelled"))
	cancelled.Cancelled = true
	return []ruleCase{
		browserTrustCase(),
		{
			name:     "the check works, the browser does not: the browser is the cause",
			in:       diagnose.Input{Outcome: wssWorks, Browser: chromiumFails},
			want:     []string{"browser-differs warning likely", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerYou,
			contains: []string{"Your browser cannot open the live connection, but this check can", "(Chrome)", "private window", "another browser", "own proxy settings"},
		},
		{
			name:     "the check works, Firefox does not, an antivirus is on",
			in:       diagnose.Input{Outcome: wssWorks, Browser: firefoxFailsAV},
			want:     []string{"browser-differs warning likely", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerYou,
			contains: []string{"(Firefox)", "Firefox has proxy settings of its own", "Switch off the web protection of Avast Antivirus"},
		},
		{
			name:     "the check sent the service's Origin, the browser's test page was refused",
			in:       diagnose.Input{Outcome: withOrigin, Browser: chromiumFails},
			want:     []string{"browser-differs warning likely", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerYou,
			contains: []string{"may not apply to the app itself"},
		},
		{
			name:     "the proxy wants a sign-in the browser has: only the browser works",
			in:       diagnose.Input{Outcome: proxy407, Env: proxyEnv, Browser: chromiumOK},
			want:     []string{"proxy-auth-required problem sure", "browser-differs warning likely", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"Your browser can open the live connection, but this check cannot", "the browser signed in", "Use the app in this browser"},
		},
		{
			name:     "the proxy set here is down, the browser goes another way",
			in:       diagnose.Input{Outcome: proxyDown, Browser: chromiumOK},
			want:     []string{"proxy-unreachable problem sure", "browser-differs warning likely", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"the browser went another way"},
		},
		{
			name: "a proxy script chooses, the browser works",
			in: diagnose.Input{Outcome: proxyDown, Browser: chromiumOK,
				Env: diagnose.Environment{ProxyURL: "http://127.0.0.1:9", ProxySource: "pac", ProxyOrigin: "http://wpad.corp.example/wpad.dat"}},
			want:     []string{"proxy-unreachable problem sure", "browser-differs warning likely", "proxy-configured info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerYou,
			contains: []string{"another script"},
		},
		{
			name:     "both work: a confirmation",
			in:       diagnose.Input{Outcome: wssWorks, Browser: chromiumOK},
			want:     []string{"websocket-ok ok sure", "browser-differs ok sure"},
			verdict:  diagnose.Works,
			contains: []string{"Your browser could open the live connection too"},
		},
		{
			name:     "both fail: a confirmation, no new problem",
			in:       diagnose.Input{Outcome: tcpRefused, Browser: chromiumFails},
			want:     []string{"tcp-blocked problem likely", "browser-differs info sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"could not open the live connection either"},
		},
		{
			name:    "a check stopped by hand says nothing of the browser",
			in:      diagnose.Input{Outcome: cancelled, Browser: chromiumOK},
			want:    []string{"check-incomplete warning sure"},
			verdict: diagnose.Incomplete,
			who:     diagnose.FixerYou,
		},
	}
}

// browserTrustCase: the check trusted a CA file the browser does not know.
func browserTrustCase() ruleCase {
	o := wssWorks
	o.Options.CAFile = "/etc/ssl/company-ca.pem"
	return ruleCase{
		name:     "the check trusts a CA file, the browser fails",
		in:       diagnose.Input{Outcome: o, Browser: chromiumFails},
		want:     []string{"browser-differs warning likely", "websocket-ok ok sure"},
		verdict:  diagnose.WorksWithWarnings,
		who:      diagnose.FixerYou,
		contains: []string{"does not know that authority", "install the company's certificate authority"},
	}
}
