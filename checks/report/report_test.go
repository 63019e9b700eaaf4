package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// fixtures are the runs the golden files show.
func fixtures() map[string]Input {
	return map[string]Input{"healthy": healthyInput(), "failing": failingInput(), "diagnosed": diagnosedInput(), "browser": browserInput(), "watched": watchedInput()}
}

var extOf = map[Format]string{FormatHTML: ".html", FormatJSON: ".json", FormatMarkdown: ".md", FormatText: ".txt"}

func render(t *testing.T, r Report, f Format) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, r, f, nil); err != nil {
		t.Fatalf("render %s: %v", f, err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	for name, in := range fixtures() {
		r := Build(in)
		for _, f := range Formats {
			t.Run(name+extOf[f], func(t *testing.T) {
				got := render(t, r, f)
				path := filepath.Join("testdata", name+extOf[f])
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", path, firstDiff(string(want), string(got)))
				}
			})
		}
	}
}

// firstDiff shows the first line that differs.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(i+1) + "\nwant: " + w + "\n got: " + g
		}
	}
	return ""
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestRoundTrip: what support receives renders exactly as the original, in
// every format, and writes back the same JSON byte for byte.
func TestRoundTrip(t *testing.T) {
	for name, in := range fixtures() {
		t.Run(name, func(t *testing.T) {
			r := Build(in)
			j1 := render(t, r, FormatJSON)
			back, err := Parse(j1)
			if err != nil {
				t.Fatal(err)
			}
			if j2 := render(t, back, FormatJSON); !bytes.Equal(j1, j2) {
				t.Fatalf("JSON -> report -> JSON changed:\n%s", firstDiff(string(j1), string(j2)))
			}
			for _, f := range Formats {
				if a, b := render(t, r, f), render(t, back, f); !bytes.Equal(a, b) {
					t.Errorf("%s of the parsed report differs:\n%s", f, firstDiff(string(a), string(b)))
				}
			}
		})
	}
}

func TestTopFinding(t *testing.T) {
	r := Build(failingInput())
	if r.TopFinding != "proxy-strips-upgrade" {
		t.Errorf("top finding = %q, want the problem, not the info listed first", r.TopFinding)
	}
	in := failingInput()
	in.Diagnosis.Findings = nil
	r = Build(in)
	if r.TopFinding != "" || r.Findings == nil {
		t.Errorf("no findings: top %q, findings %v; want \"\" and []", r.TopFinding, r.Findings)
	}
	// A run through a proxy that works: websocket-ok explains the verdict,
	// not the proxy-configured background listed beside it.
	in = healthyInput()
	in.Diagnosis.Findings = []diagnose.Finding{
		{ID: "proxy-configured", Severity: diagnose.SeverityInfo, Title: "This computer uses a proxy"},
		{ID: "websocket-ok", Severity: diagnose.SeverityOK, Title: "WebSockets work"},
	}
	if r := Build(in); r.TopFinding != "websocket-ok" {
		t.Errorf("works through a proxy: top finding %q, want websocket-ok", r.TopFinding)
	}
	in.Diagnosis.Findings = append(in.Diagnosis.Findings, diagnose.Finding{ID: "proxy-idle-timeout", Severity: diagnose.SeverityWarning, Title: "cut"})
	if r := Build(in); r.TopFinding != "proxy-idle-timeout" {
		t.Errorf("works with a warning: top finding %q, want the warning", r.TopFinding)
	}
	r = Build(failingInput())
	r.Findings, r.TopFinding = nil, ""
	// With no finding yet, the first failure stands in for it.
	txt := string(render(t, r, FormatText))
	if !strings.Contains(txt, en.T("report.first_failure")+": "+en.probeLabel("upgrade")) {
		t.Errorf("text without findings does not name the first failure:\n%s", txt)
	}
}

func TestLocalTime(t *testing.T) {
	r := Build(failingInput())
	if r.LocalOffsetMinutes != -420 || r.LocalTimeZone != "PDT" {
		t.Fatalf("local = %d %q", r.LocalOffsetMinutes, r.LocalTimeZone)
	}
	if got := localLine(r); got != "2026-03-14 01:30:00 PDT (UTC-07:00)" {
		t.Errorf("localLine = %q", got)
	}
}

// TestBanners: --no-redact and --insecure are said before anything else,
// in every format.
func TestBanners(t *testing.T) {
	in := failingInput()
	in.NoRedact = true
	in.Outcome.Options.Insecure = true
	r := Build(in)
	for _, f := range []Format{FormatText, FormatMarkdown} {
		out := string(render(t, r, f))
		first := strings.SplitN(out, "\n", 2)[0]
		if !strings.Contains(first, "--no-redact") {
			t.Errorf("%s: first line %q does not say --no-redact", f, first)
		}
		if !strings.Contains(out[:600], "--insecure") {
			t.Errorf("%s: no --insecure banner at the top", f)
		}
	}
	h := string(render(t, r, FormatHTML))
	body := h[strings.Index(h, "<main>"):]
	if i := strings.Index(body, "--no-redact"); i < 0 || i > strings.Index(body, "<h1>") {
		t.Errorf("HTML: --no-redact banner is not above the verdict")
	}
	var doc map[string]any
	json.Unmarshal(render(t, r, FormatJSON), &doc)
	if doc["redacted"] != false || doc["insecure"] != true {
		t.Errorf("JSON: redacted=%v insecure=%v", doc["redacted"], doc["insecure"])
	}
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]Format{"r.html": FormatHTML, "R.HTM": FormatHTML, "a/r.json": FormatJSON, "r.md": FormatMarkdown, "r.markdown": FormatMarkdown, "r.txt": FormatText, "r.pdf": "", "r": ""} {
		if got, _ := FormatOf(path); got != want {
			t.Errorf("FormatOf(%q) = %q, want %q", path, got, want)
		}
	}
	if _, err := ParseFormat("pdf"); err == nil {
		t.Error("ParseFormat(pdf) did not fail")
	}
}

// TestProbeLabels: every probe a run can have is named in words in the
// text and Markdown reports, not by its code name twice ("proxy (proxy)").
func TestProbeLabels(t *testing.T) {
	probes := append(engine.DefaultProbes(), engine.IdleProbe())
	in := healthyInput()
	in.Outcome.Results = nil
	for _, p := range probes {
		in.Outcome.Results = append(in.Outcome.Results, res(p.Name, engine.Skip, "no_proxy", "", 0, 0, nil, "route", "DIRECT"))
	}
	r := Build(in)
	text, md := string(render(t, r, FormatText)), string(render(t, r, FormatMarkdown))
	for _, p := range probes {
		l := en.probeLabel(p.Name)
		if l == p.Name {
			t.Errorf("probe %s has no label", p.Name)
		}
		if want := "\n" + l + " (" + p.Name + "):"; !strings.Contains(text, want) {
			t.Errorf("text report lacks %q", want)
		}
		if want := "| " + l + " (`" + p.Name + "`) |"; !strings.Contains(md, want) {
			t.Errorf("Markdown report lacks %q", want)
		}
	}
}
