package diagnose_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
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
	in := diagnose.Input{Outcome: with(wsWorks, res("upgrade", engine.Fail, "status_200", "status", "200", "server", "nginx"), skipEcho),
		Env: diagnose.Environment{ProxyURL: "http://proxy.corp.example:3128", VPNActive: true, VPNName: "WireGuard"}}
	d := diagnose.Diagnose(in)
	for _, term := range diagnose.Default().Glossary {
		n := strings.Count(allWords(d), term.Text)
		if n > 1 {
			t.Errorf("%s explained %d times", term.ID, n)
		}
	}
	first := d.Findings[0]
	for _, id := range []string{"websocket", "proxy", "network_admin"} {
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
		res("upgrade", engine.Fail, "status_200", "status", "200", "server", evil, "accept_ok", "missing"), skipEcho),
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

// TestVocabulary: in every language, a person's text uses no retired name
// and no technical word the glossary does not explain.
func TestVocabulary(t *testing.T) {
	for _, lang := range assets.FindingsLanguages() {
		t.Run(lang, func(t *testing.T) {
			c, err := diagnose.CatalogueFor(lang)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Retired) == 0 {
				t.Error("no retired names listed")
			}
			if err := c.CheckVocabulary(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestVocabularyCatches: the check finds a retired name and an
// unexplained technical word planted in a text.
func TestVocabularyCatches(t *testing.T) {
	c := *diagnose.Default()
	c.Findings = maps.Clone(c.Findings)
	ft := c.Findings[diagnose.IDNoNetwork]
	ft.Steps = []string{"Ask your network administrator about SNI."}
	c.Findings[diagnose.IDNoNetwork] = ft
	err := c.CheckVocabulary()
	if err == nil || !strings.Contains(err.Error(), "network administrator") || !strings.Contains(err.Error(), `"SNI"`) {
		t.Fatalf("CheckVocabulary = %v", err)
	}
}

// TestCodeTextNeverShowsACode: every code a probe can emit, for every
// probe, reads as a sentence in every language, never as the code.
func TestCodeTextNeverShowsACode(t *testing.T) {
	codes := append(engine.Codes(), "status_200", "status_426", "needs_tcp", "after_upgrade", "something_new")
	probes := []string{engine.ProbeDNS, engine.ProbeTCP, engine.ProbeProxy, engine.ProbeTLS, engine.ProbeHTTP, engine.ProbeUpgrade, engine.ProbeUpgradeDirect, engine.ProbeEcho, engine.ProbeIdle}
	for _, lang := range assets.FindingsLanguages() {
		c, err := diagnose.CatalogueFor(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range probes {
			for _, code := range codes {
				s := c.CodeText(p, code)
				if s == "" || s == code || strings.Contains(s, "{") || strings.Contains(s, "_") {
					t.Errorf("%s: %s %s reads %q", lang, p, code, s)
				}
			}
		}
		if s := c.CodeText("upgrade", "status_200"); !strings.Contains(s, "200") {
			t.Errorf("%s: status_200 reads %q, without the status", lang, s)
		}
	}
}

// catalogueSame are catalogue texts that are the same in English and
// another language: numbers and names.
var catalogueSame = []string{"120", "443", "Proxy", "VPN", "Problem", "Internet", "{host} and its subdomains"}

// leaves flattens a catalogue's JSON into its texts by path, leaving out
// the word lists (glossary words, jargon, retired names), which differ
// by language.
func leaves(v any, path string, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if k == "words" || k == "jargon" || k == "retired" || k == "lang" {
				continue
			}
			leaves(c, path+"."+k, out)
		}
	case []any:
		for i, c := range x {
			leaves(c, fmt.Sprintf("%s[%d]", path, i), out)
		}
	case string:
		out[path] = x
	}
}

// TestCatalogueTranslations: every language has every text of the
// English catalogue at the same place, with the same {placeholders}, and
// none is left in English.
func TestCatalogueTranslations(t *testing.T) {
	read := func(lang string) map[string]string {
		b, err := assets.Findings(lang)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		leaves(v, "", out)
		return out
	}
	en := read("en")
	for _, lang := range assets.FindingsLanguages() {
		if lang == "en" {
			continue
		}
		t.Run(lang, func(t *testing.T) {
			got := read(lang)
			for p, e := range en {
				s, ok := got[p]
				if !ok {
					t.Errorf("%s: missing", p)
					continue
				}
				if a, b := placeholdersOf(e), placeholdersOf(s); !slices.Equal(a, b) {
					t.Errorf("%s: placeholders %q, English has %q", p, b, a)
				}
				if s == e && !slices.Contains(catalogueSame, s) && !strings.HasPrefix(p, ".glossary") {
					t.Errorf("%s: left in English: %q", p, s)
				}
			}
			for p := range got {
				if _, ok := en[p]; !ok {
					t.Errorf("%s: not in English", p)
				}
			}
		})
	}
}

func placeholdersOf(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] == '{' {
			if j := strings.IndexByte(s[i:], '}'); j > 0 {
				out = append(out, s[i:i+j+1])
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestEveryLanguageHasACatalogue: each language the program offers has
// its findings catalogue, and it loads.
func TestEveryLanguageHasACatalogue(t *testing.T) {
	for _, lang := range i18n.Languages {
		c, err := diagnose.CatalogueFor(lang)
		if err != nil || c.Lang != lang {
			t.Errorf("%s: %v", lang, err)
		}
	}
	if len(assets.FindingsLanguages()) != len(i18n.Languages) {
		t.Errorf("catalogues %v, languages %v", assets.FindingsLanguages(), i18n.Languages)
	}
}

// TestAdminNoteLanguage: the person reads the findings in their language,
// the admin note (and each finding's admin text) is in the support
// language, English by default.
func TestAdminNoteLanguage(t *testing.T) {
	de, ja := diagnose.MustCatalogue("de"), diagnose.MustCatalogue("ja")
	in := diagnose.Input{Outcome: with(wsWorks, res("upgrade", engine.Fail, "status_200", "status", "200", "server", "nginx"), skipEcho),
		Env: diagnose.Environment{ProxyURL: "http://proxy.corp.example:3128", ProxySource: "env"}, Catalogue: de}
	d := diagnose.Diagnose(in)
	if !strings.Contains(d.Findings[0].Title, "Live-Verbindung") {
		t.Fatalf("title %q is not German", d.Findings[0].Title)
	}
	if !strings.Contains(d.AdminNote, "note for the IT team") || !strings.Contains(d.Findings[0].AdminNote, "Upgrade and Connection") {
		t.Errorf("the admin note is not English by default:\n%s\n%s", d.AdminNote, d.Findings[0].AdminNote)
	}
	in.AdminCatalogue = ja
	d = diagnose.Diagnose(in)
	if !strings.Contains(d.AdminNote, "IT担当者向けメモ") || !strings.Contains(d.Findings[0].Title, "Live-Verbindung") {
		t.Errorf("support language ja: note\n%s\ntitle %q", d.AdminNote, d.Findings[0].Title)
	}
}

// TestSetPreferred: the command line's --lang makes the diagnoses without
// a catalogue of their own speak that language, and nil goes back.
func TestSetPreferred(t *testing.T) {
	in := diagnose.Input{Outcome: with(wsWorks, res("upgrade", engine.Fail, "status_200", "status", "200"), skipEcho)}
	diagnose.SetPreferred(diagnose.MustCatalogue("fr"))
	fr := diagnose.Diagnose(in)
	diagnose.SetPreferred(nil)
	en := diagnose.Diagnose(in)
	if !strings.Contains(fr.Summary.Headline, "connexions en direct") || !strings.Contains(en.Summary.Headline, "Live connections") {
		t.Errorf("headlines %q, %q", fr.Summary.Headline, en.Summary.Headline)
	}
}

// TestUntranslatedFallsBack: a finding added in English but not yet in
// another language is shown in English there, not the whole language
// refused.
func TestUntranslatedFallsBack(t *testing.T) {
	b, err := assets.Findings("de")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	delete(raw["findings"].(map[string]any), diagnose.IDNoNetwork)
	b, _ = json.Marshal(raw)
	if _, err := diagnose.LoadCatalogue(b); err == nil {
		t.Fatal("a catalogue without no-network loads on its own")
	}
	c, err := diagnose.LoadCatalogueOver(b, diagnose.Default())
	if err != nil {
		t.Fatal(err)
	}
	if c.Findings[diagnose.IDNoNetwork].Title != diagnose.Default().Findings[diagnose.IDNoNetwork].Title ||
		!strings.Contains(c.Findings[diagnose.IDDNSFailure].Title, "Name") {
		t.Errorf("no-network %q, dns-failure %q", c.Findings[diagnose.IDNoNetwork].Title, c.Findings[diagnose.IDDNSFailure].Title)
	}
}
