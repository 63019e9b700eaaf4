package report

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// Mask replaces a secret in every export.
const Mask = "[redacted]"

// UserMask replaces the user name in a home folder path.
const UserMask = "[user]"

// queryParam finds name=value pairs of URLs (query or fragment) in free text.
var queryParam = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([?&;#])([A-Za-z0-9_.\-\[\]]+)=([^&#\s"'<>]*)`)
})

// userinfo finds credentials in URLs inside free text.
var userinfo = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@"'<>]+@`)
})

// headerLine finds a secret header written out in free text ("Cookie: a=b",
// "Authorization=Bearer x"); everything to the end of the line goes.
var headerLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b((?:proxy-)?authorization|(?:set-)?cookie|x-api-key|x-auth-token)(\s*[:=]\s*)([^\r\n]+)`)
})

// authScheme finds credentials after an HTTP auth scheme ("Bearer eyJ...",
// an NTLM or Negotiate token of a proxy sign-in).
var authScheme = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(bearer|basic|ntlm|negotiate|kerberos)(\s+)([A-Za-z0-9._~+/\-]{8,}=*)`)
})

// homePath finds the user's folder in a file path: /home/<user>,
// /Users/<user>, C:\Users\<user> (also with doubled backslashes, as a quoted
// error message writes them).
var homePath = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(^|[\s"'=(,;:\[]|file://)((?:/var)?/home/+|/Users/+|[A-Za-z]:[\\/]+Users[\\/]+|\\\\[^\\\s]+\\Users\\)([^\\/\s"'<>:;,|*?]+)`)
})

// Warm makes the patterns that every report's redaction uses, which are
// otherwise made by the first report: a check calls it while it waits
// for the network.
func Warm() {
	for _, re := range []func() *regexp.Regexp{queryParam, userinfo, headerLine, authScheme, homePath, secretAssign, token68, goOp} {
		re()
	}
}

// secretsOf collects the secret strings a run was given, so they can be
// replaced wherever they reappear (an error message, a header echoed back).
func secretsOf(o engine.Outcome, proxy *Proxy) []string {
	var s []string
	for k, vs := range o.Options.Headers {
		if allowedHeader(k) {
			continue
		}
		for _, v := range vs {
			s = append(s, v)
			// A cookie's parts also travel on their own.
			for _, part := range strings.Split(v, ";") {
				if _, val, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
					s = append(s, val, url.QueryEscape(val))
				}
			}
			if _, cred, ok := strings.Cut(v, " "); ok {
				s = append(s, cred)
			}
		}
	}
	addUser := func(u *url.Userinfo) {
		if u == nil {
			return
		}
		s = append(s, u.String())
		if p, ok := u.Password(); ok {
			s = append(s, p, url.QueryEscape(p), url.PathEscape(p))
		}
	}
	addUser(o.Target.User)
	// Proxy credentials given apart from the URL (--proxy-user).
	if c := o.Options.ProxyCredentials; c != nil {
		s = append(s, c.User+":"+c.Password, c.Password, url.QueryEscape(c.Password), url.PathEscape(c.Password), c.User, url.QueryEscape(c.User))
	}
	// A proxy given with --proxy may carry its credentials.
	if u := o.Options.Proxy.URL; u != nil {
		addUser(u.User)
	}
	if proxy != nil {
		for _, raw := range []string{proxy.URL, proxy.PACURL} {
			if u, err := url.Parse(raw); err == nil {
				addUser(u.User)
			}
		}
	}
	if _, q, ok := strings.Cut(o.Target.Path, "?"); ok {
		if vals, err := url.ParseQuery(q); err == nil {
			// Every value: which names carry a token is the
			// service's choice (refresh=, t=, ...).
			for _, vs := range vals {
				for _, v := range vs {
					s = append(s, v, url.QueryEscape(v))
				}
			}
		}
	}
	// Longest first, so a secret that contains another is replaced whole.
	sort.Slice(s, func(i, j int) bool { return len(s[i]) > len(s[j]) })
	out := s[:0]
	for _, v := range s {
		// Very short values (a "1" flag) would blank out unrelated text.
		if len(v) >= 4 {
			out = append(out, v)
		}
	}
	return out
}

