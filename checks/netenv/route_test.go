package netenv

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseMode(t *testing.T) {
	for mode, want := range map[string]string{
		"pac:/etc/proxy.pac": "pac:/etc/proxy.pac", "PAC: http://wpad/wpad.dat": "pac:http://wpad/wpad.dat",
		"system": "system", "": "system", "none": "none", "direct": "none",
		"proxy.corp:3128": "http://proxy.corp:3128", "socks5h://127.0.0.1:1080": "socks5h://127.0.0.1:1080",
	} {
		m, err := ParseMode(mode)
		if err != nil || m.String() != want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", mode, m, err, want)
			continue
		}
		if again, err := ParseMode(m.String()); err != nil || again.String() != want {
			t.Errorf("ParseMode(%q) does not read back: %q, %v", m.String(), again, err)
		}
	}
	for _, bad := range []string{"pac:", "gopher://x", "http://"} {
		if m, err := ParseMode(bad); err == nil {
			t.Errorf("ParseMode(%q) = %+v, want an error", bad, m)
		}
	}
	if _, err := ParseMode("pac:"); err == nil || !strings.Contains(err.Error(), "name the PAC file") {
		t.Errorf("pac: with no file: %v", err)
	}
	if m, err := ProxyMode("none"); err == nil {
		t.Errorf("ProxyMode(none) = %+v, want an error", m)
	}
	if m, _ := ParseMode("http://u:secret@p:1"); strings.Contains(m.Redacted(), "secret") {
		t.Errorf("Redacted shows the password: %s", m.Redacted())
	}
}

// TestRoutePACMode: a PAC file given as the mode decides the route, for a
// loopback target too (no implicit bypass: the user asked for this file),
// and one that does not load leaves the route direct with the error.
func TestRoutePACMode(t *testing.T) {
	pac := filepath.Join(t.TempDir(), "proxy.pac")
	script := `function FindProxyForURL(url, host) { return host == "127.0.0.1" ? "PROXY 127.0.0.1:3128; DIRECT" : "DIRECT"; }`
	if err := os.WriteFile(pac, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	rv := &Resolver{Settings: &Settings{}}
	r := rv.Route(context.Background(), PACMode(pac), true, "127.0.0.1", 8443, "/ws")
	if r.Err != nil || r.Source != SourcePAC || r.Setting != SourceOption || r.Origin != pac || r.PACResult != "PROXY 127.0.0.1:3128; DIRECT" || r.Describe() != "http://127.0.0.1:3128; DIRECT" {
		t.Errorf("route %+v (%s)", r, r.Describe())
	}
	r = rv.Route(context.Background(), PACMode(filepath.Join(t.TempDir(), "missing.pac")), true, "127.0.0.1", 8443, "/ws")
	if r.Err == nil || !r.Direct() {
		t.Errorf("missing PAC file: route %+v", r)
	}
}
