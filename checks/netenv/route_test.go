package netenv

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseModePAC(t *testing.T) {
	for mode, want := range map[string]string{
		"pac:/etc/proxy.pac": ModePAC, "PAC: http://wpad/wpad.dat": ModePAC,
		"system": ModeSystem, "": ModeSystem, "none": ModeNone, "direct": ModeNone,
	} {
		if m, _, err := ParseMode(mode); err != nil || m != want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", mode, m, err, want)
		}
	}
	if _, _, err := ParseMode("pac:"); err == nil || !strings.Contains(err.Error(), "name the PAC file") {
		t.Errorf("pac: with no file: %v", err)
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
	r := rv.Route(context.Background(), "pac:"+pac, true, "127.0.0.1", 8443, "/ws")
	if r.Err != nil || r.Source != SourcePAC || r.Setting != SourceOption || r.Origin != pac || r.PACResult != "PROXY 127.0.0.1:3128; DIRECT" || r.Describe() != "http://127.0.0.1:3128; DIRECT" {
		t.Errorf("route %+v (%s)", r, r.Describe())
	}
	r = rv.Route(context.Background(), "pac:"+filepath.Join(t.TempDir(), "missing.pac"), true, "127.0.0.1", 8443, "/ws")
	if r.Err == nil || !r.Direct() {
		t.Errorf("missing PAC file: route %+v", r)
	}
}