// redactText removes known secrets, URL credentials, sensitive query
// values, secret headers and home folder user names from free text.
func redactText(s string, secrets []string) string {
	for _, v := range secrets {
		s = strings.ReplaceAll(s, v, Mask)
	}
	s = userinfo().ReplaceAllString(s, "${1}"+Mask+"@")
	s = headerLine().ReplaceAllString(s, "${1}${2}"+Mask)
	s = authScheme().ReplaceAllStringFunc(s, func(m string) string {
		p := authScheme().FindStringSubmatch(m)
		// A plain word ("basic authentication") is not a credential.
		if strings.IndexFunc(p[3], func(c rune) bool { return !unicode.IsLower(c) }) < 0 {
			return m
		}
		return p[1] + p[2] + Mask
	})
	s = homePath().ReplaceAllString(s, "${1}${2}"+UserMask)
	s = queryParam().ReplaceAllStringFunc(s, func(m string) string {
		p := queryParam().FindStringSubmatch(m)
		// Every value: which names carry a token is the service's choice.
		if p[3] != "" && p[3] != Mask {
			return p[1] + p[2] + "=" + Mask
		}
		return m
	})
	return redactAssignments(s)
}

// redact returns r with secrets replaced in every string it carries.
func redact(r Report, secrets []string) Report {
	t := func(s string) string { return redactText(s, secrets) }
	r.Target = t(r.Target)
	if r.Options.Headers != nil {
		h := map[string]string{}
		for k, v := range r.Options.Headers {
			if !allowedHeader(k) {
				v = Mask
			}
			h[t(k)] = t(v)
		}
		r.Options.Headers = h
	}
	if r.Options.Subprotocols != nil {
		sp := make([]string, len(r.Options.Subprotocols))
		for i, p := range r.Options.Subprotocols {
			// Some services carry a bearer token as a subprotocol.
			if l := strings.ToLower(p); strings.Contains(l, "bearer") || strings.Contains(l, "token") || strings.Contains(l, "auth") {
				p = Mask
			}
			sp[i] = t(p)
		}
		r.Options.Subprotocols = sp
	}
	r.Options.CAFile, r.Options.ClientCert = t(r.Options.CAFile), t(r.Options.ClientCert)
	r.Environment.OSVersion = t(r.Environment.OSVersion)
	if p := r.Environment.Proxy; p != nil {
		c := *p
		c.URL, c.Source, c.Origin, c.PACURL = t(c.URL), t(c.Source), t(c.Origin), t(c.PACURL)
		r.Environment.Proxy = &c
	}
	if v := r.Environment.VPN; v != nil {
		c := *v
		c.Name, c.Interface = t(c.Name), t(c.Interface)
		r.Environment.VPN = &c
	}
	results := make([]Result, len(r.Results))
	for i, res := range r.Results {
		res.Code, res.Reason, res.Error = t(res.Code), t(res.Reason), t(res.Error)
		ev := make(engine.Evidence, len(res.Evidence))
		for j, kv := range res.Evidence {
			if isSecretEvidenceKey(kv.Key) {
				kv.Value = Mask
			}
			if isChallengeKey(kv.Key) {
				kv.Value = redactChallenges(kv.Value)
			}
			ev[j] = engine.KV{Key: t(kv.Key), Value: t(kv.Value)}
		}
		res.Evidence = ev
		results[i] = res
	}
	r.Results = results
	findings := make([]diagnose.Finding, len(r.Findings))
	for i, f := range r.Findings {
		f.Title, f.Explanation, f.AdminNote = t(f.Title), t(f.Explanation), t(f.AdminNote)
		if f.Steps != nil {
			steps := make([]string, len(f.Steps))
			for j, s := range f.Steps {
				steps[j] = t(s)
			}
			f.Steps = steps
		}
		if f.Evidence != nil {
			ev := make([]diagnose.EvidenceRef, len(f.Evidence))
			for j, e := range f.Evidence {
				if isSecretEvidenceKey(e.Key) {
					e.Value = Mask
				}
				if isChallengeKey(e.Key) {
					e.Value = redactChallenges(e.Value)
				}
				e.Value = t(e.Value)
				ev[j] = e
			}
			f.Evidence = ev
		}
		findings[i] = f
	}
	r.Findings = findings
	r.AdminNote = t(r.AdminNote)
	r.Browser = redactBrowser(r.Browser, t)
	if r.Summary != nil {
		s := *r.Summary
		s.Headline, s.CauseText, s.WhoCanFixText, s.UncertainText = t(s.Headline), t(s.CauseText), t(s.WhoCanFixText), t(s.UncertainText)
		r.Summary = &s
	}
	return r
}

// isSecretEvidenceKey reports whether evidence under key holds a header value
// that is secret by nature (a Set-Cookie the server sent, say).
func isSecretEvidenceKey(key string) bool {
	k := strings.ToLower(key)
	for _, s := range []string{"cookie", "authorization", "token", "secret", "password"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}
