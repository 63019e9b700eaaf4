package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnvCommand(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://bob:hunter2@proxy.corp.example:3128")
	t.Setenv("NO_PROXY", "localhost,.internal.example")
	t.Setenv("XDG_CURRENT_DESKTOP", "")
	pac := filepath.Join(t.TempDir(), "p.pac")
	os.WriteFile(pac, []byte(`function FindProxyForURL(u, h) { if (dnsDomainIs(h, ".example.com")) return "PROXY p.corp:3128; DIRECT"; return "DIRECT"; }`), 0o600)

	var out, errb bytes.Buffer
	if code := Env(context.Background(), []string{"wss://chat.example.com/ws", "--pac", pac, "--json"}, &out, &errb); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep struct {
		Settings struct {
			Configs []struct {
				Source  string `json:"source"`
				Enabled bool   `json:"enabled"`
				HTTPS   *struct {
					URL  string `json:"url"`
					From string `json:"from"`
				} `json:"https"`
			} `json:"configs"`
		} `json:"settings"`
		Route struct {
			Route  string `json:"route"`
			Source string `json:"source"`
			Origin string `json:"origin"`
		} `json:"route"`
		PAC struct {
			Entries []string `json:"entries"`
		} `json:"pac"`
		VPN struct {
			Active *bool `json:"active"`
		} `json:"vpn"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "hunter2") {
		t.Error("password printed")
	}
	found := false
	for _, c := range rep.Settings.Configs {
		if c.Source == "env" && c.Enabled && c.HTTPS != nil && c.HTTPS.From == "HTTPS_PROXY" {
			found = true
		}
	}
	if !found {
		t.Errorf("env setting missing: %s", out.String())
	}
	// The environment applies unless the desktop's own setting does.
	if rep.Route.Source == "env" && (rep.Route.Route != "http://bob:xxxxx@proxy.corp.example:3128" || rep.Route.Origin != "HTTPS_PROXY") {
		t.Errorf("route %+v", rep.Route)
	}
	if strings.Join(rep.PAC.Entries, "; ") != "PROXY p.corp:3128; DIRECT" {
		t.Errorf("pac %q", rep.PAC.Entries)
	}
	if rep.VPN.Active == nil {
		t.Error("no vpn section")
	}

	out.Reset()
	if code := Env(context.Background(), []string{"wss://a.internal.example/", "--proxy", "none"}, &out, &errb); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"Proxy settings", "env (on) from environment", "https  http://bob:xxxxx@proxy.corp.example:3128   (HTTPS_PROXY)", "Route to wss://a.internal.example/: DIRECT", "VPN:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, out.String())
		}
	}
	for _, bad := range [][]string{{"--pac", pac}, {"a", "b"}, {"x", "--proxy", "gopher://x"}} {
		if code := Env(context.Background(), bad, &out, &errb); code != ExitUsage {
			t.Errorf("%q: exit %d", bad, code)
		}
	}
}
