package diagnose

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// Catalogue is every word of the diagnosis a person reads, in one language:
// the findings' texts keyed by ID, the glossary of technical words, labels
// and the pieces of the admin note. It is read from assets/findings/<lang>.json.
type Catalogue struct {
	Lang string `json:"lang"`
	// Glossary explains each technical word in one short sentence, given
	// once, in the first finding of a diagnosis that uses the word.
	Glossary []Term `json:"glossary"`
	// Placeholders are the words used for a {name} this run has no value
	// for ("your proxy" for {proxy}).
	Placeholders map[string]string `json:"placeholders"`
	// Labels are short texts for renderers: verdicts, who can fix, section
	// names, proxy sources.
	Labels map[string]string `json:"labels"`
	// Admin are the sentences of the admin note.
	Admin map[string]string `json:"admin"`
	// Findings are the texts of each finding ID.
	Findings map[string]FindingText `json:"findings"`
	// Codes say in a sentence what a probe's code means, for the window's
	// list of steps: by code family ("refused", "status", "needs"; see
	// engine.CodeFamily), or by "probe.family" where one probe needs
	// other words. {status} is the HTTP status of a "status_NNN" code.
	Codes map[string]string `json:"codes"`
	// Jargon are technical words of this language: a person's text that
	// uses one must find it explained in the glossary.
	Jargon []string `json:"jargon,omitempty"`
	// Retired are the names no longer used (the vocabulary chose others:
	// "network administrator" became "IT team"); a person's text must not
	// use them.
	Retired []string `json:"retired,omitempty"`
}

// Term is one glossary entry: the words that name it and the sentence that
// explains it.
type Term struct {
	ID    string   `json:"id"`
	Words []string `json:"words"`
	Text  string   `json:"text"`
}

// FindingText is what a finding says. Cases add to it for the variant of
// the finding a rule raised: their explanation follows the finding's, their
// steps come before its steps, their admin text follows its admin text.
type FindingText struct {
	Title       string              `json:"title"`
	Explanation string              `json:"explanation"`
	Steps       []string            `json:"steps"`
	Admin       string              `json:"admin,omitempty"`
	Cases       map[string]CaseText `json:"cases,omitempty"`
}

// CaseText is the text a variant of a finding adds. A case with Replace
// set stands in for the finding's own words instead: its title (when it
// has one), explanation, steps and admin text are used in place of the
// finding's, for a variant where they would be wrong (a refused port on
// this very computer is no firewall's doing); other cases still add to it.
type CaseText struct {
	Replace     bool     `json:"replace,omitempty"`
	Title       string   `json:"title,omitempty"`
	Explanation string   `json:"explanation,omitempty"`
	Steps       []string `json:"steps,omitempty"`
	Admin       string   `json:"admin,omitempty"`
}

// placeholderNames are the {names} a text may use.
var placeholderNames = []string{
	"host", "host_and_subdomains", "host_and_subaddresses", "port", "host_port", "address", "other_address", "secure_address",
	"proxy", "proxy_source", "proxy_origin", "vpn",
	"idle_needed", "idle_limit", "idle_survived", "ended_by",
	"status", "server", "location", "issuer", "expected_issuers", "tls_version", "close_code",
	"auth_schemes", "auth_scheme", "auth_domain", "firefox_proxy", "firefox_differs", "addresses", "ports",
	"client_cas", "portal", "page_title", "browser", "antivirus",
	"cause", "who", "verdict",
}

// requiredLabels are the labels renderers and the summary use.
var requiredLabels = []string{
	"verdict.works", "verdict.works_with_warnings", "verdict.does_not_work", "verdict.incomplete",
	"cause", "attention", "who", "uncertain",
	"fixer.you", "fixer.network_admin", "fixer.service_admin",
	"steps", "who_can_fix", "admin_note", "evidence", "terms", "severity.ok", "severity.info",
	"severity.warning", "severity.problem", "confidence.sure", "confidence.likely", "confidence.possible",
	"source.env", "source.wininet", "source.winhttp", "source.macos", "source.gnome",
	"source.kde", "source.option", "source.pac", "source.wpad",
	"ended_by.close_frame", "ended_by.fin", "ended_by.reset", "ended_by.silent",
	"host.subdomains", "host.subaddresses", "verdict.self_test", "verdict.address_needed",
	"hop.computer", "hop.vpn", "hop.proxy", "hop.internet", "hop.service",
}

