package report

import (
	"regexp"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// detailPrefix starts the keys of the steps' detail sentences: the
// engine's English reasons ("no address connects on port {port}
// ({code})") with their values named, so that a report in another
// language says them in its own words. The JSON report keeps the
// engine's English reason.
const detailPrefix = "report.detail."

// detailTemplate is one English reason as a pattern: its key, the
// expression that matches it with one group per placeholder, and how
// many of its characters are not placeholders (the most specific match
// wins).
type detailTemplate struct {
	key     string
	re      *regexp.Regexp
	names   []string
	literal int
}

// placeholderRE matches a named placeholder in a catalogue's text.
const placeholderRE = `\{([a-z_]+)\}`

// detailTemplates are the English reasons of en's catalogue as patterns.
func detailTemplates(en *i18n.Words) []detailTemplate {
	ph := regexp.MustCompile(placeholderRE)
	var out []detailTemplate
	for _, key := range en.Keys(detailPrefix) {
		text, _ := en.Raw(key)
		var expr strings.Builder
		var names []string
		literal, last := 0, 0
		expr.WriteString("^")
		for _, m := range ph.FindAllStringSubmatchIndex(text, -1) {
			lit := text[last:m[0]]
			literal += len(lit)
			expr.WriteString(regexp.QuoteMeta(lit) + "(.+?)")
			names = append(names, text[m[2]:m[3]])
			last = m[1]
		}
		literal += len(text) - last
		expr.WriteString(regexp.QuoteMeta(text[last:]) + "$")
		re, err := regexp.Compile(expr.String())
		if err != nil {
			continue
		}
		out = append(out, detailTemplate{key, re, names, literal})
	}
	return out
}

// reason is an engine's English reason in the report's language: the
// catalogue's sentence for it, with its values put in (a reason inside
// it in the same words, a step's name as people read it). A reason no
// sentence matches (one from a newer version) stays as it is; so does
// every reason in English.
func (wd wording) reason(s string) string {
	if len(wd.details) == 0 || s == "" {
		return s
	}
	return wd.reasonDepth(s, 0)
}

func (wd wording) reasonDepth(s string, depth int) string {
	const maxDepth = 4 // needs → not tested on its own → failed → reason
	t, groups, ok := wd.matchDetail(s)
	if !ok {
		return s
	}
	args := make([]any, 0, 2*len(t.names))
	for i, name := range t.names {
		v := groups[i]
		switch name {
		case "reason", "help":
			if depth < maxDepth {
				v = wd.reasonDepth(v, depth+1)
			}
		case "probe":
			v = wd.probeLabel(v)
		}
		args = append(args, name, v)
	}
	return wd.T(t.key, args...)
}

// matchDetail is the most specific template that matches s, with the
// values of its placeholders.
func (wd wording) matchDetail(s string) (detailTemplate, []string, bool) {
	best := -1
	var groups []string
	for i, t := range wd.details {
		if best >= 0 && t.literal <= wd.details[best].literal {
			continue
		}
		if m := t.re.FindStringSubmatch(s); m != nil {
			best, groups = i, m[1:]
		}
	}
	if best < 0 {
		return detailTemplate{}, nil, false
	}
	return wd.details[best], groups, true
}

// detail is the short explanation of a result, next to its status: its
// code (an identifier, in every language) and its reason in the
// report's words.
func (wd wording) detail(code, reason string) string {
	return detail(code, wd.reason(reason))
}

// DetailIn is Detail in the language of words (English when nil).
func DetailIn(res engine.Result, words *i18n.Words) string {
	return wordingOf(words).detail(res.Code, res.Reason)
}
