package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// cliSecrets are passed on the command line and must not reach a file.
var cliSecrets = []string{"CLIsekretTOKEN1", "CLIsekretCOOKIE2", "CLIsekretBEARER3", "CLIsekretPASS4"}

// TestCheckOutput is the "done when": check --output r.html and
// r.json on a real loopback server, with secrets on the command line; the
// files hold none, the HTML parses, and `report r.json --format md`
// reproduces what the check would have written.
func TestCheckOutput(t *testing.T) {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	url := strings.Replace(srv.URL, "://", "://user:CLIsekretPASS4@", 1) + "?token=CLIsekretTOKEN1&room=7"
	dir := t.TempDir()
	files := map[string][]byte{}
	for _, name := range []string{"r.json", "r.html", "r.md", "r.txt"} {
		var stdout, stderr bytes.Buffer
		path := filepath.Join(dir, name)
		code := Edges{}.Check(context.Background(), []string{url, "--quiet", "--cookie", "sid=CLIsekretCOOKIE2", "-H", "Authorization: Bearer CLIsekretBEARER3", "--output", path}, &stdout, &stderr)
		if code != ExitOK && code != ExitProblem {
			t.Fatalf("%s: exit %d: %s", name, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "Report written to "+path) {
			t.Errorf("%s: stderr does not say where the report went: %q", name, stderr.String())
		}
		if !strings.Contains(stdout.String(), "WebSocket Doctor report") {
			t.Errorf("%s: stdout lost the text report: %q", name, stdout.String())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
		for _, s := range cliSecrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the secret %s", name, s)
			}
			if strings.Contains(stdout.String(), s) {
				t.Errorf("stdout holds the secret %s", s)
			}
		}
	}
	if _, err := html.Parse(bytes.NewReader(files["r.html"])); err != nil || !bytes.HasPrefix(files["r.html"], []byte("<!DOCTYPE html>")) {
		t.Errorf("r.html is not a page: %v", err)
	}
	rep, err := report.Parse(files["r.json"])
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	report.Markdown(&want, rep, nil)

	var stdout, stderr bytes.Buffer
	if code := Report([]string{filepath.Join(dir, "r.json"), "--format", "md"}, &stdout, &stderr); code != ExitOK {
		t.Fatalf("report: exit %d: %s", code, stderr.String())
	}
	if stdout.String() != want.String() {
		t.Errorf("report --format md differs from the parsed report's Markdown")
	}
	// A JSON written again is the same file.
	again := filepath.Join(dir, "again.json")
	if code := Report([]string{filepath.Join(dir, "r.json"), "--output", again}, &stdout, &stderr); code != ExitOK {
		t.Fatalf("report --output: exit %d: %s", code, stderr.String())
	}
	if b, _ := os.ReadFile(again); !bytes.Equal(b, files["r.json"]) {
		t.Error("report r.json --output again.json changed the JSON")
	}
}

func TestReportUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"schema_version": 1}`), 0o644)
	notJSON := filepath.Join(dir, "page.html")
	os.WriteFile(notJSON, []byte(`<html></html>`), 0o644)
	cases := map[string][]string{
		"no file":        {},
		"two files":      {bad, bad},
		"missing file":   {filepath.Join(dir, "nope.json")},
		"not a report":   {bad},
		"not JSON":       {notJSON},
		"unknown format": {bad, "--format", "pdf"},
		"unknown ext":    {bad, "--output", filepath.Join(dir, "r.pdf")},
		"missing folder": {bad, "--output", filepath.Join(dir, "no", "r.html")},
		"unknown flag":   {bad, "--bogus"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Report(args, &stdout, &stderr); code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, ExitUsage, stderr.String())
			}
			if stderr.Len() == 0 {
				t.Error("no message")
			}
		})
	}
}

// TestCheckOutputUsage: a bad --output is refused before the check runs.
func TestCheckOutputUsage(t *testing.T) {
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"unknown ext":    {"--output", filepath.Join(dir, "r.pdf")},
		"unknown format": {"--format", "pdf"},
		"missing folder": {"--output", filepath.Join(dir, "no", "r.json")},
		"a folder":       {"--output", dir, "--format", "html"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			// 192.0.2.1 is TEST-NET: were the check to run, it would hang
			// until its deadline; refusing first keeps this test instant.
			code := Edges{}.Check(context.Background(), append([]string{"wss://192.0.2.1/", "--deadline", "50ms"}, args...), &stdout, &stderr)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, ExitUsage, stderr.String())
			}
		})
	}
}

func TestMainKnowsReport(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"help"}, &stdout, &stderr); code != ExitOK || !strings.Contains(stdout.String(), "wsdoctor report FILE.json") {
		t.Errorf("help does not list report: %q", stdout.String())
	}
	if code := Main([]string{"report"}, &stdout, &stderr); code != ExitUsage {
		t.Errorf("report without a file: exit %d", code)
	}
}

// TestReportNamesEveryFormat: `wsdoctor report`'s usage, its --format
// flag and the help name every format it writes, and the one listed last
// (CSV) works by --format and by --output's extension.
func TestReportNamesEveryFormat(t *testing.T) {
	var names []string
	for _, f := range report.Exports {
		names = append(names, string(f))
	}
	list := "--format " + strings.Join(names, "|")
	var stdout, stderr bytes.Buffer
	if code := Report([]string{"-h"}, &stdout, &stderr); code != ExitOK {
		t.Fatalf("report -h: exit %d", code)
	}
	usage, flags, _ := strings.Cut(stderr.String(), "\n")
	if !strings.Contains(usage, list) {
		t.Errorf("report -h's usage %q does not say %q", usage, list)
	}
	var help bytes.Buffer
	Main([]string{"help"}, &help, &stderr)
	if !strings.Contains(help.String(), list) {
		t.Errorf("help does not say %q for report:\n%s", list, help.String())
	}
	_, format, _ := strings.Cut(flags, "-format format")
	format, _, _ = strings.Cut(format, "\n  -")
	for _, n := range names {
		if !strings.Contains(format, n) {
			t.Errorf("--format's help %q does not name %s", format, n)
		}
	}

	saved := "../report/testdata/watched.json"
	const header = "time,connection,event,detail\r\n"
	stdout.Reset()
	if code := Report([]string{saved, "--format", "csv"}, &stdout, &stderr); code != ExitOK {
		t.Fatalf("report --format csv: exit %d: %s", code, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), header) {
		t.Errorf("report --format csv printed %.80q, not the watch's CSV", stdout.String())
	}
	out := filepath.Join(t.TempDir(), "events.csv")
	if code := Report([]string{saved, "--output", out}, &stdout, &stderr); code != ExitOK {
		t.Fatalf("report --output events.csv: exit %d: %s", code, stderr.String())
	}
	if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), header) {
		t.Errorf("events.csv holds %.80q (%v), not the watch's CSV", b, err)
	}
}
