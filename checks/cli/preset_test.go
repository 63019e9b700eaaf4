package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

func writePreset(t *testing.T, content string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "acme.json")
	if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func runMain(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = Main(args, &o, &e)
	return o.String(), e.String(), code
}

func TestSplitPreset(t *testing.T) {
	tests := []struct {
		args     []string
		file     string
		rest     []string
		hasError bool
	}{
		{nil, "", nil, false},
		{[]string{"check", "x"}, "", []string{"check", "x"}, false},
		{[]string{"--preset", "a.json"}, "a.json", []string{}, false},
		{[]string{"-preset", "a.json", "check"}, "a.json", []string{"check"}, false},
		{[]string{"--preset=a.json", "check", "--json"}, "a.json", []string{"check", "--json"}, false},
		{[]string{"check", "--preset", "a.json"}, "", []string{"check", "--preset", "a.json"}, false},
		{[]string{"--preset"}, "", nil, true},
	}
	for _, tc := range tests {
		file, rest, err := SplitPreset(tc.args)
		if (err != nil) != tc.hasError || file != tc.file || (err == nil && !reflect.DeepEqual(rest, tc.rest)) {
			t.Errorf("SplitPreset(%q) = %q, %q, %v; want %q, %q, error %v", tc.args, file, rest, err, tc.file, tc.rest, tc.hasError)
		}
	}
}

