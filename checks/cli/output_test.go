package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// TestCheckTextSaysThingsOnce: the text a terminal shows for a port where
// nothing listens gives the headline (naming the service, as the window
// does) once, no time on the steps that did not run, and the error's cause
// instead of Go's chain; the JSON keeps the chain.
func TestCheckTextSaysThingsOnce(t *testing.T) {
	addr := closedPort(t)
	out, errOut, code := run(t, "--quiet", "ws://"+addr+"/ws")
	if code != ExitProblem {
		t.Fatalf("exit %d, want %d\n%s%s", code, ExitProblem, out, errOut)
	}
	if n := strings.Count(out, "The service at "+addr+" is not answering."); n != 1 {
		t.Errorf("the headline is said %d times, want once:\n%s", n, out)
	}
	steps := out[strings.Index(out, "Steps checked:"):]
	steps = steps[:strings.Index(steps, "\n\n")]
	notTested := regexp.MustCompile(`(?m)^\s+\S+\s+Not tested\b.*$`)
	rows := notTested.FindAllString(steps, -1)
	if len(rows) == 0 {
		t.Fatalf("no step was left untested:\n%s", steps)
	}
	timed := regexp.MustCompile(`\d\s*(ms|s)\s*$|-\s*$`)
	for _, row := range rows {
		if timed.MatchString(row) {
			t.Errorf("a step that did not run shows a time: %q", row)
		}
	}
	for _, chain := range []string{"dial tcp", "connect " + addr + ":", `Get "http`} {
		if strings.Contains(out, chain) {
			t.Errorf("the text shows Go's error chain (%q):\n%s", chain, out)
		}
	}
	if !regexp.MustCompile(`(?m)^\s+error: connection refused$`).MatchString(out) {
		t.Errorf("the text does not give the cause, connection refused:\n%s", out)
	}

	js, _, _ := run(t, "--json", "ws://"+addr+"/ws")
	var doc struct {
		Results []struct {
			Error string `json:"error"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	chain := false
	for _, r := range doc.Results {
		chain = chain || strings.Contains(r.Error, "dial tcp "+addr)
	}
	if !chain {
		t.Errorf("the JSON lost the error chain:\n%s", js)
	}
}

// TestRefusedPortDetailsInTheReportsLanguage: a German and a Japanese
// report of a port where nothing listens say every step's detail in their
// own language; none of the engine's English reasons (which the JSON
// keeps) is left in the text or the HTML.
func TestRefusedPortDetailsInTheReportsLanguage(t *testing.T) {
	addr := "ws://" + closedPort(t) + "/ws"
	js, _, _ := run(t, "--json", addr)
	var doc struct {
		Results []struct {
			Reason string `json:"reason"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, r := range doc.Results {
		if r.Reason != "" {
			reasons = append(reasons, r.Reason)
		}
	}
	if !slices.ContainsFunc(reasons, func(s string) bool { return strings.Contains(s, "no address connects on port") }) {
		t.Fatalf("the JSON does not keep the engine's English reason: %q", reasons)
	}
	for _, lang := range []string{"de", "ja"} {
		page := filepath.Join(t.TempDir(), "r.html")
		var out, errOut bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		code := Edges{}.check(ctx, i18n.MustLoad(lang), []string{addr, "--quiet", "--output", page}, &out, &errOut)
		cancel()
		if code != ExitProblem {
			t.Fatalf("%s: exit %d\n%s%s", lang, code, out.String(), errOut.String())
		}
		html, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		// The text wraps its lines: compare with the spaces folded.
		text := strings.Join(strings.Fields(out.String()), " ")
		for _, reason := range reasons {
			for _, part := range strings.Split(reason, ": ") {
				if len(part) < 12 {
					continue // a code or a probe's name
				}
				if strings.Contains(text, part) || strings.Contains(string(html), part) {
					t.Errorf("%s: the report keeps the English detail %q:\n%s", lang, part, out.String())
				}
			}
		}
	}
}
