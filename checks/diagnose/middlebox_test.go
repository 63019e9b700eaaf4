package diagnose_test

import (
	"slices"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// TestMiddleboxRemedies: every product of assets/middleboxes.json has its
// own admin remedy, naming it, in every language, and a program on the
// computer also a step for the person; the products are all there.
func TestMiddleboxRemedies(t *testing.T) {
	boxes := diagnose.Middleboxes()
	ids := map[string]bool{}
	for _, m := range boxes {
		ids[m.ID] = true
	}
	for _, want := range []string{"zscaler", "netskope", "paloalto", "fortinet", "umbrella", "bluecoat", "sophos", "forcepoint",
		"checkpoint", "cloudflare_gateway", "skyhigh", "squid", "eset", "kaspersky", "avast", "bitdefender", "norton", "trendmicro"} {
		if !ids[want] {
			t.Errorf("assets/middleboxes.json has no %s", want)
		}
	}
	for _, lang := range i18n.Languages {
		c, err := diagnose.CatalogueFor(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range boxes {
			ct, ok := c.Findings[diagnose.IDTLSIntercepted].Cases[m.VendorCase()]
			if !ok || ct.Admin == "" || ct.Explanation == "" {
				t.Errorf("%s: %s has no remedy: %+v", lang, m.ID, ct)
				continue
			}
			if !strings.Contains(ct.Admin, m.Name) {
				t.Errorf("%s: %s's remedy does not name %s: %q", lang, m.ID, m.Name, ct.Admin)
			}
			if (m.Kind == "endpoint") != (len(ct.Steps) > 0) {
				t.Errorf("%s: %s (%s) has steps %q", lang, m.ID, m.Kind, ct.Steps)
			}
		}
	}
}

func TestParseMiddleboxes(t *testing.T) {
	for _, bad := range []string{
		`{"products": [{"id": "", "name": "X", "kind": "network"}]}`,
		`{"products": [{"id": "Big-Co", "name": "X", "kind": "network"}]}`,
		`{"products": [{"id": "x", "name": "X", "kind": "cloud"}]}`,
		`{"products": [{"id": "x", "name": "X", "kind": "network"}, {"id": "x", "name": "Y", "kind": "endpoint"}]}`,
		`{"products": [`,
	} {
		if _, err := diagnose.ParseMiddleboxes([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

// TestIdentify: an issuer names its product alone; answers need two weak
// signs, never one.
func TestIdentify(t *testing.T) {
	boxes := diagnose.Middleboxes()
	for _, tc := range []struct{ org, cn, want string }{
		{"Zscaler Inc.", "CN=Zscaler Intermediate Root CA (zscaler.net),O=Zscaler Inc.", "zscaler"},
		{"", "CN=ESET SSL Filter CA", "eset"},
		{"Gen Digital Inc.", "CN=Norton Web/Mail Shield Root", "norton"},
		{"", "CN=Gateway CA - Cloudflare Managed G1 a1b2", "cloudflare_gateway"},
		{"Example Corp", "CN=Example Corp Inspection CA,O=Example Corp", ""},
		{"Let's Encrypt", "CN=R11,O=Let's Encrypt,C=US", ""},
	} {
		m, ok := diagnose.IdentifyIssuer(boxes, tc.org, tc.cn)
		if got := map[bool]string{true: m.ID}[ok]; got != tc.want {
			t.Errorf("%q %q: %q, want %q", tc.org, tc.cn, got, tc.want)
		}
	}
	var one, two engine.Evidence
	one.Set("via", "1.1 proxy.corp (squid/5.7)")
	two.Set("via", "1.1 proxy.corp (squid/5.7)")
	two.Set("x_squid_error", "ERR_ACCESS_DENIED 0")
	if m, _, ok := diagnose.IdentifyAnswer(boxes, one); ok {
		t.Errorf("one weak sign named %s", m.ID)
	}
	if m, signs, ok := diagnose.IdentifyAnswer(boxes, two); !ok || m.ID != "squid" || len(signs) != 2 {
		t.Errorf("two weak signs: %v %v %v", m.ID, signs, ok)
	}

	// The proxy script's host is a weak sign: with the answer's
	// Zscaler header it names Zscaler, alone it names nobody, and a host
	// that only ends in the same letters is not the product's.
	var pac, pacAndHeader, lookalike engine.Evidence
	pac.Set(engine.KeyProxyOrigin, "https://pac.zscalertwo.net/acme.example/proxy.pac")
	pacAndHeader.Set(engine.KeyProxyOrigin, "https://pac.zscalertwo.net/acme.example/proxy.pac")
	pacAndHeader.Set("x_zscaler_transaction_id", "a1b2c3")
	lookalike.Set(engine.KeyProxyOrigin, "http://notpac.zscalertwo.net.evil.example/proxy.pac")
	lookalike.Set("x_zscaler_transaction_id", "a1b2c3")
	if m, _, ok := diagnose.IdentifyAnswer(boxes, pac); ok {
		t.Errorf("a PAC host alone named %s", m.ID)
	}
	if m, signs, ok := diagnose.IdentifyAnswer(boxes, pacAndHeader); !ok || m.ID != "zscaler" || !slices.Contains(signs, engine.KeyProxyOrigin) {
		t.Errorf("PAC host and header: %v %v %v, want zscaler by proxy_origin too", m.ID, signs, ok)
	}
	if m, _, ok := diagnose.IdentifyAnswer(boxes, lookalike); ok {
		t.Errorf("a look-alike PAC host and one header named %s", m.ID)
	}
}
