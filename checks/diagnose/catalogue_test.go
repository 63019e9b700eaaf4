package diagnose_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

func TestEmbeddedCataloguesLoad(t *testing.T) {
	for _, lang := range i18n.Languages {
		if _, err := diagnose.CatalogueFor(lang); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
	}
}

// wordsFS is a copy of the embedded catalogues with lang's findings.json
// changed by change.
func wordsFS(t *testing.T, lang string, change func(m map[string]string)) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(assets.Words(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets.Words(), p)
		if err != nil {
			return err
		}
		if p == lang+"/findings.json" {
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				return err
			}
			change(m)
			if b, err = json.Marshal(m); err != nil {
				return err
			}
		}
		out[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mutate changes the English findings.json and returns what NewCatalogue
// says of the result.
func mutate(t *testing.T, change func(m map[string]string)) error {
	t.Helper()
	w, err := i18n.LoadFS(wordsFS(t, "en", change), "en")
	if err != nil {
		t.Fatal(err)
	}
	_, err = diagnose.NewCatalogue(w)
	return err
}

// deleteKeys deletes every key that starts with prefix.
func deleteKeys(m map[string]string, prefix string) {
	maps.DeleteFunc(m, func(k, _ string) bool { return strings.HasPrefix(k, prefix) })
}

func TestCatalogueValidation(t *testing.T) {
	tests := []struct {
		name   string
		change func(m map[string]string)
		want   string
	}{
		{"missing finding", func(m map[string]string) { deleteKeys(m, "finding.tcp-blocked.") }, "finding tcp-blocked: missing"},
		{"unknown finding", func(m map[string]string) { m["finding.made-up.title"] = "x" }, "made-up: not an ID"},
		{"unknown placeholder", func(m map[string]string) { m["finding.tcp-blocked.title"] = "Blocked {hots}" }, "unknown placeholder {hots}"},
		{"empty title", func(m map[string]string) { m["finding.vpn-active.title"] = " " }, "vpn-active.title: empty"},
		{"no steps", func(m map[string]string) { deleteKeys(m, "finding.dns-failure.step.") }, "dns-failure: no steps"},
		{"a step missing", func(m map[string]string) { delete(m, "finding.dns-failure.step.2") }, "finding.dns-failure.step.3: the steps are not numbered 1 to 2"},
		{"missing case", func(m map[string]string) { deleteKeys(m, "finding.server-no-websocket.case.iis.") }, "case iis missing"},
		{"case no rule raises", func(m map[string]string) { m["finding.vpn-active.case.sometimes.explain"] = "x" }, "case sometimes is raised by no rule"},
		{"replacing case without steps", func(m map[string]string) {
			deleteKeys(m, "finding.tcp-blocked.case.local_not_listening.step.")
		}, "case local_not_listening replaces the finding's words without an explanation and steps"},
		{"case title that replaces nothing", func(m map[string]string) { m["finding.tcp-blocked.case.refused.title"] = "Refused" }, "case refused has a title but does not replace"},
		{"missing label", func(m map[string]string) { delete(m, "label.fixer.you") }, "label fixer.you: missing"},
		{"missing subdomains label", func(m map[string]string) { delete(m, "label.host.subdomains") }, "label host.subdomains: missing"},
		{"missing admin sentence", func(m map[string]string) { delete(m, "admin.proxy_rules") }, "admin proxy_rules: missing"},
		{"missing fallback", func(m map[string]string) { delete(m, "placeholder.proxy") }, "placeholder proxy: no fallback"},
		{"missing glossary term", func(m map[string]string) { deleteKeys(m, "glossary.vpn.") }, "glossary vpn: missing"},
		{"glossary term without words", func(m map[string]string) { m["glossary.vpn.words"] = " | " }, "glossary vpn: no words"},
		{"unknown glossary term", func(m map[string]string) { m["glossary.made_up.text"] = "x" }, "glossary.made_up.text: not a text of the glossary"},
		{"unknown text of a finding", func(m map[string]string) { m["finding.tcp-blocked.explanation"] = "x" }, "finding.tcp-blocked.explanation: not a text of a finding"},
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

// TestReplacingCases: the cases that stand in for their finding's words
// are the Go table's, in every language.
func TestReplacingCases(t *testing.T) {
	for _, lang := range i18n.Languages {
		c := diagnose.MustCatalogue(lang)
		ct := c.Findings[diagnose.IDTCPBlocked].Cases
		if !ct["local_not_listening"].Replace || ct["refused"].Replace {
			t.Errorf("%s: tcp-blocked cases %+v", lang, ct)
		}
		if c.Glossary[0].ID != "websocket" || len(c.Glossary[0].Words) < 2 {
			t.Errorf("%s: glossary starts with %+v", lang, c.Glossary[0])
		}
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
			if cs != "" && !slices.Contains(diagnose.Cases()[id], cs) {
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

// TestVocabulary: in every language, a person's text uses no technical
// word the glossary does not explain (retired names: i18n's
// TestCataloguesWhole).
func TestVocabulary(t *testing.T) {
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			c, err := diagnose.CatalogueFor(lang)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.CheckVocabulary(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestVocabularyCatches: the check finds an unexplained technical word
// planted in a text.
func TestVocabularyCatches(t *testing.T) {
	c := *diagnose.Default()
	c.Findings = maps.Clone(c.Findings)
	ft := c.Findings[diagnose.IDNoNetwork]
	ft.Steps = []string{"Ask your network administrator about SNI."}
	c.Findings[diagnose.IDNoNetwork] = ft
	err := c.CheckVocabulary()
	if err == nil || !strings.Contains(err.Error(), `"SNI"`) {
		t.Fatalf("CheckVocabulary = %v", err)
	}
}

// TestCodeTextNeverShowsACode: every code a probe can emit, for every
// probe, reads as a sentence in every language, never as the code.
func TestCodeTextNeverShowsACode(t *testing.T) {
	codes := append(engine.Codes(), "status_200", "status_426", "needs_tcp", "after_upgrade", "something_new")
	probes := []string{engine.ProbeDNS, engine.ProbeTCP, engine.ProbeProxy, engine.ProbeTLS, engine.ProbeHTTP, engine.ProbeUpgrade, engine.ProbeUpgradeDirect, engine.ProbeEcho, engine.ProbeIdle}
	for _, lang := range i18n.Languages {
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

// TestCatalogueTranslations: no text of the diagnosis is left in English
// in another language (i18n's TestCataloguesWhole checks that every key
// is there, with the same {placeholders}). The word lists (glossary
// words, jargon, retired names) are each language's own.
func TestCatalogueTranslations(t *testing.T) {
	read := func(lang string) map[string]string {
		b, err := fs.ReadFile(assets.Words(), lang+"/findings.json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	en := read("en")
	for _, lang := range i18n.Languages[1:] {
		t.Run(lang, func(t *testing.T) {
			for k, s := range read(lang) {
				if s == en[k] && !slices.Contains(catalogueSame, s) && !strings.HasSuffix(k, ".words") {
					t.Errorf("%s: left in English: %q", k, s)
				}
			}
		})
	}
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
	if _, err := diagnose.CatalogueFor("xx"); err == nil {
		t.Error("a catalogue for a language there is none of")
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

// TestNoCatalogueIsEnglish: a diagnosis whose Input names no catalogue
// speaks English; there is no other default to set.
func TestNoCatalogueIsEnglish(t *testing.T) {
	in := diagnose.Input{Outcome: with(wsWorks, res("upgrade", engine.Fail, "status_200", "status", "200"), skipEcho)}
	en := diagnose.Diagnose(in)
	in.Catalogue = diagnose.MustCatalogue("fr")
	fr := diagnose.Diagnose(in)
	if !strings.Contains(fr.Summary.Headline, "connexions en temps réel") || !strings.Contains(en.Summary.Headline, "Live connections") {
		t.Errorf("headlines %q, %q", fr.Summary.Headline, en.Summary.Headline)
	}
}

// TestUntranslatedFallsBack: a finding added in English but not yet in
// another language is shown in English there, not the whole language
// refused; the catalogues' check still names it.
func TestUntranslatedFallsBack(t *testing.T) {
	fsys := wordsFS(t, "de", func(m map[string]string) { deleteKeys(m, "finding.no-network.") })
	problems := fmt.Sprint(i18n.Problems(fsys, nil))
	if !strings.Contains(problems, `de: no text for "finding.no-network.title"`) {
		t.Errorf("the check does not name the missing finding: %s", problems)
	}
	w, err := i18n.LoadFS(fsys, "de")
	if err != nil {
		t.Fatal(err)
	}
	c, err := diagnose.NewCatalogue(w)
	if err != nil {
		t.Fatal(err)
	}
	if c.Findings[diagnose.IDNoNetwork].Title != diagnose.Default().Findings[diagnose.IDNoNetwork].Title ||
		!strings.Contains(c.Findings[diagnose.IDDNSFailure].Title, "Name") {
		t.Errorf("no-network %q, dns-failure %q", c.Findings[diagnose.IDNoNetwork].Title, c.Findings[diagnose.IDDNSFailure].Title)
	}
}
