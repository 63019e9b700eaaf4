package diagnose_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// namedCase is a run in which a finding that blames a middle box names
// its product (product: its name in assets/middleboxes.json), or names
// none (product "").
type namedCase struct {
	name    string
	in      diagnose.Input
	finding string
	product string
	// refs are "probe key" evidence the finding must point at, for the
	// signs that named the product.
	refs []string
}

func namedCases() []namedCase {
	// The proxy refuses CONNECT with its own answer.
	refused := func(kv ...string) diagnose.Input {
		return diagnose.Input{Outcome: with(wssWorks,
			res("proxy", engine.Fail, "status_403", append([]string{"proxy_status", "403 Forbidden"}, kv...)...),
			res("tcp", engine.Skip, "after_proxy"), res("tls", engine.Skip, "after_proxy"), res("http", engine.Skip, "after_proxy"),
			res("upgrade", engine.Skip, "after_proxy"), skipEcho), Env: proxyEnv}
	}
	// The upgrade through the proxy fails, the same directly works; tls
	// is the proxied run's TLS result.
	stripped := func(tls engine.Result, kv ...string) diagnose.Input {
		return diagnose.Input{Outcome: with(wssWorks, tls, res("upgrade", engine.Fail, "status_400", append([]string{"status", "400"}, kv...)...), skipEcho),
			Env: proxyEnv, Direct: &wssWorks}
	}
	issuedBy := func(org, cn string) engine.Result {
		return res("tls", engine.Warn, "not_public_root", "version", "TLS 1.3", "leaf_issuer", cn, "leaf_issuer_org", org, "trusted_by", "os_only")
	}
	altered := res("echo", engine.Fail, "altered", "messages_sent", "6", "messages_echoed", "6",
		"ladder", "altered", "ladder_how", "altered", "ladder_failed_step", "binary_1mib", "ladder_failed_bytes", "1048576", "ladder_passed_bytes", "65536")
	zscaler := issuedBy("Zscaler Inc.", "CN=Zscaler Intermediate Root CA (zscaler.net),O=Zscaler Inc.")
	paloalto := issuedBy("Palo Alto Networks", "CN=Palo Alto Networks Forward Trust CA,O=Palo Alto Networks")
	eset := issuedBy("ESET, spol. s r.o.", "CN=ESET SSL Filter CA,O=ESET, spol. s r.o.")
	return []namedCase{
		// proxy-blocks-connect: the proxy's refusal.
		{name: "Zscaler refuses the tunnel (Server and block page)", finding: diagnose.IDProxyBlocksCONN, product: "Zscaler",
			in:   refused("proxy_server", "Zscaler/6.2", "title", "Website blocked", "proxy_body", "<html><head><title>Website blocked</title></head><body>Zscaler has blocked this site"),
			refs: []string{"proxy proxy_server", "proxy proxy_body"}},
		{name: "FortiGate refuses the tunnel", finding: diagnose.IDProxyBlocksCONN, product: "Fortinet FortiGate",
			in:   refused("proxy_server", "FortiGate", "title", "FortiGuard Web Filtering: Web Page Blocked!"),
			refs: []string{"proxy proxy_server", "proxy title"}},
		{name: "Blue Coat refuses the tunnel", finding: diagnose.IDProxyBlocksCONN, product: "Symantec (Blue Coat) ProxySG",
			in:   refused("proxy_via", "1.1 proxysg.corp.example", "title", "Symantec Web Security: access denied"),
			refs: []string{"proxy proxy_via", "proxy title"}},
		{name: "squid refuses the tunnel", finding: diagnose.IDProxyBlocksCONN, product: "Squid",
			in:   refused("proxy_server", "squid/5.7", "proxy_reason", "ERR_ACCESS_DENIED", "title", "ERROR: The requested URL could not be retrieved"),
			refs: []string{"proxy proxy_server", "proxy proxy_reason"}},
		{name: "a block page titled as Palo Alto's, and nothing else: one weak sign", finding: diagnose.IDProxyBlocksCONN,
			in: refused("proxy_server", "gateway", "title", "Web Page Blocked")},
		{name: "squid's Via alone: one weak sign", finding: diagnose.IDProxyBlocksCONN,
			in: refused("proxy_via", "1.1 proxy.corp (squid/5.7)", "title", "Access blocked by policy")},
		{name: "Blue Coat's page inside the tunnel it opened", finding: diagnose.IDProxyBlocksCONN, product: "Symantec (Blue Coat) ProxySG",
			in: diagnose.Input{Outcome: with(wsWorks,
				res("upgrade", engine.Fail, "error", "failed_at", "response", "proxy", "http://proxy.corp.example:3128", "proxy_status", "200 Connection established",
					"proxy_via", "1.1 bluecoat-sg.corp.example", "tunnel_answer_bytes", "312", "tunnel_answer", "<html><head><title>Symantec Web Security - Access Denied</title>",
					"tunnel_title", "Symantec Web Security - Access Denied"), skipEcho), Env: proxyEnv},
			refs: []string{"upgrade proxy_via", "upgrade tunnel_title"}},
		// proxy-strips-upgrade: the proxy's answer to the upgrade, or the
		// issuer of the same run.
		{name: "Zscaler's certificate in the run that lost the upgrade", finding: diagnose.IDProxyStripsUpg, product: "Zscaler",
			in: stripped(zscaler), refs: []string{"tls leaf_issuer_org", "tls leaf_issuer"}},
		{name: "Palo Alto's certificate in the run that lost the upgrade", finding: diagnose.IDProxyStripsUpg, product: "Palo Alto Networks",
			in: stripped(paloalto), refs: []string{"tls leaf_issuer_org"}},
		{name: "FortiGate answers the upgrade", finding: diagnose.IDProxyStripsUpg, product: "Fortinet FortiGate",
			in: stripped(tlsOK, "server", "FortiGate", "body_title", "FortiGuard Application Control"), refs: []string{"upgrade server", "upgrade body_title"}},
		{name: "Blue Coat answers the upgrade", finding: diagnose.IDProxyStripsUpg, product: "Symantec (Blue Coat) ProxySG",
			in: stripped(tlsOK, "via", "1.1 proxysg", "x_bluecoat_via", "4f2a9c01d2e3b4a5"), refs: []string{"upgrade via", "upgrade x_bluecoat_via"}},
		{name: "squid answers the upgrade", finding: diagnose.IDProxyStripsUpg, product: "Squid",
			in:   stripped(tlsOK, "server", "squid/5.7", "via", "1.1 proxy.corp (squid/5.7)", "x_squid_error", "ERR_INVALID_REQ 0"),
			refs: []string{"upgrade server", "upgrade via", "upgrade x_squid_error"}},
		{name: "squid's Via alone on the upgrade: one weak sign", finding: diagnose.IDProxyStripsUpg,
			in: stripped(tlsOK, "via", "1.1 proxy.corp (squid/5.7)")},
		{name: "ESET's certificate: a program on the computer is no proxy", finding: diagnose.IDProxyStripsUpg,
			in: stripped(eset)},
		// messages-altered: the inspecting device or program.
		{name: "Zscaler inspects and the messages come back changed", finding: diagnose.IDMessagesAltered, product: "Zscaler",
			in: diagnose.Input{Outcome: with(wssWorks, zscaler, altered)}, refs: []string{"tls leaf_issuer_org"}},
		{name: "Palo Alto inspects and the messages come back changed", finding: diagnose.IDMessagesAltered, product: "Palo Alto Networks",
			in: diagnose.Input{Outcome: with(wssWorks, paloalto, altered)}, refs: []string{"tls leaf_issuer_org"}},
		{name: "ESET on this computer changes the messages", finding: diagnose.IDMessagesAltered, product: "ESET",
			in: diagnose.Input{Outcome: with(wssWorks, eset, altered)}, refs: []string{"tls leaf_issuer"}},
		{name: "Blue Coat's headers on the page, the messages changed", finding: diagnose.IDMessagesAltered, product: "Symantec (Blue Coat) ProxySG",
			in: diagnose.Input{Outcome: with(wsWorks, res("http", engine.Pass, "status_200", "status", "200", "server", "nginx", "via", "1.1 proxysg",
				"x_bluecoat_via", "4f2a9c01d2e3b4a5"), altered)},
			refs: []string{"http via", "http x_bluecoat_via"}},
		{name: "squid's Via alone, the messages changed: one weak sign", finding: diagnose.IDMessagesAltered,
			in: diagnose.Input{Outcome: with(wsWorks, res("http", engine.Pass, "status_200", "status", "200", "server", "nginx", "via", "1.1 proxy.corp (squid/5.7)"), altered)}},
	}
}

