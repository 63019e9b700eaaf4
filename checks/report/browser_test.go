package report

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// browserInput is the healthy run with the person's browser failing on the
// same address, diagnosed as the CLI does it.
func browserInput() Input {
	in := healthyInput()
	in.Browser = &browser.Result{
		Target: "wss://chat.example.com/socket", CloseMS: 48.25, CloseCode: 1006, Error: "error", Online: true,
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0",
		Antivirus: []string{"Avast Antivirus"},
	}
	d := diagnose.Diagnose(diagnose.Input{Outcome: in.Outcome, Browser: in.Browser})
	in.Diagnosis = d
	return in
}

// TestBrowserSection: every format has the "Your browser" section, with the
// user agent, the times and the close code; a report without the browser
// test has none.
func TestBrowserSection(t *testing.T) {
	in := browserInput()
	in.Browser = &browser.Result{Target: "wss://chat.example.com/socket", Opened: true, OpenMS: 80.5, FirstEchoMS: 21.25, CloseMS: 130,
		EchoedText: true, EchoedBinary: true, CloseCode: 1000, CloseReason: "done", WasClean: true, Online: true,
		UserAgent: "Mozilla/5.0 HeadlessChrome/156.0.0.0"}
	with, without := Build(in), Build(healthyInput())
	for _, f := range Formats {
		out := string(render(t, with, f))
		for _, want := range []string{"HeadlessChrome/156.0.0.0", "1000"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: no %q", f, want)
			}
		}
		if f != FormatJSON {
			for _, want := range []string{"Your browser", "Your browser could open the live connection.", "80 ms", "21 ms", "130 ms", "text and binary", "1000, clean, reason: done"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s: no %q", f, want)
				}
			}
		} else if !strings.Contains(out, `"open_ms": 80.5`) || !strings.Contains(out, `"first_echo_ms": 21.25`) {
			t.Errorf("json: no times:\n%s", out)
		}
		if b := render(t, without, f); bytes.Contains(b, []byte("Your browser")) || bytes.Contains(b, []byte(`"browser"`)) {
			t.Errorf("%s: a browser section without the browser test", f)
		}
	}
}

// TestSchemaDocumentsBrowser: every field of the browser's answer is in
// schema.json, and a report with it validates.
func TestSchemaDocumentsBrowser(t *testing.T) {
	in := browserInput()
	in.Browser.Opened, in.Browser.OpenMS, in.Browser.FirstEchoMS, in.Browser.CloseReason = true, 1, 1, "x"
	doc := decode(t, render(t, Build(in), FormatJSON))
	if err := Validate(doc); err != nil {
		t.Fatal(err)
	}
	b := doc.(map[string]any)["browser"].(map[string]any)
	s := parsedSchema().Properties["browser"]
	var missing []string
	for k := range b {
		if s.Properties[k] == nil {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("browser fields not in schema.json: %v", missing)
	}
	bad := strings.Replace(string(render(t, Build(in), FormatJSON)), `"opened": true`, `"opened": "yes"`, 1)
	if _, err := Parse([]byte(bad)); err == nil {
		t.Error("a browser answer with opened a string was accepted")
	}
}

// TestRedactBrowser: secrets in the address the browser opened, in the
// close reason and in the page's error are redacted like the rest.
func TestRedactBrowser(t *testing.T) {
	in := secretsInput()
	in.Browser = &browser.Result{
		Target:      "wss://alice:PASSsekret0005@chat.example.com/socket?token=TOKENsekret0006&room=42",
		CloseReason: "bad token Bearer eyJhbGciOiJIUzI1NiJ9.BEARERsekret0018", CloseCode: 1008,
		Error:     "Cookie: sid=COOKIEsekret0003",
		UserAgent: "Mozilla/5.0 Firefox/140.0", Online: true,
	}
	r := Build(in)
	for _, f := range Formats {
		out := render(t, r, f)
		for _, s := range []string{"PASSsekret0005", "TOKENsekret0006", "BEARERsekret0018", "COOKIEsekret0003"} {
			if bytes.Contains(out, []byte(s)) {
				t.Errorf("%s: %q leaked", f, s)
			}
		}
		if !bytes.Contains(out, []byte("room=")) || !bytes.Contains(out, []byte("Firefox/140.0")) {
			t.Errorf("%s: too much removed", f)
		}
	}
	if in.Browser.CloseReason == r.Browser.CloseReason {
		t.Error("the input's browser answer was changed in place or not redacted")
	}
}
