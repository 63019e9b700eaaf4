package diagnose_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

func TestEmbeddedCataloguesLoad(t *testing.T) {
	langs := assets.FindingsLanguages()
	if !slices.Contains(langs, "en") {
		t.Fatalf("no English catalogue among %v", langs)
	}
	for _, lang := range langs {
		b, err := assets.Findings(lang)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := diagnose.LoadCatalogue(b); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
	}
}

// mutate loads the English catalogue as generic JSON, changes it, and
// returns what LoadCatalogue says of the result.
func mutate(t *testing.T, change func(m map[string]any)) error {
	t.Helper()
	b, err := assets.Findings("en")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	b, err = json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	_, err = diagnose.LoadCatalogue(b)
	return err
}

func finding(m map[string]any, id string) map[string]any {
	return m["findings"].(map[string]any)[id].(map[string]any)
}

func TestCatalogueValidation(t *testing.T) {
	tests := []struct {
		name   string
		change func(m map[string]any)
		want   string
	}{
		{"missing finding", func(m map[string]any) { delete(m["findings"].(map[string]any), "tcp-blocked") }, "finding tcp-blocked: missing"},
		{"unknown finding", func(m map[string]any) { m["findings"].(map[string]any)["made-up"] = finding(m, "tcp-blocked") }, "made-up: not an ID"},
		{"unknown placeholder", func(m map[string]any) { finding(m, "tcp-blocked")["title"] = "Blocked {hots}" }, "unknown placeholder {hots}"},
		{"empty title", func(m map[string]any) { finding(m, "vpn-active")["title"] = " " }, "vpn-active.title: empty"},
		{"no steps", func(m map[string]any) { finding(m, "dns-failure")["steps"] = []any{} }, "dns-failure: no steps"},
		{"missing case", func(m map[string]any) {
			delete(finding(m, "server-no-websocket")["cases"].(map[string]any), "iis")
		}, "case iis missing"},
		{"case no rule raises", func(m map[string]any) {
			finding(m, "vpn-active")["cases"].(map[string]any)["sometimes"] = map[string]any{"explanation": "x"}
		}, "case sometimes is raised by no rule"},
		{"replacing case without steps", func(m map[string]any) {
			delete(finding(m, "tcp-blocked")["cases"].(map[string]any)["local_not_listening"].(map[string]any), "steps")
		}, "case local_not_listening replaces the finding's words without an explanation and steps"},
		{"case title that replaces nothing", func(m map[string]any) {
			finding(m, "tcp-blocked")["cases"].(map[string]any)["refused"].(map[string]any)["title"] = "Refused"
		}, "case refused has a title but does not replace"},
		{"missing label", func(m map[string]any) { delete(m["labels"].(map[string]any), "fixer.you") }, "label fixer.you: missing"},
		{"missing subdomains label", func(m map[string]any) { delete(m["labels"].(map[string]any), "host.subdomains") }, "label host.subdomains: missing"},
		{"missing admin sentence", func(m map[string]any) { delete(m["admin"].(map[string]any), "proxy_rules") }, "admin proxy_rules: missing"},
		{"missing fallback", func(m map[string]any) { delete(m["placeholders"].(map[string]any), "proxy") }, "placeholder proxy: no fallback"},
		{"missing glossary term", func(m map[string]any) {
			var keep []any
			for _, g := range m["glossary"].([]any) {
				if g.(map[string]any)["id"] != "vpn" {
					keep = append(keep, g)
				}
			}
			m["glossary"] = keep
		}, "glossary vpn: missing"},
		{"unknown field", func(m map[string]any) { m["extra"] = 1 }, "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := mutate(t, tc.change)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestEveryIDInTheContract: every ID support teams may match on is
// diagnosed.
func TestEveryIDInTheContract(t *testing.T) {
	contract := []string{"websocket-ok", "no-network", "dns-failure", "tcp-blocked", "plain-ws-blocked",
		"proxy-strips-upgrade", "proxy-blocks-connect", "proxy-auth-required", "proxy-unreachable",
		"proxy-idle-timeout", "handshake-timeout", "tls-intercepted", "tls-cert-invalid",
		"tls-version-unsupported", "server-no-websocket", "messages-blocked", "vpn-active",
		"proxy-configured", "connection-dropped"}
	for _, id := range contract {
		if !slices.Contains(diagnose.IDs, id) {
			t.Errorf("%s is not diagnosed", id)
		}
	}
}

// TestGlossaryOnce: a technical word is explained where it first appears,
// and only there.
func TestGlossaryOnce(t *testing.T) {
	in := diagnose.Input{Outcome: with(wsWorks, res("upgrade", checks.Fail, "status_200", "status", "200", "server", "nginx"), skipEcho),
		Env: diagnose.Environment{ProxyURL: "http://proxy.corp.example:3128", VPNActive: true, VPNName: "WireGuard"}}
	d := diagnose.Diagnose(in)
	for _, term := range diagnose.Default().Glossary {
		n := strings.Count(allWords(d), term.Text)
		if n > 1 {
			t.Errorf("%s explained %d times", term.ID, n)
		}
	}
	first := d.Findings[0]
	for _, id := range []string{"websocket", "proxy", "header"} {
		var text string
		for _, g := range diagnose.Default().Glossary {
			if g.ID == id {
				text = g.Text
			}
		}
		if !slices.Contains(first.Terms, text) {
			t.Errorf("first finding %s does not explain %q: %q", first.ID, id, first.Terms)
		}
	}
}

// TestPlaceholdersAreSafe: values from the network land in sentences as
// plain, bounded, one-line text and cannot fill further placeholders.
func TestPlaceholdersAreSafe(t *testing.T) {
	evil := "nginx {host}\r\nX-Injected: 1 " + strings.Repeat("A", 300)
	in := diagnose.Input{Outcome: with(wssWorks,
		res("upgrade", checks.Fail, "status_200", "status", "200", "server", evil, "accept_ok", "missing"), skipEcho),
		Env: diagnose.Environment{ProxyURL: "socks5://bob:hunter2@10.0.0.1:1080", VPNActive: true, VPNName: "{proxy}\x07"}}
	words := allWords(diagnose.Diagnose(in))
	for _, bad := range []string{"{host}", "\r", "X-Injected: 1\n", "hunter2", "bob", "\x07", strings.Repeat("A", 100)} {
		if strings.Contains(words, bad) {
			t.Errorf("words contain %q:\n%s", bad, words)
		}
	}
	if !strings.Contains(words, "socks5://10.0.0.1:1080") {
		t.Errorf("proxy not shown without its credentials:\n%s", words)
	}
}

// TestCoverage: every cause and remedy of the articles maps to findings
// (and cases) that exist, or says why it cannot apply.
func TestCoverage(t *testing.T) {
	articles := map[string]bool{}
	for _, it := range diagnose.Coverage {
		articles[it.Article[:3]] = true
		if it.Kind != "cause" && it.Kind != "remedy" {
			t.Errorf("%s %q: kind %q", it.Article, it.Item, it.Kind)
		}
		if len(it.IDs) == 0 && it.NotApplicable == "" {
			t.Errorf("%s %q: neither findings nor a reason", it.Article, it.Item)
		}
		for _, ref := range it.IDs {
			id, cs, _ := strings.Cut(ref, "/")
			if !slices.Contains(diagnose.IDs, id) {
				t.Errorf("%s %q: unknown finding %s", it.Article, it.Item, id)
			}
			if cs != "" && !slices.Contains(diagnose.Cases[id], cs) {
				t.Errorf("%s %q: %s has no case %s", it.Article, it.Item, id, cs)
			}
		}
	}
	for _, a := range []string{"000", "001", "002", "003"} {
		if !articles[a] {
			t.Errorf("article %s is not covered", a)
		}
	}
}