// requiredAdmin are the sentences the admin note is built from.
var requiredAdmin = []string{
	"header", "verdict", "open", "open_address", "proxy", "proxy_rules", "idle_measured", "idle_ok",
	"idle_unmeasured", "tls_exempt", "findings", "footer",
}

// requiredTerms are the technical words every language must explain.
var requiredTerms = []string{"websocket", "proxy", "vpn", "certificate", "firewall", "port", "encrypted", "antivirus", "network_admin", "server"}

var placeholderRE = regexp.MustCompile(`\{([^{}]*)\}`)

// LoadCatalogue reads and checks a catalogue: every finding ID with a
// title, an explanation and steps (but for the good news and context), every
// case the rules ask for, every label, admin sentence and glossary term,
// and only known {placeholders}.
func LoadCatalogue(b []byte) (*Catalogue, error) {
	c, err := decodeCatalogue(b)
	if err != nil {
		return nil, err
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("diagnose: catalogue %q: %w", c.Lang, err)
	}
	return c, nil
}

// decodeCatalogue reads a catalogue without checking it.
func decodeCatalogue(b []byte) (*Catalogue, error) {
	var c Catalogue
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("diagnose: read catalogue: %w", err)
	}
	return &c, nil
}

func (c *Catalogue) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Lang == "" {
		bad("no lang")
	}
	checkText := func(where, s string) {
		if strings.TrimSpace(s) == "" {
			bad("%s: empty", where)
			return
		}
		for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(placeholderNames, m[1]) {
				bad("%s: unknown placeholder {%s}", where, m[1])
			}
		}
		if strings.Count(s, "{") != strings.Count(s, "}") {
			bad("%s: unbalanced braces", where)
		}
	}
	for _, id := range IDs {
		t, ok := c.Findings[id]
		if !ok {
			bad("finding %s: missing", id)
			continue
		}
		checkText(id+".title", t.Title)
		checkText(id+".explanation", t.Explanation)
		if len(t.Steps) == 0 && id != IDWebSocketOK && id != IDProxyConfigured {
			bad("finding %s: no steps", id)
		}
		for i, s := range t.Steps {
			checkText(fmt.Sprintf("%s.steps[%d]", id, i), s)
		}
		if t.Admin != "" {
			checkText(id+".admin", t.Admin)
		}
		for _, cs := range Cases[id] {
			ct, ok := t.Cases[cs]
			if !ok {
				bad("finding %s: case %s missing", id, cs)
				continue
			}
			if ct.Explanation == "" && len(ct.Steps) == 0 && ct.Admin == "" {
				bad("finding %s: case %s says nothing", id, cs)
			}
			if ct.Replace && (ct.Explanation == "" || len(ct.Steps) == 0) {
				bad("finding %s: case %s replaces the finding's words without an explanation and steps", id, cs)
			}
			if ct.Title != "" {
				checkText(id+"."+cs+".title", ct.Title)
				if !ct.Replace {
					bad("finding %s: case %s has a title but does not replace the finding's", id, cs)
				}
			}
			if ct.Explanation != "" {
				checkText(id+"."+cs+".explanation", ct.Explanation)
			}
			for i, s := range ct.Steps {
				checkText(fmt.Sprintf("%s.%s.steps[%d]", id, cs, i), s)
			}
			if ct.Admin != "" {
				checkText(id+"."+cs+".admin", ct.Admin)
			}
		}
		for cs := range t.Cases {
			if !slices.Contains(Cases[id], cs) {
				bad("finding %s: case %s is raised by no rule", id, cs)
			}
		}
	}
	for id := range c.Findings {
		if !slices.Contains(IDs, id) {
			bad("finding %s: not an ID of the diagnosis", id)
		}
	}
	for _, k := range requiredLabels {
		if _, ok := c.Labels[k]; !ok {
			bad("label %s: missing", k)
		} else {
			checkText("label "+k, c.Labels[k])
		}
	}
	for _, k := range requiredAdmin {
		if _, ok := c.Admin[k]; !ok {
			bad("admin %s: missing", k)
		} else {
			checkText("admin "+k, c.Admin[k])
		}
	}
	for _, p := range placeholderNames {
		switch p {
		case "cause", "who", "verdict", "ended_by":
			continue // always filled by the code that uses them
		}
		if strings.TrimSpace(c.Placeholders[p]) == "" {
			bad("placeholder %s: no fallback", p)
		}
	}
	for _, code := range engine.Codes() {
		if fam, _ := engine.CodeFamily(code); strings.TrimSpace(c.Codes[fam]) == "" {
			bad("codes %s: missing", fam)
		}
	}
	for _, p := range engine.CodePatterns {
		if k := strings.TrimSuffix(p, "_"); strings.TrimSpace(c.Codes[k]) == "" {
			bad("codes %s: missing", k)
		}
	}
	for k, v := range c.Codes {
		checkText("codes "+k, v)
	}
	ids := map[string]bool{}
	for _, t := range c.Glossary {
		if t.ID == "" || len(t.Words) == 0 {
			bad("glossary: an entry without id or words")
		}
		ids[t.ID] = true
		checkText("glossary "+t.ID, t.Text)
	}
	for _, id := range requiredTerms {
		if !ids[id] {
			bad("glossary %s: missing", id)
		}
	}
	return errors.Join(errs...)
}

