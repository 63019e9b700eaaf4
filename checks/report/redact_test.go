package report

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// planted are the secrets secretsInput hides in every place one can occur;
// none may appear in any format's bytes.
var planted = []string{
	"AUTHsekret0001", "c2VrcmV0UFJPWFk6MDAwMg", "COOKIEsekret0003", "APIKEYsekret0004",
	"PASSsekret0005", "TOKENsekret0006", "SIGsekret0007", "KEYsekret0008",
	"PROXYPASSsekret0009", "PACsekret0010", "SETCOOKIEsekret0011", "CODEsekret0012",
	"FRAGsekret0013", "RAWCOOKIEsekret0014", "ENVPROXYsekret0015", "PWsekret0016",
	"SUBPROTOsekret0017", "eyJhbGciOiJIUzI1NiJ9.BEARERsekret0018", "SESSIONsekret0019",
	"ESCAPED/sekret+0020", "FINDINGsekret0021",
	// a proxy sign-in: --proxy-user's user and password, NTLM and
	// Negotiate tokens
	"NTLMPWsekret0022", `CORP\ntlmuser0023`, "TlRMTVNTUAACsekret0024", "YIIGsekret0025",
	// user names in home folder paths
	"jdoe42", "msmith77", "kwong13", "lgarcia5", "pnovak8", "rkhan21", "tbrown3",
}

// secretsInput is a failing run with a secret in every place one can get
// in: request headers, the URL (userinfo, query, fragment), the proxy URL
// and PAC URL, evidence, error strings, finding texts, file paths.
func secretsInput() Input {
	in := failingInput()
	o := &in.Outcome
	o.Target = target("wss://alice:PASSsekret0005@chat.example.com/socket?token=TOKENsekret0006&room=42&sig=SIGsekret0007&apiKey=KEYsekret0008&x_session=SESSIONsekret0019&auth=ESCAPED%2Fsekret%2B0020")
	o.Options.Headers = http.Header{
		"Authorization":       {"Bearer AUTHsekret0001"},
		"Proxy-Authorization": {"Basic c2VrcmV0UFJPWFk6MDAwMg=="},
		"Cookie":              {"sid=COOKIEsekret0003; theme=dark"},
		"X-Api-Key":           {"APIKEYsekret0004"},
		"Origin":              {"https://chat.example.com"},
	}
	o.Options.Subprotocols = []string{"chat", "base64url.bearer.authorization.k8s.io.SUBPROTOsekret0017"}
	o.Options.CAFile = "/home/jdoe42/certs/ca.pem"
	o.Options.ClientCert = `C:\Users\msmith77\Documents\client.pem`
	up := &o.Results[4]
	up.Error = `Get "https://chat.example.com/socket?password=PWsekret0016&room=1": open C:\Users\kwong13\AppData\Local\wsdoctor\x: Access is denied; open "C:\\Users\\lgarcia5\\ca.pem"`
	up.Reason = "sent Proxy-Authorization: Basic c2VrcmV0UFJPWFk6MDAwMg== and Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.BEARERsekret0018"
	up.Evidence = append(up.Evidence,
		engine.KV{Key: "set_cookie", Value: "session=SETCOOKIEsekret0011; Path=/"},
		engine.KV{Key: "location", Value: "https://login.example.com/cb?code=CODEsekret0012&state=ok#access_token=FRAGsekret0013"},
		engine.KV{Key: "request", Value: "GET /socket HTTP/1.1\r\nHost: chat.example.com\r\nCookie: x=RAWCOOKIEsekret0014\r\nUpgrade: websocket"},
		engine.KV{Key: "proxy_env", Value: "HTTPS_PROXY=http://carol:ENVPROXYsekret0015@10.0.0.1:8080"},
		engine.KV{Key: "ca_path", Value: "/Users/pnovak8/Library/Keychains/login.keychain-db"},
		engine.KV{Key: "log", Value: "file:///home/rkhan21/.config/wsdoctor/log.txt"},
	)
	o.Results[2].Error = `open /var/home/tbrown3/ca.pem: permission denied`
	o.Options.ProxyCredentials = &netenv.ProxyCredentials{User: `CORP\ntlmuser0023`, Password: "NTLMPWsekret0022"}
	px := &o.Results[0]
	px.Error = `proxy http://proxy.corp.example:3128 refused CORP\ntlmuser0023 (password NTLMPWsekret0022): Proxy-Authenticate: NTLM TlRMTVNTUAACsekret0024==`
	px.Evidence = append(px.Evidence,
		engine.KV{Key: "proxy_authenticate", Value: "Negotiate YIIGsekret0025AAAA, NTLM TlRMTVNTUAACsekret0024=="},
		engine.KV{Key: "proxy_auth_offered", Value: "Negotiate, NTLM"},
		engine.KV{Key: "proxy_auth_scheme", Value: "NTLM"},
		engine.KV{Key: "proxy_auth_identity", Value: "credentials"},
		engine.KV{Key: "proxy_auth_domain", Value: "CORP"},
		engine.KV{Key: "proxy_auth_result", Value: "refused"},
	)
	in.Proxy = &Proxy{Configured: true, URL: "http://bob:PROXYPASSsekret0009@proxy.corp.example:3128", Source: "pac", PACURL: "http://wpad.corp.example/proxy.pac?auth=PACsekret0010"}
	in.Diagnosis.Findings = append(in.Diagnosis.Findings, diagnose.Finding{
		ID: "proxy-auth-required", Severity: diagnose.SeverityWarning,
		Title:       "The proxy at http://bob:PROXYPASSsekret0009@proxy.corp.example:3128 asks for a password",
		Explanation: "It refused wss://chat.example.com/socket?token=TOKENsekret0006 with Cookie: sid=FINDINGsekret0021",
		Steps:       []string{"Check the password PROXYPASSsekret0009 in the proxy settings."},
		AdminNote:   "Seen with Authorization: Bearer AUTHsekret0001",
		Evidence:    []diagnose.EvidenceRef{{Probe: engine.ProbeUpgrade, Key: "set_cookie", Value: "SETCOOKIEsekret0011"}, {Probe: engine.ProbeUpgrade, Key: "error", Value: up.Error}},
	})
	in.Local = time.UTC
	return in
}

