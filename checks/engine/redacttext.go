package engine

import (
	"regexp"
	"strings"
	"sync"
)

// RedactedMark replaces a secret in what the tool prints outside reports
// (usage errors, `env`); reports use report.Mask, the same text.
const RedactedMark = "[redacted]"

// urlUserinfo finds the credentials of URLs in free text, the scheme
// included when there is one ("://u:p@h" shows no password either).
var urlUserinfo = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)((?:\b[a-z][a-z0-9+.\-]*)?://)[^/\s@"'<>?#]+@`)
})

// urlQueryValue finds name=value pairs of a URL's query or fragment.
var urlQueryValue = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([?&;#][A-Za-z0-9_.\-\[\]%]*=)([^&#\s"'<>]+)`)
})

// RedactURLText hides the userinfo and every query and fragment value of
// the URLs in s, which need not parse: it is for echoing back what a user
// typed, say in an error message, without the password or token in it.
func RedactURLText(s string) string {
	s = urlUserinfo().ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasSuffix(m, ":xxxxx@") {
			return m // url.URL.Redacted's form: the user name alone shows
		}
		return urlUserinfo().FindStringSubmatch(m)[1] + RedactedMark + "@"
	})
	return urlQueryValue().ReplaceAllStringFunc(s, func(m string) string {
		p := urlQueryValue().FindStringSubmatch(m)
		if p[2] == RedactedMark {
			return m
		}
		return p[1] + RedactedMark
	})
}
