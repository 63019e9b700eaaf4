package diagnose_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// goldenCases are full diagnoses: a clean run, an ambiguous one behind a
// proxy, a combination (VPN and a blocked port), the service's fault seen
// end to end, and a working run with a short idle timeout.
func goldenCases() []struct {
	name string
	in   diagnose.Input
} {
	proxied := with(wssWorks,
		res("upgrade", engine.Fail, "status_200", "status", "200", "server", "nginx", "body_title", "Example App", "accept_ok", "missing"), skipEcho)
	vpnBlocked := outcome("wss://app.example.com/socket", dnsOK,
		res("tcp", engine.Fail, "timeout", "port", "443", "connect 2001:db8::10", "timeout 10000ms", "connect 203.0.113.10", "timeout 10000ms",
			"connect_ipv6", "timeout", "connect_ipv4", "timeout"),
		res("tls", engine.Skip, "after_tcp"), res("http", engine.Skip, "after_tcp"), skipUp, skipEcho)
	iis := with(wssWorks,
		res("upgrade", engine.Fail, "status_200", "status", "200", "server", "Microsoft-IIS/10.0", "accept_ok", "missing", "body_title", "Projects"), skipEcho)
	idle := with(wssWorks, res("idle", engine.Warn, "idle_limit", "limit_s", "60", "ended_by", "fin", "pings_help", "no", "survived_s", "59"))
	return []struct {
		name string
		in   diagnose.Input
	}{
		{"works", diagnose.Input{Outcome: wssWorks}},
		{"proxy-ambiguous", diagnose.Input{Outcome: proxied, Env: proxyEnv}},
		{"vpn-port-blocked", diagnose.Input{Outcome: vpnBlocked, Env: diagnose.Environment{VPNActive: true, VPNName: "WireGuard"}}},
		{"iis-end-to-end", diagnose.Input{Outcome: iis}},
		{"idle-timeout", diagnose.Input{Outcome: idle, Env: diagnose.Environment{ProxyURL: "http://proxy.corp.example:3128", ProxySource: "env", ProxyOrigin: "HTTPS_PROXY"}, RequiredIdle: 150 * time.Second}},
	}
}

func TestGoldenText(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			d := diagnose.Diagnose(tc.in)
			rep := report.Build(report.Input{Tool: report.Tool{Name: "wsdoctor", Version: "test"}, Outcome: tc.in.Outcome, Diagnosis: d})
			rep.RunID = "0123456789abcdef"
			var b bytes.Buffer
			if err := report.Text(&b, rep, nil); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".txt", b.Bytes())
		})
	}
}

func TestGoldenAdminNote(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			note := diagnose.Diagnose(tc.in).AdminNote
			if tc.name == "works" || tc.name == "iis-end-to-end" {
				if note != "" {
					t.Errorf("the network admin is asked for something that is not theirs:\n%s", note)
				}
				return
			}
			for _, want := range []string{"app.example.com", "443"} {
				if !strings.Contains(note, want) {
					t.Errorf("note lacks %q:\n%s", want, note)
				}
			}
			golden(t, tc.name+".admin.txt", []byte(note+"\n"))
		})
	}
}

// TestJSONCarriesTheDiagnosis: --json output has the findings, summary and
// admin note, and redaction reaches them.
func TestJSONCarriesTheDiagnosis(t *testing.T) {
	in := goldenCases()[1].in
	rep := report.Build(report.Input{Tool: report.Tool{Name: "wsdoctor", Version: "test"}, Outcome: in.Outcome, Diagnosis: diagnose.Diagnose(in)})
	b, err := rep.JSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := report.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Findings) == 0 || back.Findings[0].ID != "proxy-strips-upgrade" || back.Summary == nil ||
		back.Summary.Cause != "proxy-strips-upgrade" || back.AdminNote == "" || len(back.Findings[0].Steps) == 0 {
		t.Errorf("diagnosis lost in JSON:\n%s", b)
	}
	for _, k := range []string{`"confidence": "likely"`, `"who_can_fix": "network_admin"`, `"uncertain": true`} {
		if !bytes.Contains(b, []byte(k)) {
			t.Errorf("JSON lacks %s", k)
		}
	}
}
