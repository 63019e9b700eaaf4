package preset

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/assets"
)

func TestParseGood(t *testing.T) {
	b, err := os.ReadFile("testdata/acme.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &Preset{
		ProductName:  "Acme Chat",
		SupportEmail: "help@acme.example",
		SupportURL:   "https://acme.example/help/websockets",
		Targets: []Target{
			{URL: "wss://chat.acme.example/socket", Label: "Chat server"},
			{URL: "wss://push.acme.example:8443/ws", Label: "Notifications"},
		},
		RequiredIdleSeconds: 120,
		ExpectedTLSIssuers:  []string{"Let's Encrypt", "Acme Issuing CA 2"},
		Headers:             map[string]string{"Origin": "https://chat.acme.example"},
		Language:            "de",
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Parse =\n%+v\nwant\n%+v", p, want)
	}
	if got := p.FirstURL(); got != "wss://chat.acme.example/socket" {
		t.Errorf("FirstURL = %q", got)
	}
	if got := p.Header().Get("Origin"); got != "https://chat.acme.example" {
		t.Errorf("Header Origin = %q", got)
	}
}

// TestParseAccepted are files that are unusual but right.
func TestParseAccepted(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty object", `{}`},
		{"empty targets", `{"targets": []}`},
		{"null targets", `{"targets": null}`},
		{"the embedded default", string(assets.Preset)},
		{"byte order mark", "\xef\xbb\xbf{\"product_name\": \"Acme\"}"},
		{"bare host and http address", `{"targets": [{"url": "chat.example.com/ws"}, {"url": "http://127.0.0.1:8765/ws"}]}`},
		{"unicode name and host", `{"product_name": "Ärzte-Chat", "targets": [{"url": "wss://bücher.example/ws", "label": "Bücher"}]}`},
		{"idle bounds", `{"required_idle_seconds": 3600}`},
		{"framework", `{"framework": "socketio"}`},
		{"language with region", `{"language": "pt-BR"}`},
		{"support language", `{"language": "ja", "support_language": "en-US"}`},
		{"Sec-WebSocket-Protocol may be set", `{"headers": {"Sec-WebSocket-Protocol": "chat.v2", "X-Client": "wsdoctor"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse([]byte(tc.in)); err != nil {
				t.Errorf("Parse(%s): %v", tc.in, err)
			}
		})
	}
}

func TestParseEmptyTargetsMeansSelfTest(t *testing.T) {
	for _, in := range []string{`{}`, `{"targets": []}`, string(assets.Preset)} {
		p, err := Parse([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if p.FirstURL() != "" {
			t.Errorf("%s: FirstURL = %q, want empty (self-test)", in, p.FirstURL())
		}
	}
}

// TestParseBad: every kind of wrong field gives an error naming the field
// (want[0] is the field, the rest are regexps the message matches).
func TestParseBad(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		// The file as a whole.
		{"not JSON", `product_name: x`, []string{"", `line 1, column 1`}},
		{"missing comma", "{\n  \"product_name\": \"x\"\n  \"language\": \"en\"\n}", []string{"", `line 3, column 3`, `comma`}},
		{"empty file", ``, []string{"", `empty`}},
		{"cut short", `{"product_name": "x"`, []string{"", `ends too soon`}},
		{"an array", `[{"url": "wss://x"}]`, []string{"", `one JSON object`, `array`}},
		{"null", `null`, []string{"", `not null`}},
		{"two objects", `{} {}`, []string{"", `more after`}},
		{"not UTF-8", "{\"product_name\": \"\xff\"}", []string{"", `UTF-8`}},
		{"too big", `{"product_name": "` + strings.Repeat("x", MaxFileSize) + `"}`, []string{"", `at most 65536`}},

		// Unknown fields, with a suggestion for a typo.
		{"unknown field", `{"colour": "red"}`, []string{"colour", `unknown field; the fields are: product_name`}},
		{"typo", `{"suport_email": "a@b.example"}`, []string{"suport_email", `did you mean "support_email"`}},
		{"unknown target field", `{"targets": [{"url": "wss://x.example", "lable": "X"}]}`, []string{`targets[0].lable`, `did you mean "label"`}},

		// Wrong types.
		{"name a number", `{"product_name": 5}`, []string{"product_name", `want text in quotes, got number`}},
		{"idle as text", `{"required_idle_seconds": "60"}`, []string{"required_idle_seconds", `want a whole number, got string`}},
		{"idle a fraction", `{"required_idle_seconds": 1.5}`, []string{"required_idle_seconds", `want a whole number, got number 1.5`}},
		{"targets an object", `{"targets": {"url": "wss://x.example"}}`, []string{"targets", `want a list, \[...\], got object`}},
		{"targets a string", `{"targets": "wss://x.example"}`, []string{"targets", `got string`}},
		{"target a string", `{"targets": ["wss://x.example"]}`, []string{"targets[0]", `want an object, \{...\}, got string`}},
		{"target null", `{"targets": [null]}`, []string{"targets[0]", `want an object`}},
		{"url a number", `{"targets": [{"url": 443}]}`, []string{"targets[0].url", `want text`}},
		{"issuers a string", `{"expected_tls_issuers": "Let's Encrypt"}`, []string{"expected_tls_issuers", `want a list of texts`}},
		{"headers a list", `{"headers": ["Origin: x"]}`, []string{"headers", `want an object of texts`}},
		{"header value a number", `{"headers": {"X-Version": 2}}`, []string{"headers", `got number`}},
		{"language a bool", `{"language": true}`, []string{"language", `got bool`}},

		// Bad values.
		{"name too long", `{"product_name": "` + strings.Repeat("n", 61) + `"}`, []string{"product_name", `61 characters; at most 60`}},
		{"name with a line break", `{"product_name": "Acme\nChat"}`, []string{"product_name", `line break`}},
		{"bad e-mail", `{"support_email": "help at acme"}`, []string{"support_email", `not an e-mail address`}},
		{"e-mail with a name", `{"support_email": "Help <help@acme.example>"}`, []string{"support_email", `not an e-mail address`}},
		{"support URL not web", `{"support_url": "ftp://acme.example/help"}`, []string{"support_url", `https://`}},
		{"support URL without host", `{"support_url": "https://"}`, []string{"support_url", `no host`}},
		{"empty url", `{"targets": [{"url": "", "label": "X"}]}`, []string{"targets[0].url", `missing or empty`}},
		{"missing url", `{"targets": [{"label": "X"}]}`, []string{"targets[0].url", `missing or empty`}},
		{"bad scheme", `{"targets": [{"url": "ftp://x.example/ws"}]}`, []string{"targets[0].url", `scheme`, `ftp`}},
		{"bad port", `{"targets": [{"url": "wss://x.example:99999/ws"}]}`, []string{"targets[0].url", `port`}},
		{"url with spaces", `{"targets": [{"url": "wss://x.example/a b"}]}`, []string{"targets[0].url", `spaces`}},
		{"url with a fragment", `{"targets": [{"url": "wss://x.example/ws#top"}]}`, []string{"targets[0].url", `fragment`}},
		{"url with a password", `{"targets": [{"url": "wss://bob:hunter2@x.example/ws"}]}`, []string{"targets[0].url", `password`}},
		{"second target bad", `{"targets": [{"url": "wss://x.example"}, {"url": "wss://"}]}`, []string{"targets[1].url", `host`}},
		{"duplicate target", `{"targets": [{"url": "wss://x.example/ws"}, {"url": "https://x.example:443/ws"}]}`, []string{"targets[1].url", `same address as targets\[0\]`}},
		{"too many targets", `{"targets": [` + strings.TrimSuffix(strings.Repeat(`{"url": "wss://x.example/ws"},`, 21), ",") + `]}`, []string{"targets", `21 targets; at most 20`}},
		{"label too long", `{"targets": [{"url": "wss://x.example", "label": "` + strings.Repeat("l", 81) + `"}]}`, []string{"targets[0].label", `at most 80`}},
		{"idle negative", `{"required_idle_seconds": -1}`, []string{"required_idle_seconds", `not between 0`}},
		{"idle too long", `{"required_idle_seconds": 3601}`, []string{"required_idle_seconds", `not between 0 .* and 3600`}},
		{"framework unknown", `{"framework": "Socket.IO"}`, []string{"framework", `"Socket.IO" is not one of socketio, signalr`}},
		{"empty issuer", `{"expected_tls_issuers": [" "]}`, []string{"expected_tls_issuers[0]", `empty`}},
		{"issuer twice", `{"expected_tls_issuers": ["R11", "r11"]}`, []string{"expected_tls_issuers[1]", `listed twice`}},
		{"bad header name", `{"headers": {"X Client": "a"}}`, []string{"headers.X Client", `not a header name`}},
		{"handshake header", `{"headers": {"upgrade": "websocket"}}`, []string{"headers.upgrade", `set by the WebSocket handshake`}},
		{"host header", `{"headers": {"Host": "elsewhere.example"}}`, []string{"headers.Host", `set by the WebSocket handshake`}},
		{"content-length header", `{"headers": {"Content-Length": "5"}}`, []string{"headers.Content-Length", `set by the WebSocket handshake`}},
		{"subprotocol not a token", `{"headers": {"Sec-WebSocket-Protocol": "chat, a b"}}`, []string{"headers.Sec-WebSocket-Protocol", `subprotocol "a b"`}},
		{"secret header", `{"headers": {"Authorization": "Bearer abc"}}`, []string{"headers.Authorization", `secret`}},
		{"header value with a line break", `{"headers": {"Origin": "a\r\nX-Evil: 1"}}`, []string{"headers.Origin", `not a valid header value`}},
		{"bad language", `{"language": "English"}`, []string{"language", `not a language tag`}},
		{"language without texts", `{"language": "nl"}`, []string{"language", `no texts in "nl"`, "pt-BR"}},
		{"support language without texts", `{"support_language": "tlh"}`, []string{"support_language", `no texts in "tlh"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse([]byte(tc.in))
			if err == nil {
				t.Fatalf("Parse(%.80s) = %+v, want an error", tc.in, p)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is no *FieldError", err, err)
			}
			if fe.Field != tc.want[0] {
				t.Errorf("field = %q, want %q (error: %v)", fe.Field, tc.want[0], err)
			}
			for _, re := range tc.want[1:] {
				if !regexp.MustCompile(re).MatchString(err.Error()) {
					t.Errorf("error %q does not match %q", err, re)
				}
			}
			if tc.want[0] != "" && !strings.HasPrefix(err.Error(), tc.want[0]+": ") {
				t.Errorf("error %q does not start with the field name", err)
			}
		})
	}
}

func TestParseListsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(`{"support_email": "nope", "language": "?", "targets": [{"url": "ftp://x"}], "required_idle_seconds": -5}`))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"support_email: ", "targets[0].url: ", "required_idle_seconds: ", "language: "}
	if len(lines) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestParseUnknownFieldAndBadValue(t *testing.T) {
	_, err := Parse([]byte(`{"product_nmae": "Acme", "targets": [{"url": "ftp://x", "labl": "X"}]}`))
	want := "product_nmae: unknown field (did you mean \"product_name\"?)"
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "targets[0].labl: unknown field") ||
		!strings.Contains(err.Error(), "targets[0].url: \"ftp://x\"") {
		t.Errorf("want the unknown fields and the bad URL, got:\n%v", err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadOrder: --preset beats the file beside the executable, which beats
// the embedded preset; a file that is there but wrong is an error.
func TestLoadOrder(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "bin", "wsdoctor.exe")
	beside := filepath.Join(dir, "bin", FileName)
	flagFile := filepath.Join(dir, "support", "acme.json")
	embedded := []byte(`{"product_name": "Embedded"}`)
	write(t, flagFile, `{"product_name": "From the flag"}`)

	check := func(t *testing.T, flagPath string, wantName string, wantSrc Source, wantPath string) {
		t.Helper()
		l, err := Load(flagPath, exe, embedded)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if l.ProductName != wantName || l.Source != wantSrc || l.Path != wantPath {
			t.Errorf("Load = %q from %q (%s), want %q from %q (%s)", l.ProductName, l.Source, l.Path, wantName, wantSrc, wantPath)
		}
	}
	t.Run("embedded when nothing else", func(t *testing.T) { check(t, "", "Embedded", FromEmbedded, "") })
	t.Run("no executable known", func(t *testing.T) {
		l, err := Load("", "", embedded)
		if err != nil || l.Source != FromEmbedded {
			t.Errorf("Load = %v, %v", l.Source, err)
		}
	})
	t.Run("flag beats embedded", func(t *testing.T) { check(t, flagFile, "From the flag", FromFlag, flagFile) })
	write(t, beside, `{"product_name": "Beside"}`)
	t.Run("beside beats embedded", func(t *testing.T) { check(t, "", "Beside", FromBeside, beside) })
	t.Run("flag beats beside", func(t *testing.T) { check(t, flagFile, "From the flag", FromFlag, flagFile) })

	t.Run("a bad file beside is an error, not skipped", func(t *testing.T) {
		write(t, beside, `{"product_name": 1}`)
		defer write(t, beside, `{"product_name": "Beside"}`)
		_, err := Load("", exe, embedded)
		if err == nil || !strings.Contains(err.Error(), "preset "+beside+": product_name: want text") {
			t.Errorf("Load: %v", err)
		}
	})
	t.Run("a missing flag file is an error", func(t *testing.T) {
		_, err := Load(filepath.Join(dir, "nope.json"), exe, embedded)
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Load: %v", err)
		}
	})
	t.Run("a bad flag file is an error even with a good one beside", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.json")
		write(t, bad, `{"targets": [{"url": "ftp://x"}]}`)
		_, err := Load(bad, exe, embedded)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "targets[0].url" {
			t.Errorf("Load: %v", err)
		}
	})
	t.Run("bad embedded preset", func(t *testing.T) {
		_, err := Load("", filepath.Join(dir, "elsewhere", "wsdoctor"), []byte(`{"x": 1}`))
		if err == nil || !strings.HasPrefix(err.Error(), "built-in preset: x: unknown field") {
			t.Errorf("Load: %v", err)
		}
	})
}

func TestLoadBesideMacBundle(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "WebSocket Doctor.app", "Contents", "MacOS", "wsdoctor")
	besideApp := filepath.Join(dir, FileName)
	write(t, besideApp, `{"product_name": "Beside the app"}`)
	l, err := Load("", exe, []byte(`{}`))
	if err != nil || l.ProductName != "Beside the app" || l.Path != besideApp {
		t.Errorf("Load = %+v, %v", l, err)
	}
	got := BesidePaths(exe)
	want := []string{filepath.Join(filepath.Dir(exe), FileName), besideApp}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BesidePaths = %q, want %q", got, want)
	}
}

// TestPresetFile checks the preset file named by WSDOCTOR_PRESET_FILE, so
// that `make package PRESET=file` refuses a bad preset before building with
// it. Without the variable there is nothing to check.
func TestPresetFile(t *testing.T) {
	f := os.Getenv("WSDOCTOR_PRESET_FILE")
	if f == "" {
		t.Skip("WSDOCTOR_PRESET_FILE is not set")
	}
	p, err := ReadFile(f)
	if err != nil {
		t.Fatalf("\n%v", err)
	}
	t.Logf("%s: good, %d target(s)", f, len(p.Targets))
}
