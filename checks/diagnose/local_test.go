package diagnose_test

import (
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

func refusedAt(raw, port string) diagnose.Input {
	dns := res("dns", engine.Skip, "not_applicable", "literal", "127.0.0.1")
	return diagnose.Input{Outcome: outcome(raw, dns,
		res("tcp", engine.Fail, "refused", "port", port, "connect_ipv4", "refused"),
		res("tls", engine.Skip, "after_tcp"), res("http", engine.Skip, "after_tcp"), skipUp, skipEcho)}
}

// TestRefusedOnThisComputer: a port refused on the loopback address means
// nothing listens on it here, which is for the user to fix; no firewall,
// network administrator, VPN or subdomain comes into it.
func TestRefusedOnThisComputer(t *testing.T) {
	for _, raw := range []string{"ws://127.0.0.1:8765/ws", "ws://127.3.2.1:8765/ws", "ws://[::1]:8765/ws", "ws://localhost:8765/ws", "wss://LOCALHOST.:8765/"} {
		t.Run(raw, func(t *testing.T) {
			in := refusedAt(raw, "8765")
			in.Env = diagnose.Environment{VPNActive: true, VPNName: "WireGuard"}
			d := diagnose.Diagnose(in)
			if len(d.Findings) == 0 {
				t.Fatal("no findings")
			}
			top := d.Findings[0]
			if top.ID != diagnose.IDTCPBlocked || top.Severity != diagnose.SeverityProblem || top.Confidence != diagnose.Sure || top.WhoCanFix != diagnose.FixerYou {
				t.Errorf("top finding %s %s %s %s; want tcp-blocked problem sure you", top.ID, top.Severity, top.Confidence, top.WhoCanFix)
			}
			if want := "Nothing is listening on port 8765 on this computer"; top.Title != want {
				t.Errorf("title %q; want %q", top.Title, want)
			}
			if !strings.Contains(top.Explanation, "not running") {
				t.Errorf("explanation does not say the program is not running: %q", top.Explanation)
			}
			if top.AdminNote != "" || d.AdminNote != "" {
				t.Errorf("a note for the network administrator: %q / %q", top.AdminNote, d.AdminNote)
			}
			for _, f := range d.Findings[1:] {
				if f.Severity == diagnose.SeverityProblem || f.Severity == diagnose.SeverityWarning {
					t.Errorf("also %s %s: traffic to this computer does not go through the VPN", f.ID, f.Severity)
				}
			}
			words := strings.ToLower(top.Title + top.Explanation + strings.Join(top.Steps, " "))
			for _, bad := range []string{"firewall rejects", "network administrator", "another network", "vpn", "subdomain", "sub-address"} {
				if strings.Contains(words, bad) {
					t.Errorf("tcp-blocked speaks of %q:\n%s\n%s", bad, top.Explanation, strings.Join(top.Steps, "\n"))
				}
			}
		})
	}
}

// TestRefusedElsewhereByAddress: a refused port on another computer, given
// by its address, is still a firewall's likely doing, but an address has
// no subdomains to open; a name does.
func TestRefusedElsewhereByAddress(t *testing.T) {
	for _, tc := range []struct {
		raw        string
		subdomains bool
	}{
		{"ws://203.0.113.10:8080/ws", false},
		{"ws://[2001:db8::10]:8080/ws", false},
		{"ws://app.example.com:8080/ws", true},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			d := diagnose.Diagnose(refusedAt(tc.raw, "8080"))
			top := d.Findings[0]
			if top.ID != diagnose.IDTCPBlocked || top.WhoCanFix != diagnose.FixerNetworkAdmin {
				t.Fatalf("top finding %s for %s; want tcp-blocked for the network administrator", top.ID, top.WhoCanFix)
			}
			if top.AdminNote == "" || d.AdminNote == "" {
				t.Fatal("no note for the network administrator")
			}
			w := allWords(d)
			if got := strings.Contains(w, "subdomain") || strings.Contains(w, "sub-address"); got != tc.subdomains {
				t.Errorf("speaks of subdomains: %v, want %v:\n%s", got, tc.subdomains, w)
			}
			if !strings.Contains(d.AdminNote, "port(s) 8080") {
				t.Errorf("admin note does not ask for port 8080:\n%s", d.AdminNote)
			}
		})
	}
}