// Default is the embedded English catalogue. It is checked by the tests; a
// broken one is a build mistake, so Default panics rather than diagnose
// without words.
var Default = sync.OnceValue(func() *Catalogue {
	b, err := assets.Findings("en")
	if err != nil {
		panic(err)
	}
	c, err := LoadCatalogue(b)
	if err != nil {
		panic(err)
	}
	return c
})

// Label is a label of the default catalogue ("steps", "fixer.you", ...),
// for renderers; "" when there is none.
func Label(key string) string {
	return Default().Labels[key]
}

// Label is a label of c, or "".
func (c *Catalogue) Label(key string) string { return c.Labels[key] }

// fill replaces each {name} in s with vars[name], else the catalogue's
// fallback word. Values were cleaned when they were made and are never
// read again for placeholders, so a value cannot inject one.
func (c *Catalogue) fill(s string, vars map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		if v, ok := vars[name]; ok && v != "" {
			return v
		}
		if v, ok := c.Placeholders[name]; ok {
			return v
		}
		return m
	})
}

// withLabels resolves the placeholders whose raw value is a key of a label
// (the proxy source "wininet" reads "the Windows internet settings"), and
// those made of a label and other values ({host_and_subdomains}).
func (c *Catalogue) withLabels(vars map[string]string) map[string]string {
	out := make(map[string]string, len(vars))
	for k, v := range vars {
		out[k] = v
	}
	if s, ok := c.Labels["source."+vars["proxy_source"]]; ok {
		out["proxy_source"] = s
	}
	if host := vars["host"]; host != "" {
		// An address or localhost has no subdomains to allow.
		out["host_and_subdomains"], out["host_and_subaddresses"] = host, host
		if hasSubdomains(host) {
			out["host_and_subdomains"] = c.fill(c.Labels["host.subdomains"], vars)
			out["host_and_subaddresses"] = c.fill(c.Labels["host.subaddresses"], vars)
		}
	}
	return out
}

