package report

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// allowedHeaders are the request headers whose values a report shows: they
// say what kind of client asked and never carry a credential. Every other
// header value is masked, since services carry tokens under names of their
// own (X-Session, Api-Key, X-Custom-Auth...).
var allowedHeaders = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"Origin":                 true,
		"User-Agent":             true,
		"Sec-Websocket-Protocol": true,
	}
})

// allowedHeader reports whether a request header's value may be shown: the
// allow-list and the Accept-* family.
func allowedHeader(name string) bool {
	n := http.CanonicalHeaderKey(strings.TrimSpace(name))
	return allowedHeaders()[n] || strings.HasPrefix(n, "Accept")
}

// secretAssign finds name=value and "name": "value" pairs whose name says
// they hold a credential (token, session, key, password, secret), in text a
// server sent: a body excerpt, a title, an error.
var secretAssign = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)("?\b[A-Za-z0-9_.\-]*(?:token|session|key|passw|secret)[A-Za-z0-9_.\-]*"?)(\s*=\s*|"\s*:\s*)("?)([^\s"'&<>,;)]+)`)
})

// redactAssignments masks the values of secretAssign's pairs.
func redactAssignments(s string) string {
	return secretAssign().ReplaceAllStringFunc(s, func(m string) string {
		p := secretAssign().FindStringSubmatch(m)
		name, sep := p[1], p[2]
		// A JSON name is quoted on both sides; "x: y" alone is prose.
		if strings.Contains(sep, ":") && !strings.HasPrefix(name, `"`) {
			return m
		}
		if p[4] == Mask || strings.HasPrefix(p[4], "[redacted") {
			return m
		}
		return name + sep + p[3] + Mask
	})
}

// isChallengeKey reports whether evidence under key is an auth challenge
// (WWW-Authenticate, Proxy-Authenticate), whose parameters a server may fill
// with tokens.
func isChallengeKey(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "authenticate")
}

// token68 is the credential form of RFC 7235 ("NTLM TlRMTVNTUAAC...").
var token68 = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9._~+/\-]+=*$`)
})

// redactChallenges keeps of auth challenges the schemes and realms, which
// say how to sign in, and masks every other parameter and any token68 (an
// NTLM or Negotiate challenge).
func redactChallenges(v string) string {
	var out []string
	for _, item := range splitChallenge(v) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		scheme, rest := "", item
		if i := strings.IndexAny(item, " \t"); i > 0 && !strings.Contains(item[:i], "=") {
			scheme, rest = item[:i], strings.TrimSpace(item[i+1:])
		} else if !strings.Contains(item, "=") {
			out = append(out, item) // a scheme alone
			continue
		}
		switch name, _, isParam := strings.Cut(rest, "="); {
		case isParam && !token68().MatchString(rest):
			if strings.EqualFold(strings.TrimSpace(name), "realm") {
				break
			}
			rest = strings.TrimSpace(name) + "=" + Mask
		case rest != "" && !strings.EqualFold(strings.TrimSpace(name), "realm"):
			rest = Mask
		}
		if scheme != "" {
			rest = scheme + " " + rest
		}
		out = append(out, rest)
	}
	return strings.Join(out, ", ")
}

// splitChallenge splits a challenge list on the commas outside quotes.
func splitChallenge(v string) []string {
	var parts []string
	quoted, start := false, 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '"':
			quoted = !quoted
		case '\\':
			if quoted {
				i++
			}
		case ',':
			if !quoted {
				parts = append(parts, v[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, v[start:])
}
