package engine_test

import (
	"strconv"
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
		"wss://alice:Sekr3t/Pw@host/", "wss:/alice:pw@host/", "wss://alice:pw?x@host/", "wss://a:p#w@h/", "ws//alice:pw@host",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := engine.ParseTarget(s)
		if err != nil {
			// Everything between the scheme and the last "@" is hidden,
			// whatever its characters; the password is what follows the
			// first ":" of it. A password that also stands elsewhere in
			// the input (the host, the path, which the error may show),
			// or in the escaped form of the rest ("\xa100000" shows the
			// byte 0xa1 and "00000", which holds "100000"), proves
			// nothing.
			if at := strings.LastIndex(s, "@"); at >= 0 {
				u := s[:at]
				if i := strings.Index(u, "://"); i >= 0 {
					u = u[i+3:]
				}
				rest := s[at:]
				shown := strconv.Quote(rest) + " " + strconv.QuoteToASCII(rest)
				if _, pw, ok := strings.Cut(u, ":"); ok && len(pw) >= 6 && strings.Count(s, pw) == 1 && !strings.Contains(shown, pw) && strings.Contains(err.Error(), pw) {
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