// render gives the raised findings their words, in order. Each glossary
// term is explained once, in the Terms of the first finding that uses one of
// its words.
func (c *Catalogue) render(rs []raised, rawVars map[string]string) []Finding {
	vars := c.withLabels(rawVars)
	explained := map[string]bool{}
	out := make([]Finding, 0, len(rs))
	for _, r := range rs {
		t := c.Findings[r.id]
		f := Finding{
			ID:         r.id,
			Severity:   r.sev,
			Confidence: r.conf,
			WhoCanFix:  r.fixer,
			Title:      c.fill(t.Title, vars),
			Evidence:   r.refs,
		}
		for _, cs := range r.cases {
			if ct := t.Cases[cs]; ct.Replace {
				t.Explanation, t.Steps, t.Admin = ct.Explanation, ct.Steps, ct.Admin
				if ct.Title != "" {
					f.Title = c.fill(ct.Title, vars)
				}
			}
		}
		expl := []string{c.fill(t.Explanation, vars)}
		var caseSteps, admin []string
		if t.Admin != "" {
			admin = append(admin, c.fill(t.Admin, vars))
		}
		for _, cs := range r.cases {
			ct := t.Cases[cs]
			if ct.Replace {
				continue // its words are the finding's now
			}
			if ct.Explanation != "" {
				expl = append(expl, c.fill(ct.Explanation, vars))
			}
			for _, s := range ct.Steps {
				caseSteps = append(caseSteps, c.fill(s, vars))
			}
			if ct.Admin != "" {
				admin = append(admin, c.fill(ct.Admin, vars))
			}
		}
		for _, s := range append(caseSteps, t.Steps...) {
			if s = c.fill(s, vars); !slices.Contains(f.Steps, s) {
				f.Steps = append(f.Steps, s)
			}
		}
		f.Explanation = strings.Join(expl, " ")
		f.AdminNote = strings.Join(admin, " ")

		// Glossary: the words this finding shows, first use only.
		shown := f.Title + "\n" + f.Explanation + "\n" + strings.Join(f.Steps, "\n")
		var defs []string
		for _, term := range c.Glossary {
			if explained[term.ID] || !usesWord(shown, term.Words) {
				continue
			}
			explained[term.ID] = true
			defs = append(defs, term.Text)
		}
		f.Terms = defs
		out = append(out, f)
	}
	return out
}

