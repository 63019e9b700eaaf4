package diagnose

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// Catalogue is every word of the diagnosis a person reads, in one language:
// the findings' texts keyed by ID, the glossary of technical words, labels
// and the pieces of the admin note. It is built from the flat catalogue
// of that language (assets/words/<lang>/findings.json, read by package
// i18n) by NewCatalogue, and never changed after.
type Catalogue struct {
	Lang string
	// Glossary explains each technical word in one short sentence, given
	// once, in the first finding of a diagnosis that uses the word; in
	// the order of glossaryOrder.
	Glossary []Term
	// Placeholders are the words used for a {name} this run has no value
	// for ("your proxy" for {proxy}).
	Placeholders map[string]string
	// Labels are short texts for renderers: verdicts, who can fix, section
	// names, proxy sources.
	Labels map[string]string
	// Admin are the sentences of the admin note.
	Admin map[string]string
	// Findings are the texts of each finding ID.
	Findings map[string]FindingText
	// Codes say in a sentence what a probe's code means, for the window's
	// list of steps: by code family ("refused", "status", "needs"; see
	// engine.CodeFamily), or by "probe.family" where one probe needs
	// other words. {status} is the HTTP status of a "status_NNN" code.
	Codes map[string]string
	// Jargon are technical words of this language: a person's text that
	// uses one must find it explained in the glossary.
	Jargon []string
}

// Term is one glossary entry: the words that name it and the sentence that
// explains it.
type Term struct {
	ID    string
	Words []string
	Text  string
}

// FindingText is what a finding says. Cases add to it for the variant of
// the finding a rule raised: their explanation follows the finding's, their
// steps come before its steps, their admin text follows its admin text.
type FindingText struct {
	Title       string
	Explanation string
	Steps       []string
	Admin       string
	Cases       map[string]CaseText
}

// CaseText is the text a variant of a finding adds. A case with Replace
// set (replacingCases) stands in for the finding's own words instead: its
// title (when it has one), explanation, steps and admin text are used in
// place of the finding's, for a variant where they would be wrong (a
// refused port on this very computer is no firewall's doing); other cases
// still add to it.
type CaseText struct {
	Replace     bool
	Title       string
	Explanation string
	Steps       []string
	Admin       string
}

// The keys of the diagnosis in a flat catalogue (findings.json). A
// finding's texts are finding.<id>.title, .explain, .step.1, .step.2...,
// .admin; a case's the same under finding.<id>.case.<case>.; a glossary
// term's glossary.<id>.text and glossary.<id>.words (the words that name
// it, i18n.ListSep between them); jargon.words and retired.words
// (i18n.RetiredKey) are this language's lists of words.
const (
	keyFinding     = "finding."
	keyGlossary    = "glossary."
	keyPlaceholder = "placeholder."
	keyLabel       = "label."
	keyAdmin       = "admin."
	keyCode        = "code."
	keyJargon      = "jargon.words"
)

// glossaryOrder are the glossary's terms, in the order a finding's card
// explains them. Every language explains each one.
var glossaryOrder = []string{
	"websocket", "proxy", "vpn", "certificate", "firewall", "port", "encrypted", "antivirus",
	"network_admin", "server", "header", "tls", "inspection", "hotspot", "ip_family",
	"compression", "http2", "keepalive",
}

// replacingCases are the cases whose words stand in for their finding's
// instead of adding to them (CaseText.Replace): by finding ID.
var replacingCases = sync.OnceValue(func() map[string][]string {
	return map[string][]string{
		IDWebSocketOK:            {"self_test"},
		IDProxyAuthRequired:      {"windows_refused", "ticket_refused", "credentials_refused"},
		IDProxySigninUnavailable: {"signin_needed"},
		IDProxyBlocksCONN:        {"in_tunnel"},
		IDTCPBlocked:             {"local_not_listening"},
		IDServerNoWebSocket:      {"tls_port", "plain_port"},
		IDBrowserDiffers:         {"browser_fails", "app_fails", "both_work", "both_fail"},
		IDProxyIdleTimeout:       {"long_enough"},
		// went_away after entered: the catalogue puts entered first, and the
		// last replacing case's words stand.
		IDProxyUnreachable: {enteredCase, "went_away"},
		IDProxyConfigured:  {enteredCase},
		// SignalR's and SockJS's fallbacks: the same words for the person, the
		// framework's own transports in the admin note.
		IDFallbackWorks:  {"signalr", "sockjs"},
		IDFallbackBroken: {"signalr", "sockjs"},
		// A stream held on the service's side: its team, not the person's IT.
		IDFallbackBuffered: {"service_side"},
	}
})