// TestMiddleboxNamed: the findings that blame a middle box name its
// product, with its own remedy and the evidence that named it, when the
// run shows its certificate or two of its weak signs; one weak sign, or a
// program on the computer where only a device can be, keeps the generic
// words.
func TestMiddleboxNamed(t *testing.T) {
	for _, tc := range namedCases() {
		t.Run(tc.name, func(t *testing.T) {
			d := diagnose.Diagnose(tc.in)
			var f *diagnose.Finding
			for i := range d.Findings {
				if d.Findings[i].ID == tc.finding {
					f = &d.Findings[i]
				}
			}
			if f == nil {
				t.Fatalf("no %s in %q", tc.finding, got(d))
			}
			if tc.product == "" {
				for _, m := range diagnose.Middleboxes() {
					if strings.Contains(f.AdminNote, m.Name+":") || strings.Contains(f.Explanation, m.Name) {
						t.Errorf("named %s:\n%s\n%s", m.Name, f.Explanation, f.AdminNote)
					}
				}
				return
			}
			if !strings.Contains(f.Explanation, tc.product) || !strings.Contains(f.AdminNote, tc.product+":") {
				t.Errorf("%s not named:\n%s\n%s", tc.product, f.Explanation, f.AdminNote)
			}
			var have []string
			for _, e := range f.Evidence {
				have = append(have, e.Probe+" "+e.Key)
			}
			for _, r := range tc.refs {
				if !slices.Contains(have, r) {
					t.Errorf("evidence %q lacks %s", have, r)
				}
			}
			if strings.ContainsAny(f.Explanation+f.AdminNote+strings.Join(f.Steps, ""), "{}") {
				t.Errorf("a placeholder left: %+v", f)
			}
		})
	}
}

