package engine_test

import (
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// FuzzParseTarget: any input is parsed or refused without a panic, and an
// address that is accepted reads back the same from its own URL: what is
// checked is what was asked. Its error never shows the input's password.
func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{
		"wss://example.com/socket", "ws://127.0.0.1:8080/ws?x=1", "example.com", "example.com:8443/ws",
		"https://bücher.example/", "[::1]:80", "wss://[fe80::1%25eth0]/", "http://u:p@h/?a=b&c",
		".", "wss:///", "a..b", "ws://h:0/", "wss://h/%zz", "wss://h/a%2Fb?q=%20", "HTTP://H.EXAMPLE./P",
		"wss://h?", "wss://h/#f", "mailto:x", "localhost:abc", "wss://xn--nxa.example/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := engine.ParseTarget(s)
		if err != nil {
			if u, _, ok := strings.Cut(s, "@"); ok && strings.Contains(u, "://") {
				// A password that also stands elsewhere in the input (the
				// scheme, the host, the path, which the error may show)
				// proves nothing.
				if _, pw, ok := strings.Cut(u[strings.Index(u, "://")+3:], ":"); ok && len(pw) >= 6 && !strings.ContainsAny(pw, "/?#[]") &&
					strings.Count(s, pw) == 1 && strings.Contains(err.Error(), pw) {
					t.Errorf("error shows the password %q: %v", pw, err)
				}
			}
			return
		}
		back, err := engine.ParseTarget(tg.URL())
		if err != nil {
			t.Fatalf("ParseTarget(%q) = %q, which does not parse: %v", s, tg.URL(), err)
		}
		if back.Scheme != tg.Scheme || back.Host != tg.Host || back.Port != tg.Port || back.Path != tg.Path {
			t.Fatalf("ParseTarget(%q) = %+v; its URL %q reads back as %+v", s, tg, tg.URL(), back)
		}
		if back.URL() != tg.URL() {
			t.Fatalf("URL not stable: %q -> %q", tg.URL(), back.URL())
		}
	})
}