// usesWord reports whether text has one of words as a whole word, in any
// case: "port" is found in "port 443" but not in "support".
func usesWord(text string, words []string) bool {
	lt := strings.ToLower(text)
	for _, w := range words {
		lw := strings.ToLower(w)
		if unspaced(w) {
			if strings.Contains(lt, lw) {
				return true
			}
			continue
		}
		for i := 0; i <= len(lt); {
			j := strings.Index(lt[i:], lw)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(lw)
			before, _ := utf8.DecodeLastRuneInString(lt[:start])
			after, _ := utf8.DecodeRuneInString(lt[end:])
			if !isWordRune(before) && !isWordRune(after) {
				return true
			}
			i = start + 1
		}
	}
	return false
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// summary is the verdict in words, with the most likely cause and who can
// fix it.
func (c *Catalogue) summary(f *facts, v Verdict, fs []Finding, rs []raised) Summary {
	s := Summary{Verdict: v, Headline: c.Labels["verdict."+string(v)]}
	switch {
	case v.Works() && f.in.SelfTest:
		s.Headline = c.Labels["verdict.self_test"]
	case v == Incomplete && hasID(rs, IDAddressNeeded):
		s.Headline = c.Labels["verdict.address_needed"]
	}
	var top *Finding
	for i := range fs {
		if fs[i].Severity == SeverityProblem || fs[i].Severity == SeverityWarning {
			top = &fs[i]
			break
		}
	}
	if top == nil {
		return s
	}
	s.Cause = top.ID
	causeLabel := c.Labels["cause"]
	if v.Works() {
		causeLabel = c.Labels["attention"]
	}
	s.CauseText = c.fill(causeLabel, map[string]string{"cause": top.Title})
	if top.WhoCanFix != "" {
		s.WhoCanFix = top.WhoCanFix
		s.WhoCanFixText = c.fill(c.Labels["who"], map[string]string{"who": c.Labels["fixer."+string(top.WhoCanFix)]})
	}
	// Uncertain: the top cause is not sure, and another one competes.
	if top.Confidence != Sure {
		for _, f := range fs {
			if f.ID != top.ID && f.Severity == top.Severity && f.Confidence != Sure && f.ID != IDVPNActive {
				s.Uncertain = true
				s.UncertainText = c.Labels["uncertain"]
				break
			}
		}
	}
	return s
}

// adminNote is the note for the network administrator: what to open, what
// the proxy must do, the idle timeout measured against the one needed, what
// to exempt from TLS inspection, then the request of each finding the
// network's side can fix. It is empty when no finding asks anything of the
// network.
func (c *Catalogue) adminNote(f *facts, rs []raised, fs []Finding) string {
	// The note asks the network's side; what the service's side must fix
	// stays on its finding, for the user to forward to support.
	forAdmin := func(x Finding) bool {
		return x.AdminNote != "" && x.WhoCanFix != FixerServiceAdmin &&
			(x.Severity == SeverityProblem || x.Severity == SeverityWarning)
	}
	asks := slices.ContainsFunc(fs, forAdmin)
	if !asks {
		return ""
	}
	vars := c.withLabels(f.vars)
	vars["verdict"] = c.Labels["verdict."+string(verdictFor(f, rs))]
	if e := f.ev(engine.ProbeIdle, engine.KeyIdleEndedBy); e != "" {
		vars["ended_by"] = c.Labels["ended_by."+e]
		if vars["ended_by"] == "" {
			vars["ended_by"] = clean(e)
		}
	}
	var b strings.Builder
	line := func(key string) {
		b.WriteString(c.fill(c.Admin[key], vars))
		b.WriteString("\n")
	}
	line("header")
	line("verdict")
	b.WriteString("\n")
	if hasSubdomains(f.vars["host"]) {
		line("open")
	} else {
		line("open_address")
	}
	if f.viaProxy {
		line("proxy")
		line("proxy_rules")
	}
	switch {
	case vars["idle_limit"] != "":
		line("idle_measured")
	case vars["idle_survived"] != "":
		line("idle_ok")
	default:
		line("idle_unmeasured")
	}
	for _, r := range rs {
		if r.id == IDTLSIntercepted && r.sev != SeverityInfo {
			line("tls_exempt")
			break
		}
	}
	b.WriteString("\n")
	line("findings")
	for _, x := range fs {
		if !forAdmin(x) {
			continue
		}
		fmt.Fprintf(&b, "- %s (%s): %s\n", x.Title, x.ID, x.AdminNote)
	}
	b.WriteString("\n")
	line("footer")
	return strings.TrimRight(b.String(), "\n")
}

// verdictFor is the verdict the raised findings give; Diagnose computes
// the same.
func verdictFor(f *facts, rs []raised) Verdict {
	switch {
	case f.works:
		for _, r := range rs {
			if r.sev.rank() >= SeverityWarning.rank() {
				return WorksWithWarnings
			}
		}
		return Works
	case f.o.Cancelled || f.o.DeadlineHit:
		return Incomplete
	}
	for _, r := range rs {
		if r.sev == SeverityProblem {
			return DoesNotWork
		}
	}
	for _, r := range rs {
		if r.id == IDAddressNeeded {
			return Incomplete // the live connection's address is still to be tested
		}
	}
	return DoesNotWork
}

// addressesOf lists the target's addresses the dns probe found, a few at
// most.
func addressesOf(f *facts) string {
	var all []string
	for _, k := range []string{"aaaa", "a", "literal"} {
		for _, a := range strings.Split(f.ev(engine.ProbeDNS, k), ",") {
			if a = strings.TrimSpace(a); a != "" && !slices.Contains(all, a) {
				all = append(all, a)
			}
		}
	}
	const most = 6
	if len(all) > most {
		all = append(all[:most], "…")
	}
	if len(all) == 0 {
		return ""
	}
	return clean(strings.Join(all, ", "))
}

// portsOf lists the TCP ports the app needs: the target's, and the other
// scheme's when it was checked too.
func portsOf(f *facts) string {
	ports := []int{f.o.Target.Port}
	if o := f.in.Other; o != nil && o.Target.Host == f.o.Target.Host && !slices.Contains(ports, o.Target.Port) {
		ports = append(ports, o.Target.Port)
	}
	sort.Ints(ports)
	var s []string
	for _, p := range ports {
		if p != 0 {
			s = append(s, fmt.Sprint(p))
		}
	}
	return strings.Join(s, ", ")
}

// hasID reports whether id was raised.
func hasID(rs []raised, id string) bool {
	for _, r := range rs {
		if r.id == id {
			return true
		}
	}
	return false
}