// TestMiddleboxNamedSteps: a program on the computer named in
// messages-altered gives the person its own step first, and the IT team's
// after it.
func TestMiddleboxNamedSteps(t *testing.T) {
	eset := res("tls", engine.Warn, "not_public_root", "leaf_issuer", "CN=ESET SSL Filter CA", "trusted_by", "os_only")
	d := diagnose.Diagnose(diagnose.Input{Outcome: with(wssWorks, eset, res("echo", engine.Fail, "altered", "messages_sent", "6", "messages_echoed", "6", "ladder_how", "altered"))})
	for _, f := range d.Findings {
		if f.ID != diagnose.IDMessagesAltered {
			continue
		}
		if len(f.Steps) < 2 || !strings.HasPrefix(f.Steps[0], "Open ESET and add app.example.com") || f.StepFixers[0] != diagnose.FixerYou || f.StepFixers[1] != diagnose.FixerNetworkAdmin {
			t.Errorf("steps %q by %q", f.Steps, f.StepFixers)
		}
		return
	}
	t.Fatalf("no messages-altered in %q", got(d))
}

// TestMiddleboxRemediesPerFinding: every product each finding can name
// has its own remedy in that finding, naming it, in every language; a
// program on the computer also steps for the person.
func TestMiddleboxRemediesPerFinding(t *testing.T) {
	ids := []string{diagnose.IDProxyStripsUpg, diagnose.IDProxyBlocksCONN, diagnose.IDMessagesAltered}
	for _, lang := range i18n.Languages {
		c, err := diagnose.CatalogueFor(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			kinds := diagnose.NameableKinds(id)
			if len(kinds) == 0 {
				t.Fatalf("%s names no product", id)
			}
			for _, m := range diagnose.Middleboxes() {
				ct, ok := c.Findings[id].Cases[m.VendorCase()]
				if !slices.Contains(kinds, m.Kind) {
					if ok {
						t.Errorf("%s: %s has words for %s (%s), which it cannot name", lang, id, m.ID, m.Kind)
					}
					continue
				}
				where := fmt.Sprintf("%s: %s %s", lang, id, m.ID)
				if !ok || !strings.Contains(ct.Admin, m.Name) || !strings.Contains(ct.Explanation, m.Name) {
					t.Errorf("%s: no remedy naming %s: %+v", where, m.Name, ct)
				}
				if (m.Kind == "endpoint") != (len(ct.Steps) > 0) {
					t.Errorf("%s (%s) has steps %q", where, m.Kind, ct.Steps)
				}
			}
		}
	}
}