func TestRedactEverywhere(t *testing.T) {
	r := Build(secretsInput())
	for _, f := range Formats {
		out := render(t, r, f)
		for _, s := range planted {
			if i := bytes.Index(out, []byte(s)); i >= 0 {
				t.Errorf("%s: secret %q leaked: ...%s...", f, s, out[max(i-60, 0):min(i+len(s)+20, len(out))])
			}
		}
		// What is not secret stays, so the report still helps.
		for _, keep := range []string{"chat.example.com", "proxy.corp.example:3128", "room=", "Access is denied", "ca.pem", Mask, UserMask, "proxy_auth_scheme", "Negotiate, NTLM", "refused"} {
			if !bytes.Contains(out, []byte(keep)) {
				t.Errorf("%s: %q was removed too", f, keep)
			}
		}
	}
	// Rendering a parsed report cannot bring anything back either.
	back, err := Parse(render(t, r, FormatJSON))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Formats {
		out := render(t, back, f)
		for _, s := range planted {
			if bytes.Contains(out, []byte(s)) {
				t.Errorf("re-rendered %s: secret %q leaked", f, s)
			}
		}
	}
}

// TestNoRedactKeeps: --no-redact is the user's choice; the report keeps the
// values and says so.
func TestNoRedactKeeps(t *testing.T) {
	in := secretsInput()
	in.NoRedact = true
	r := Build(in)
	for _, f := range Formats {
		out := string(render(t, r, f))
		for _, s := range []string{"AUTHsekret0001", "TOKENsekret0006", "jdoe42"} {
			if !strings.Contains(out, s) {
				t.Errorf("%s: --no-redact lost %q", f, s)
			}
		}
	}
}

func TestRedactText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://u:p@h/x?token=abc&room=1", "https://[redacted]@h/x?token=[redacted]&room=[redacted]"},
		// Every query value goes, whatever its name: names are the service's choice.
		{"?encoding=json&keyword=go&state=ok", "?encoding=[redacted]&keyword=[redacted]&state=[redacted]"},
		{"?X-Amz-Signature=ab12&X-Amz-Date=1", "?X-Amz-Signature=[redacted]&X-Amz-Date=[redacted]"},
		{"?api_key=k&apiKey=k2&code=c&sid=s", "?api_key=[redacted]&apiKey=[redacted]&code=[redacted]&sid=[redacted]"},
		{"Proxy-Authenticate: Basic realm=\"corp\"", "Proxy-Authenticate: Basic realm=\"corp\""},
		{"basic authentication required", "basic authentication required"},
		{"Authorization: Negotiate YIIabc==", "Authorization: [redacted]"},
		{"set-cookie=a=b; Path=/", "set-cookie=[redacted]"},
		{"Bearer eyJhbGciOi.x.y", "Bearer [redacted]"},
		{"open /home/ann/x: denied", "open /home/[user]/x: denied"},
		{"/Users/ann/Library", "/Users/[user]/Library"},
		{`D:\Users\ann\x`, `D:\Users\[user]\x`},
		{`"C:\\Users\\ann\\x"`, `"C:\\Users\\[user]\\x"`},
		{"C:/Users/ann/x", "C:/Users/[user]/x"},
		{"https://example.com/home/feed", "https://example.com/home/feed"},
		{"wss://h/users/42", "wss://h/users/42"},
	}
	for _, c := range cases {
		if got := redactText(c.in, nil); got != c.want {
			t.Errorf("redactText(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