func TestPresetCheckCommand(t *testing.T) {
	good := writePreset(t, `{"product_name": "Acme Chat", "targets": [{"url": "wss://chat.acme.example/ws", "label": "Chat"}]}`)
	bad := writePreset(t, `{"product_name": "Acme", "targets": [{"url": "ftp://chat.acme.example"}], "langauge": "de"}`)
	out, errOut, code := runMain(t, "preset", "check", good)
	if code != ExitOK || !strings.Contains(out, good+": good. Acme Chat: 1 target, wss://chat.acme.example/ws.") || errOut != "" {
		t.Errorf("good: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = runMain(t, "preset", "check", bad)
	if code != ExitUsage || out != "" {
		t.Errorf("bad: exit %d, stdout %q", code, out)
	}
	for _, want := range []string{
		"preset " + bad + `: langauge: unknown field (did you mean "language"?)`,
		"preset " + bad + `: targets[0].url: "ftp://chat.acme.example": scheme`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if _, errOut, code = runMain(t, "preset", "check"); code != ExitUsage || !strings.Contains(errOut, "name the preset file") {
		t.Errorf("no file: exit %d, %s", code, errOut)
	}
	if _, errOut, code = runMain(t, "preset", "check", filepath.Join(t.TempDir(), "none.json")); code != ExitUsage || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing file: exit %d, %s", code, errOut)
	}
}

func TestPresetShow(t *testing.T) {
	f := writePreset(t, `{"product_name": "Acme Chat"}`)
	out, errOut, code := runMain(t, "--preset", f, "preset", "show")
	if code != ExitOK || !strings.Contains(out, `"product_name": "Acme Chat"`) || !strings.Contains(errOut, "--preset: "+f) {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = runMain(t, "preset", "show")
	if code != ExitOK || !strings.Contains(out, `"targets": []`) || !strings.Contains(errOut, "built in") || !strings.Contains(errOut, "self-test") {
		t.Errorf("built-in: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestCheckUsesPresetTarget: with no URL, check takes the preset's first
// target, whether --preset comes before the command or as its flag.
func TestCheckUsesPresetTarget(t *testing.T) {
	ws, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	f := writePreset(t, `{"product_name": "Acme", "targets": [{"url": "`+ws.URL+`", "label": "Echo"}, {"url": "ws://127.0.0.1:1/never"}]}`)
	for _, args := range [][]string{
		{"--preset", f, "check", "--quiet"},
		{"check", "--quiet", "--preset", f},
	} {
		out, errOut, code := runMain(t, args...)
		if code != ExitOK || !strings.Contains(out, "Live connections work") || !strings.Contains(errOut, "checking "+ws.URL+" from the preset for Acme (--preset)") {
			t.Errorf("%q: exit %d\n%s\n%s", args, code, out, errOut)
		}
	}
	bad := writePreset(t, `{"targets": "x"}`)
	if _, errOut, code := run(t, "--preset", bad, ws.URL); code != ExitUsage || !strings.Contains(errOut, "targets: want a list") {
		t.Errorf("bad preset: exit %d\n%s", code, errOut)
	}
}

func TestPresetHeaders(t *testing.T) {
	var f checkFlags
	f.timeout, f.deadline, f.pingInterval = time.Second, time.Second, engine.DefaultPingInterval
	f.origin = "https://flag.example"
	req, err := f.request("", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Preset = &preset.Preset{Headers: map[string]string{"Origin": "https://preset.example", "X-Client": "acme"}}
	if o := req.Options(); o.Headers.Get("Origin") != "https://flag.example" || o.Headers.Get("X-Client") != "acme" {
		t.Errorf("headers = %v: the flag's Origin should win and the preset's X-Client be added", o.Headers)
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	stampBuildInfo() // the test binary's own, before the fixtures below
	defer func(v, c, d string) { Version, Commit, Date = v, c, d }(Version, Commit, Date)
	Version, Commit, Date = "dev", "", ""
	fillFromBuildInfo(&debug.BuildInfo{
		Main: debug.Module{Version: "v1.2.3"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.time", Value: "2026-11-22T02:48:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	})
	if got, want := VersionString(), "wsdoctor v1.2.3 (0123456789ab-dirty, 2026-11-22T02:48:00Z)"; got != want {
		t.Errorf("VersionString = %q, want %q", got, want)
	}
	// ldflags win over build info.
	Version, Commit, Date = "0.1.0", "abc1234", "2026-11-01T00:00:00Z"
	fillFromBuildInfo(&debug.BuildInfo{Main: debug.Module{Version: "v9.9.9"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "ffff"}}})
	if got, want := VersionString(), "wsdoctor 0.1.0 (abc1234, 2026-11-01T00:00:00Z)"; got != want {
		t.Errorf("VersionString = %q, want %q", got, want)
	}
}

// TestPresetExpectedIssuers: a certificate from an issuer the preset does
// not name is reported as TLS inspection; the issuer it names is not.
func TestPresetExpectedIssuers(t *testing.T) {
	wss, caFile := startWSS(t)
	for _, tt := range []struct {
		issuers     string
		intercepted bool
	}{
		{`["DigiCert Inc", "Let's Encrypt"]`, true},
		{`["wsdoctor tests"]`, false},
	} {
		f := writePreset(t, `{"product_name": "Acme", "expected_tls_issuers": `+tt.issuers+`}`)
		out, errOut, code := runMain(t, "check", "--quiet", "--json", "--ca", caFile, "--preset", f, wss.URL)
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", tt.issuers, code, errOut)
		}
		got := strings.Contains(out, `"id": "tls-intercepted"`)
		if got != tt.intercepted || !strings.Contains(out, `"issuer_expected"`) {
			t.Errorf("expected issuers %s: tls-intercepted = %v, want %v\n%s", tt.issuers, got, tt.intercepted, out)
		}
	}
}

// TestInstallPreset: a good preset is written beside the program whole; a
// bad one is refused and leaves the good one in place, with no temporary
// file behind.
func TestInstallPreset(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	good := filepath.Join(src, "acme.json")
	bad := filepath.Join(src, "bad.json")
	os.WriteFile(good, []byte(`{"product_name": "Acme Chat", "targets": [{"url": "wss://chat.acme.example/ws"}]}`), 0o644)
	os.WriteFile(bad, []byte(`{"product_name": "Acme", "targets": [{"url": "ftp://nope"}]}`), 0o644)
	dst, err := installPreset(good, dir)
	if err != nil || dst != filepath.Join(dir, "wsdoctor-preset.json") {
		t.Fatalf("install: %q, %v", dst, err)
	}
	want, _ := os.ReadFile(good)
	if got, _ := os.ReadFile(dst); string(got) != string(want) {
		t.Errorf("installed %q", got)
	}
	if _, err := installPreset(bad, dir); err == nil {
		t.Error("a preset with an ftp target was installed")
	}
	if got, _ := os.ReadFile(dst); string(got) != string(want) {
		t.Errorf("the bad preset replaced the good one: %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left beside the program: %v", entries)
	}
	if _, err := installPreset(filepath.Join(src, "missing.json"), dir); err == nil {
		t.Error("a missing file was installed")
	}
}
