package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// A proxy script that cannot run (an endless loop, a throw, a syntax
// error, a missing file) is a finding: pac-broken, beside the check that
// went direct and worked.
func TestBrokenPACIsAFinding(t *testing.T) {
	echo := checktest.NewEcho(t)
	dir := t.TempDir()
	for name, script := range map[string]string{
		"loop":   `function FindProxyForURL(u, h) { while (true) {} }`,
		"throws": `function FindProxyForURL(u, h) { throw new Error("boom"); }`,
		"syntax": `function FindProxyForURL(u, h) { return "DIRECT" `,
		"none":   "",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".pac")
			if script != "" {
				if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				path = filepath.Join(dir, "missing.pac")
				os.WriteFile(path, nil, 0o644)
			}
			var stdout, stderr bytes.Buffer
			Main([]string{"check", echo.URL, "--pac", path, "--json", "--quiet", "--timeout", "5s", "--deadline", "15s"}, &stdout, &stderr)
			var rep struct {
				Verdict  string
				Findings []struct{ ID, Severity string }
			}
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatalf("no report: %v\n%s", err, stderr.String())
			}
			found := false
			for _, f := range rep.Findings {
				found = found || f.ID == "pac-broken"
			}
			if !found || rep.Verdict != "works_with_warnings" {
				t.Errorf("verdict %s, findings %+v; want pac-broken and works_with_warnings", rep.Verdict, rep.Findings)
			}
		})
	}
}
