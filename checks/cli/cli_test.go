package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code = Edges{}.Check(ctx, args, &o, &e)
	return o.String(), e.String(), code
}

func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestCheckCommand(t *testing.T) {
	ws, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	wss, caFile := startWSS(t)

	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // regexps the output must match
		stderr   []string
		noStdout []string // text that must not appear (secrets, wrong advice)
	}{
		{"ws works", []string{ws.URL}, ExitOK, []string{`(?m)^Live connections work \(`, `(?m)^\s+echo\s+Works`}, nil, nil},
		{"wss with the CA works, flags after the URL", []string{wss.URL, "--ca", caFile}, ExitOK, []string{`(?m)^\s+tls\s+Works`, `(?m)^\s+upgrade\s+Works`}, nil, nil},
		{"wss without the CA fails", []string{wss.URL}, ExitProblem, []string{`do not work`, `cert_unknown_authority`}, nil, nil},
		{"insecure is shown", []string{"--insecure", wss.URL}, ExitOK, []string{`WARNING: --insecure`}, []string{`WARNING: --insecure`}, nil},
		{"--fail-on warning: works with warnings exits 1", []string{"--fail-on", "warning", "--insecure", wss.URL}, ExitProblem, []string{`Live connections work, with warnings`}, nil, nil},
		{"--fail-on warning: works exits 0", []string{"--fail-on", "warning", ws.URL}, ExitOK, []string{`(?m)^Live connections work \(`}, nil, nil},
		{"--fail-on takes problem or warning", []string{"--fail-on", "info", ws.URL}, ExitUsage, nil, []string{`--fail-on "info"`}, nil},
		{"closed port", []string{"ws://" + closedPort(t) + "/ws"}, ExitProblem, []string{`(?m)^\s+tcp\s+Does not work`, `refused`, `Nothing is listening on port \d+ on this computer`}, nil, []string{"subdomain", "sub-address", "network administrator"}},
		{"bad address", []string{"ht!tp://x"}, ExitUsage, nil, []string{`scheme`, `ht!tp`}, nil},
		{"two addresses", []string{ws.URL, ws.URL}, ExitUsage, nil, []string{`one address at a time`}, nil},
		{"bad header", []string{"-H", "nocolon", ws.URL}, ExitUsage, nil, []string{`Name: value`}, nil},
		{"bad timeout", []string{"--timeout", "0s", ws.URL}, ExitUsage, nil, []string{`more than zero`}, nil},
		{"missing CA file", []string{"--ca", "/nonexistent.pem", ws.URL}, ExitUsage, nil, []string{`CA file`}, nil},
		{"no address checks the built-in server", nil, ExitOK, []string{`(?m)^Self-test: this computer can make live connections`}, []string{`built-in reference server`}, nil},
		{"secrets stay out", []string{"--cookie", "session=hunter2secret", "-H", "Authorization: Bearer tok3nvalue", ws.URL + "?token=qwerty12345"}, ExitOK, []string{`token=\[redacted\]`}, nil, []string{"hunter2secret", "tok3nvalue", "qwerty12345"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			for _, re := range tc.stdout {
				if !regexp.MustCompile(re).MatchString(out) {
					t.Errorf("stdout does not match %q:\n%s", re, out)
				}
			}
			for _, re := range tc.stderr {
				if !regexp.MustCompile(re).MatchString(errOut) {
					t.Errorf("stderr does not match %q:\n%s", re, errOut)
				}
			}
			for _, s := range tc.noStdout {
				if strings.Contains(out, s) || strings.Contains(errOut, s) {
					t.Errorf("output contains %q", s)
				}
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	ws, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	out, errOut, code := run(t, "--json", ws.URL)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		SchemaVersion int             `json:"schema_version"`
		Target        string          `json:"target"`
		Verdict       string          `json:"verdict"`
		Findings      json.RawMessage `json:"findings"`
		Results       []struct {
			Probe  string  `json:"probe"`
			Status string  `json:"status"`
			MS     float64 `json:"duration_ms"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if doc.SchemaVersion != 1 || doc.Verdict != "works" || doc.Target != ws.URL || len(doc.Findings) == 0 {
		t.Errorf("unexpected report head: %+v", doc)
	}
	if want := len(engine.DefaultProbes()); len(doc.Results) != want {
		t.Fatalf("%d results, want %d", len(doc.Results), want)
	}
	for _, r := range doc.Results {
		// No proxy applies to a loopback target: proxy and
		// upgrade_direct skip.
		skipOK := r.Probe == engine.ProbeTLS || r.Probe == engine.ProbeProxy || r.Probe == engine.ProbeUpgradeDirect
		if r.Status != "pass" && !(skipOK && r.Status == "skip") {
			t.Errorf("%s: %s", r.Probe, r.Status)
		}
	}
}

func TestServeStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addr := closedPort(t)
	var o, e bytes.Buffer
	done := make(chan int, 1)
	pr, pw := net.Pipe()
	defer pr.Close()
	go func() {
		code := Serve(ctx, []string{"--addr", addr}, pw, &e)
		pw.Close()
		done <- code
	}()
	// The first line says where it listens; then the server answers.
	buf := make([]byte, 256)
	n, err := pr.Read(buf)
	if err != nil || !strings.Contains(string(buf[:n]), "ws://"+addr+"/ws") {
		t.Fatalf("first line %q, %v", buf[:n], err)
	}
	if _, errOut, code := run(t, "ws://"+addr+"/ws"); code != ExitOK {
		t.Fatalf("check against serve: exit %d: %s", code, errOut)
	}
	cancel()
	go func() { o.ReadFrom(pr) }()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("serve exited %d: %s", code, e.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestUsage(t *testing.T) {
	var o, e bytes.Buffer
	if code := Main([]string{"bogus"}, &o, &e); code != ExitUsage || !strings.Contains(e.String(), "unknown command") {
		t.Errorf("bogus command: %d %q", code, e.String())
	}
	o.Reset()
	if code := Main([]string{"version"}, &o, &e); code != ExitOK || !strings.HasPrefix(o.String(), "wsdoctor ") {
		t.Errorf("version: %d %q", code, o.String())
	}
}

// startWSS starts a wss:// reference server with a certificate from a new
// test CA, and returns it with the CA's file for --ca.
func startWSS(t *testing.T) (*refserver.Server, string) {
	t.Helper()
	ca := checktest.NewCA(t)
	wss, err := refserver.StartTLS("127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{ca.Valid(t)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wss.Close() })
	return wss, ca.WriteFile(t)
}

// TestHelpIsComplete: the help names every exit code check returns and
// every proxy scheme --proxy accepts.
func TestHelpIsComplete(t *testing.T) {
	var o, e bytes.Buffer
	if code := Main([]string{"help"}, &o, &e); code != ExitOK {
		t.Fatalf("help: exit %d", code)
	}
	help := o.String()
	for _, c := range []int{ExitOK, ExitProblem, ExitUsage, ExitInterrupted} {
		if !regexp.MustCompile(`\b` + strconv.Itoa(c) + ` [a-zA-Z]`).MatchString(help) {
			t.Errorf("help does not explain exit code %d:\n%s", c, help)
		}
	}
	_, checkHelp, code := run(t, "-h")
	if code != ExitOK {
		t.Fatalf("check -h: exit %d", code)
	}
	for _, scheme := range []string{"http", "https", "socks4", "socks4a", "socks5", "socks5h"} {
		if _, err := netenv.ParseMode(scheme + "://proxy.example:1080"); err != nil {
			t.Errorf("--proxy %s:// is refused: %v", scheme, err)
		}
		if !strings.Contains(checkHelp, scheme+"://") {
			t.Errorf("check -h does not name %s:// for --proxy", scheme)
		}
	}
}

// TestUsageNamesTheProgram: the console companion and the windowless
// build say wsdoctor-cli in their help, with the columns kept.
func TestUsageNamesTheProgram(t *testing.T) {
	for arg0, want := range map[string]string{
		`C:\Program Files\WebSocket Doctor\wsdoctor-cli.exe`: "wsdoctor-cli",
		"/usr/local/bin/wsdoctor-cli":                        "wsdoctor-cli",
		"/usr/bin/wsdoctor":                                  "wsdoctor",
		"acme-checker.exe":                                   "wsdoctor",
	} {
		if got := programName(arg0); got != want {
			t.Errorf("programName(%q) = %q, want %q", arg0, got, want)
		}
	}
	text := usageText("wsdoctor-cli")
	if strings.Contains(text, "  wsdoctor ") || strings.Contains(text, "see: wsdoctor ") {
		t.Errorf("wsdoctor left in:\n%s", text)
	}
	col := func(s, line string) int {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), line) {
				return len(l) - len(strings.TrimLeft(l, " "))
			}
		}
		return -1
	}
	check := strings.Index(text, "check URL from the terminal") - strings.LastIndex(text[:strings.Index(text, "check URL from the terminal")], "\n") - 1
	if cont := col(text, "(--format"); cont != check {
		t.Errorf("the continuation line starts at column %d, the descriptions at %d:\n%s", cont, check, text)
	}
}

func TestServeBadLimits(t *testing.T) {
	for _, args := range [][]string{{"--idle-timeout", "0s"}, {"--per-ip", "0"}, {"--idle-timeout", "-1m"}} {
		var o, e bytes.Buffer
		if code := Serve(context.Background(), append([]string{"--addr", "127.0.0.1:0"}, args...), &o, &e); code != ExitUsage || !strings.Contains(e.String(), "more than zero") {
			t.Errorf("%v: exit %d %q, want %d", args, code, e.String(), ExitUsage)
		}
	}
}
