package report

import (
	"bytes"
	"net/http"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// hostilePlanted are secrets in the places issue 15 found leaking: header
// values of the service's own names, query values whatever their names, a
// server's auth challenge parameters and body text.
var hostilePlanted = []string{
	"CUSTOMAUTHsekret101", "XSESSIONsekret102", "APIKEYHDRsekret103", "REFRESHsekret104",
	"Tsekret105", "CHALLENGEsekret106", "TlRMTVNTUAACAAAAsekret107", "BODYSESSIONsekret108",
	"BODYPASSsekret109", "JSONTOKENsekret110", "PROXYBODYKEYsekret111", "HOSTHDRsekret112",
}

func hostileSecretsInput() Input {
	in := secretsInput()
	o := &in.Outcome
	o.Target = target("wss://chat.example.com/socket?refresh=REFRESHsekret104&t=Tsekret105&room=42")
	o.Options.Headers = http.Header{
		"X-Custom-Auth": {"CUSTOMAUTHsekret101"},
		"X-Session":     {"XSESSIONsekret102"},
		"Api-Key":       {"APIKEYHDRsekret103"},
		"Host":          {"HOSTHDRsekret112.example"},
		"Origin":        {"https://chat.example.com"},
		"User-Agent":    {"KeepMe/1.0"},
	}
	up := &o.Results[4]
	up.Evidence = append(up.Evidence,
		engine.KV{Key: "www_authenticate", Value: `Bearer realm="chat", error="invalid_token", token="CHALLENGEsekret106"`},
		engine.KV{Key: "proxy_authenticate", Value: `NTLM TlRMTVNTUAACAAAAsekret107==, Basic realm="corp proxy"`},
		engine.KV{Key: "body", Value: "Login failed. session=BODYSESSIONsekret108 password = BODYPASSsekret109\n{\"access_token\": \"JSONTOKENsekret110\"}"},
		engine.KV{Key: "proxy_body", Value: "<p>api_key=PROXYBODYKEYsekret111</p>"},
	)
	return in
}

func TestRedactHostileEverywhere(t *testing.T) {
	r := Build(hostileSecretsInput())
	for _, f := range Formats {
		out := render(t, r, f)
		for _, s := range append(append([]string{}, planted...), hostilePlanted...) {
			if i := bytes.Index(out, []byte(s)); i >= 0 {
				t.Errorf("%s: secret %q leaked: ...%s...", f, s, out[max(i-60, 0):min(i+len(s)+20, len(out))])
			}
		}
		// Schemes and realms say how to sign in; they stay.
		for _, keep := range []string{"Bearer", `realm=&#34;chat&#34;`, "NTLM", "KeepMe/1.0", "room=", "Login failed"} {
			if f != FormatHTML && keep == `realm=&#34;chat&#34;` {
				keep = `realm="chat"`
				if f == FormatJSON {
					keep = `realm=\"chat\"`
				}
			}
			if !bytes.Contains(out, []byte(keep)) {
				t.Errorf("%s: %q was removed too", f, keep)
			}
		}
	}
}

func TestRedactChallenges(t *testing.T) {
	for in, want := range map[string]string{
		`Basic realm="corp"`:                         `Basic realm="corp"`,
		`Negotiate`:                                  `Negotiate`,
		`NTLM TlRMTVNTUAACAAAA==`:                    `NTLM [redacted]`,
		`Negotiate YIIabc, NTLM`:                     `Negotiate [redacted], NTLM`,
		`Bearer realm="a, b", token="x1", error="e"`: `Bearer realm="a, b", token=[redacted], error=[redacted]`,
		`Digest realm="r", nonce="n1", qop="auth"`:   `Digest realm="r", nonce=[redacted], qop=[redacted]`,
		`Bearer token=abcdef`:                        `Bearer token=[redacted]`,
		`Basic realm="corp", Bearer realm="x"`:       `Basic realm="corp", Bearer realm="x"`,
	} {
		if got := redactChallenges(in); got != want {
			t.Errorf("redactChallenges(%q) = %q, want %q", in, got, want)
		}
	}
}