// enteredCase is the case of a finding about the proxy that the person
// entered for the check (proxy_source "option": the window's advanced
// settings, --proxy) rather than one this computer is set to: "the proxy
// you entered", not "the proxy set on this computer". The catalogue adds
// it to every finding that has it; no rule needs to.
const enteredCase = "entered"

// placeholderNames are the {names} a text may use.
var placeholderNames = []string{
	"host", "host_and_subdomains", "host_and_subaddresses", "port", "host_port", "address", "other_address", "secure_address",
	"proxy", "proxy_source", "proxy_origin", "vpn",
	"idle_needed", "idle_limit", "idle_survived", "ended_by",
	"status", "server", "location", "issuer", "expected_issuers", "tls_version", "close_code",
	"auth_schemes", "auth_scheme", "auth_domain", "auth_error", "proxy_reason", "firefox_proxy", "firefox_differs", "pac_error", "addresses", "ports",
	"client_cas", "portal", "page_title", "browser", "antivirus",
	"cause", "who", "verdict",
	"extension_parameter", "extension_answer", "size_passed", "size_failed", "h2_answer", "product",
	"proxy_gone_at", "lifetime", "data_every", "idle_needed_source",
	"framework", "stream_transport", "held_by",
	// The watch's (rules_watch.go): set whenever the finding that uses
	// them is raised, so they need no fallback (watchPlaceholders).
	"watch_minutes", "watch_drops", "watch_age", "watch_count", "outages", "outage_count", "outage_longest",
	"change", "change_from", "change_to", "change_at", "change_drops", "change_window", "sleep_drops",
	"unexplained_count", "unexplained_times", "unexplained_ends", "drops_earlier",
}

// watchOnlyPlaceholders are the placeholders only the watch's findings
// use, always filled when they are raised (watchPlaceholders); they have
// no fallback word.
var watchOnlyPlaceholders = []string{
	"watch_minutes", "watch_drops", "watch_age", "watch_count", "outages", "outage_count", "outage_longest",
	"change", "change_from", "change_to", "change_at", "change_drops", "change_window", "sleep_drops",
	"unexplained_count", "unexplained_times", "unexplained_ends", "drops_earlier",
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
	"host.subdomains", "host.subaddresses", "verdict.self_test", "verdict.address_needed", "verdict.browsers_fail",
	"hop.computer", "hop.vpn", "hop.proxy", "hop.internet", "hop.network", "hop.service",
	"verdict.cut_idle", "verdict.cut_silent", "verdict.cut_lifetime", "verdict.cut_pings",
	"need.preset", "need.socketio", "need.signalr", "need.phoenix", "need.actioncable", "need.sockjs", "need.default",
	// A watch's network change in words (changeKinds).
	"change.wifi", "change.wifi_up", "change.wifi_down", "change.vpn", "change.vpn_up", "change.vpn_down",
	"change.interface", "change.route", "change.proxy", "change.pac", "change.dns", "change.other",
}

// requiredAdmin are the sentences the admin note is built from.
var requiredAdmin = []string{
	"header", "verdict", "open", "open_address", "proxy", "proxy_rules", "idle_measured", "idle_ok",
	"idle_unmeasured", "tls_exempt", "findings", "footer", "lifetime_measured", "need_source", "watch",
}

var placeholderRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\{([^{}]*)\}`)
})

// NewCatalogue is the diagnosis's words in w's language, checked: every
// finding ID with a title, an explanation and steps (but for the good news
// and context), every case the rules ask for and no other, every label,
// admin sentence and glossary term, only known {placeholders}, and no key
// of the diagnosis it does not know.
func NewCatalogue(w *i18n.Words) (*Catalogue, error) {
	c, errs := decodeCatalogue(w)
	if err := c.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("diagnose: catalogue %q: %w", c.Lang, err)
	}
	return c, nil
}

// decodeCatalogue gathers the diagnosis's keys of w into a Catalogue, and
// says which keys it cannot place.
func decodeCatalogue(w *i18n.Words) (*Catalogue, []error) {
	c := &Catalogue{Lang: w.Lang, Placeholders: map[string]string{}, Labels: map[string]string{},
		Admin: map[string]string{}, Findings: map[string]FindingText{}, Codes: map[string]string{}}
	var errs []error
	text := func(key string) string { s, _ := w.Raw(key); return s }
	for _, m := range []struct {
		prefix string
		into   map[string]string
	}{{keyPlaceholder, c.Placeholders}, {keyLabel, c.Labels}, {keyAdmin, c.Admin}, {keyCode, c.Codes}} {
		for _, k := range w.Keys(m.prefix) {
			m.into[strings.TrimPrefix(k, m.prefix)] = text(k)
		}
	}
	c.Jargon = w.List(keyJargon)
	for _, id := range glossaryOrder {
		if !w.Has(keyGlossary + id + ".text") {
			continue // validate says it is missing
		}
		c.Glossary = append(c.Glossary, Term{ID: id, Words: w.List(keyGlossary + id + ".words"), Text: text(keyGlossary + id + ".text")})
	}
	for _, k := range w.Keys(keyGlossary) {
		id, field, _ := strings.Cut(strings.TrimPrefix(k, keyGlossary), ".")
		if !slices.Contains(glossaryOrder, id) || (field != "text" && field != "words") {
			errs = append(errs, fmt.Errorf("%s: not a text of the glossary (terms: glossaryOrder)", k))
		}
	}
	steps := map[string]map[int]string{} // by the key before ".step."
	for _, k := range w.Keys(keyFinding) {
		id, rest, _ := strings.Cut(strings.TrimPrefix(k, keyFinding), ".")
		t := c.Findings[id]
		cs, field := "", rest
		if after, ok := strings.CutPrefix(rest, "case."); ok {
			cs, field, _ = strings.Cut(after, ".")
		}
		var ct CaseText
		if cs != "" {
			ct = t.Cases[cs]
		}
		title, expl, admin := &t.Title, &t.Explanation, &t.Admin
		if cs != "" {
			title, expl, admin = &ct.Title, &ct.Explanation, &ct.Admin
		}
		switch field {
		case "title":
			*title = text(k)
		case "explain":
			*expl = text(k)
		case "admin":
			*admin = text(k)
		default:
			n, err := strconv.Atoi(strings.TrimPrefix(field, "step."))
			if !strings.HasPrefix(field, "step.") || err != nil || n < 1 {
				errs = append(errs, fmt.Errorf("%s: not a text of a finding (title, explain, step.N, admin)", k))
				continue
			}
			at := strings.TrimSuffix(k, "."+field)
			if steps[at] == nil {
				steps[at] = map[int]string{}
			}
			steps[at][n] = text(k)
		}
		if cs != "" {
			if t.Cases == nil {
				t.Cases = map[string]CaseText{}
			}
			ct.Replace = slices.Contains(replacingCases()[id], cs)
			t.Cases[cs] = ct
		}
		c.Findings[id] = t
	}
	for at, byNumber := range steps {
		list := make([]string, len(byNumber))
		for n, s := range byNumber {
			if n > len(list) {
				errs = append(errs, fmt.Errorf("%s.step.%d: the steps are not numbered 1 to %d", at, n, len(list)))
				continue
			}
			list[n-1] = s
		}
		id, cs, _ := strings.Cut(strings.TrimPrefix(at, keyFinding), ".case.")
		t := c.Findings[id]
		if cs == "" {
			t.Steps = list
		} else {
			ct := t.Cases[cs]
			ct.Steps = list
			t.Cases[cs] = ct
		}
		c.Findings[id] = t
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return c, errs
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
		for _, m := range placeholderRE().FindAllStringSubmatch(s, -1) {
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
		for _, cs := range Cases()[id] {
			ct, ok := t.Cases[cs]
			if !ok {
				bad("finding %s: case %s missing", id, cs)
				continue
			}
			if ct.Explanation == "" && len(ct.Steps) == 0 && ct.Admin == "" {
				bad("finding %s: case %s says nothing", id, cs)
			}
			if ct.Replace && (ct.Explanation == "" || (len(ct.Steps) == 0 && len(t.Steps) > 0)) {
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
			if !slices.Contains(Cases()[id], cs) {
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
		if slices.Contains(watchOnlyPlaceholders, p) {
			continue
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
		if len(t.Words) == 0 {
			bad("glossary %s: no words", t.ID)
		}
		ids[t.ID] = true
		checkText("glossary "+t.ID, t.Text)
	}
	for _, id := range glossaryOrder {
		if !ids[id] {
			bad("glossary %s: missing", id)
		}
	}
	for id, cases := range replacingCases() {
		for _, cs := range cases {
			if !slices.Contains(Cases()[id], cs) {
				bad("finding %s: replacing case %s is raised by no rule", id, cs)
			}
		}
	}
	return errors.Join(errs...)
}

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
	return placeholderRE().ReplaceAllStringFunc(s, func(m string) string {
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
	if s, ok := c.Labels["need."+vars["idle_needed_source"]]; ok {
		out["idle_needed_source"] = s
	}
	if k := vars["change_kind"]; k != "" {
		out["change"] = c.fill(c.Labels["change."+k], vars)
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
		if rawVars["proxy_source"] == "option" && slices.Contains(Cases()[r.id], enteredCase) && !slices.Contains(r.cases, enteredCase) {
			r.cases = append([]string{enteredCase}, r.cases...)
		}
		f := Finding{
			ID:         r.id,
			Severity:   r.sev,
			Confidence: r.conf,
			WhoCanFix:  r.fixer,
			Title:      c.fill(t.Title, vars),
			Evidence:   r.refs,
		}
		// stepKeys are the keys of t.Steps, for who does each (stepFixer).
		stepKeys := keysOf(r.id+".step.", len(t.Steps))
		for _, cs := range r.cases {
			if ct := t.Cases[cs]; ct.Replace {
				t.Explanation, t.Steps, t.Admin = ct.Explanation, ct.Steps, ct.Admin
				stepKeys = keysOf(r.id+".case."+cs+".step.", len(ct.Steps))
				if ct.Title != "" {
					f.Title = c.fill(ct.Title, vars)
				}
			}
		}
		expl := []string{c.fill(t.Explanation, vars)}
		var caseSteps, caseKeys, admin []string
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
			for i, s := range ct.Steps {
				caseSteps = append(caseSteps, c.fill(s, vars))
				caseKeys = append(caseKeys, fmt.Sprintf("%s.case.%s.step.%d", r.id, cs, i+1))
			}
			if ct.Admin != "" {
				admin = append(admin, c.fill(ct.Admin, vars))
			}
		}
		keys := append(caseKeys, stepKeys...)
		for i, s := range append(caseSteps, t.Steps...) {
			if s = c.fill(s, vars); !slices.Contains(f.Steps, s) {
				f.Steps = append(f.Steps, s)
				f.StepFixers = append(f.StepFixers, stepFixer(keys[i]))
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

// keysOf are the keys of n steps under prefix, from step 1.
func keysOf(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i+1)
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
	switch cut := cutLabel(rs); {
	case v == DoesNotWork && cut != "":
		s.Headline = c.fill(c.Labels[cut], c.withLabels(f.vars))
	case v == DoesNotWork && f.works && browsersFail(rs):
		s.Headline = c.Labels["verdict.browsers_fail"]
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
	if cut := cutLabel(rs); cut != "" && verdictFor(f, rs) == DoesNotWork {
		vars["verdict"] = c.fill(c.Labels[cut], vars) // the cut, named
	}
	e := f.ev(engine.ProbeIdle, engine.KeyIdleEndedBy)
	if w := f.watch; e == "" && w != nil && w.limit != "" && f.ev(engine.ProbeIdle, engine.KeyIdleLimit) == "" {
		// The measured limit is the watch's (watchPlaceholders).
		e = cmp.Or(w.limitEnded, "—")
	}
	if e != "" {
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
	case vars["lifetime"] != "":
		line("lifetime_measured")
	case vars["idle_limit"] != "":
		line("idle_measured")
	case vars["idle_survived"] != "":
		line("idle_ok")
	default:
		line("idle_unmeasured")
	}
	if src := f.vars["idle_needed_source"]; src != "" && src != engine.NeedDefault {
		line("need_source")
	}
	if f.watch != nil {
		line("watch")
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
	case f.works && cutLabel(rs) != "":
		return DoesNotWork // a cut shorter than the app needs (issue 27)
	case f.works && browsersFail(rs):
		return DoesNotWork // in browsers: their HTTP/2 way fails (issue 23)
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
