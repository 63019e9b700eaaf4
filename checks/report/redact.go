package report

import (
	"net/url"
	"regexp"
	"sort"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// Mask replaces a secret in every export.
const Mask = "[redacted]"

// sensitiveParams are URL query parameters that carry credentials.
var sensitiveParams = regexp.MustCompile(`(?i)^(access_?token|token|id_?token|refresh_?token|api_?key|key|auth|authorization|sig|signature|password|passwd|pwd|secret|client_secret|session|sessionid|sid|code|jwt|ticket|credential|x-amz-signature|x-amz-credential|x-goog-signature)$`)

// queryParam finds name=value pairs in URLs inside free text.
var queryParam = regexp.MustCompile(`([?&;])([A-Za-z0-9_.\-]+)=([^&#\s"'<>]*)`)

// userinfo finds credentials in URLs inside free text.
var userinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@"'<>]+@`)

// secretsOf collects the secret strings a run was given, so they can be
// replaced wherever they reappear (an error message, a header echoed back).
func secretsOf(o checks.Outcome) []string {
	var s []string
	for k, vs := range o.Options.Headers {
		if !checks.IsSensitiveHeader(k) {
			continue
		}
		for _, v := range vs {
			s = append(s, v)
			// A cookie's parts also travel on their own.
			for _, part := range strings.Split(v, ";") {
				if _, val, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
					s = append(s, val)
				}
			}
			if _, cred, ok := strings.Cut(v, " "); ok {
				s = append(s, cred)
			}
		}
	}
	if u := o.Target.User; u != nil {
		s = append(s, u.String())
		if p, ok := u.Password(); ok {
			s = append(s, p, url.QueryEscape(p))
		}
	}
	if _, q, ok := strings.Cut(o.Target.Path, "?"); ok {
		if vals, err := url.ParseQuery(q); err == nil {
			for k, vs := range vals {
				if sensitiveParams.MatchString(k) {
					s = append(s, vs...)
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

// redactText removes known secrets, URL credentials and sensitive query
// values from free text.
func redactText(s string, secrets []string) string {
	for _, v := range secrets {
		s = strings.ReplaceAll(s, v, Mask)
	}
	s = userinfo.ReplaceAllString(s, "${1}"+Mask+"@")
	return queryParam.ReplaceAllStringFunc(s, func(m string) string {
		p := queryParam.FindStringSubmatch(m)
		if sensitiveParams.MatchString(p[2]) && p[3] != "" && p[3] != Mask {
			return p[1] + p[2] + "=" + Mask
		}
		return m
	})
}

// redact returns r with secrets replaced in every string it carries.
func redact(r Report, secrets []string) Report {
	t := func(s string) string { return redactText(s, secrets) }
	r.Target = t(r.Target)
	if r.Options.Headers != nil {
		h := map[string]string{}
		for k, v := range r.Options.Headers {
			if checks.IsSensitiveHeader(k) {
				v = Mask
			}
			h[k] = t(v)
		}
		r.Options.Headers = h
	}
	results := make([]checks.Result, len(r.Results))
	for i, res := range r.Results {
		res.Reason, res.Error = t(res.Reason), t(res.Error)
		ev := make(checks.Evidence, len(res.Evidence))
		for j, kv := range res.Evidence {
			if isSecretEvidenceKey(kv.Key) {
				kv.Value = Mask
			}
			ev[j] = checks.KV{Key: kv.Key, Value: t(kv.Value)}
		}
		res.Evidence = ev
		results[i] = res
	}
	r.Results = results
	findings := make([]diagnose.Finding, len(r.Findings))
	for i, f := range r.Findings {
		f.Title, f.Explanation, f.AdminNote = t(f.Title), t(f.Explanation), t(f.AdminNote)
		steps := make([]string, len(f.Steps))
		for j, s := range f.Steps {
			steps[j] = t(s)
		}
		if f.Steps == nil {
			steps = nil
		}
		f.Steps = steps
		ev := make([]diagnose.EvidenceRef, len(f.Evidence))
		for j, e := range f.Evidence {
			e.Value = t(e.Value)
			ev[j] = e
		}
		f.Evidence = ev
		findings[i] = f
	}
	r.Findings = findings
	r.AdminNote = t(r.AdminNote)
	if r.Summary != nil {
		s := *r.Summary
		s.CauseText = t(s.CauseText)
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
