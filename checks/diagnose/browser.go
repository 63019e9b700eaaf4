package diagnose

import (
	"strconv"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
)

// IDBrowserDiffers: the person's own browser, opened on the same address,
// got an answer next to the check's (shared FINDINGS.md). Its cases say
// which way they differ, or that the browser confirms the check.
const IDBrowserDiffers = "browser-differs"

// ProbeBrowser names the browser's answer in evidence references.
const ProbeBrowser = "browser"

// browserCases are the variants of browser-differs: which side failed
// (browser_fails, app_fails) or that both agree (both_work, both_fail);
// then what explains the difference.
var browserCases = []string{
	"browser_fails", "app_fails", "both_work", "both_fail",
	"firefox", "antivirus", "origin", "check_trusts_more",
	"proxy_sign_in", "pac", "own_proxy", "certificate",
}

// ruleBrowser sets the browser's answer beside the check's: a browser that
// fails where the check works points at the browser (its extensions, its
// own proxy settings, a web shield that watches browsers); a browser that
// works where the check fails took a way the check could not (a proxy
// sign-in, a proxy script, a certificate it trusts). When both agree, it
// confirms the check and adds no problem.
func ruleBrowser(f *facts, fd *found) {
	b := f.in.Browser
	if b == nil || f.o.Cancelled {
		return
	}
	r := raised{id: IDBrowserDiffers, conf: Sure, fixer: FixerYou, refs: browserRefs(*b)}
	switch {
	case f.works && b.Works():
		r.sev, r.cases, r.fixer = SeverityOK, []string{"both_work"}, ""
	case !f.works && !b.Works():
		r.sev, r.cases, r.fixer = SeverityInfo, []string{"both_fail"}, ""
	case f.works:
		// Only the browser fails.
		r.sev, r.conf, r.cases = SeverityWarning, Likely, []string{"browser_fails"}
		if b.Name() == "Firefox" {
			r.cases = append(r.cases, "firefox")
		}
		if len(b.Antivirus) > 0 {
			r.cases = append(r.cases, "antivirus")
			r.refs = append(r.refs, EvidenceRef{Probe: ProbeBrowser, Key: "antivirus", Value: clean(strings.Join(b.Antivirus, ", "))})
		}
		if f.secure && (f.o.Options.CAFile != "" || f.o.Options.Insecure) {
			// The check trusted what the browser may not.
			r.cases = append(r.cases, "check_trusts_more")
		}
		if f.o.Options.Headers.Get("Origin") != "" {
			// The service is reached with an Origin of its own: it may
			// refuse the test page's.
			r.cases = append(r.cases, "origin")
		}
	default:
		// Only the browser works: it took a way the check could not.
		r.sev, r.conf, r.cases = SeverityWarning, Likely, []string{"app_fails"}
		switch {
		case fd.has(IDProxyAuthRequired):
			r.cases = append(r.cases, "proxy_sign_in")
		case fd.has(IDProxyUnreachable) || fd.has(IDProxyBlocksCONN):
			r.cases = append(r.cases, "own_proxy")
		}
		if s := f.in.Env.ProxySource; s == "pac" || s == "wpad" {
			r.cases = append(r.cases, "pac")
		}
		if fd.has(IDTLSCertInvalid) || fd.has(IDTLSIntercepted) {
			r.cases = append(r.cases, "certificate")
		}
	}
	fd.add(r)
}

// browserRefs are the browser's answer as evidence.
func browserRefs(b browser.Result) []EvidenceRef {
	yes := func(v bool) string {
		if v {
			return "yes"
		}
		return "no"
	}
	refs := []EvidenceRef{{Probe: ProbeBrowser, Key: "opened", Value: yes(b.Opened)}}
	if b.CloseCode != 0 {
		refs = append(refs, EvidenceRef{Probe: ProbeBrowser, Key: "close_code", Value: strconv.Itoa(b.CloseCode)})
	}
	if b.Error != "" {
		refs = append(refs, EvidenceRef{Probe: ProbeBrowser, Key: "error", Value: clean(b.Error)})
	}
	if b.UserAgent != "" {
		refs = append(refs, EvidenceRef{Probe: ProbeBrowser, Key: "user_agent", Value: clean(b.UserAgent)})
	}
	return refs
}

// browserName is the browser's name for sentences, or "" when unknown.
func browserName(b *browser.Result) string {
	if b == nil {
		return ""
	}
	return b.Name()
}
