package ui

import (
	"image/color"
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// pathCase is a run as the engine would finish it: its results and what
// the diagnosis is told of the machine.
type pathCase struct {
	name, target string
	env          diagnose.Environment
	results      []engine.Result
	// stops is the hop where the connection stops, "" for none.
	stops diagnose.HopKind
}

func result(probe string, st engine.Status, code string, kv ...string) engine.Result {
	r := engine.Result{Probe: probe, Status: st, Code: code, Duration: 12 * time.Millisecond}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Evidence.Set(kv[i], kv[i+1])
	}
	return r
}

var (
	pDNS  = result("dns", engine.Pass, "ok", "a", "203.0.113.10")
	pTCP  = result("tcp", engine.Pass, "ok", "port", "443")
	pTLS  = result("tls", engine.Pass, "ok", "version", "TLS 1.3", "trusted_by", "public", "verified_public", "yes", "verified_os", "yes", "leaf_issuer", "CN=R11,O=Let's Encrypt,C=US", "leaf_issuer_org", "Let's Encrypt")
	pHTTP = result("http", engine.Pass, "status_200", "status", "200")
	pUp   = result("upgrade", engine.Pass, "ok", "status", "101", "accept_ok", "yes")
	pEcho = result("echo", engine.Pass, "ok", "messages_sent", "6", "messages_echoed", "6")
	sUp   = result("upgrade", engine.Skip, "after_tcp")
	sEcho = result("echo", engine.Skip, "needs_upgrade")
)

var corp = diagnose.Environment{ProxyURL: "http://proxy.corp.example:3128", ProxySource: "wininet"}

func pathCases() []pathCase {
	return []pathCase{
		{"no network", "wss://chat.example.com/ws", diagnose.Environment{NoRoute: true},
			[]engine.Result{result("dns", engine.Fail, "timeout", "a_error", "timeout"), result("tcp", engine.Skip, "needs_dns"), sUp, sEcho},
			diagnose.HopComputer},
		{"DNS", "wss://chat.example.com/ws", diagnose.Environment{},
			[]engine.Result{result("dns", engine.Fail, "nxdomain", "a_error", "nxdomain", "aaaa_error", "nxdomain", "rcode", "NXDOMAIN"), result("tcp", engine.Skip, "needs_dns"), sUp, sEcho},
			diagnose.HopInternet},
		{"TCP refused", "wss://chat.example.com/ws", diagnose.Environment{},
			[]engine.Result{pDNS, result("tcp", engine.Fail, "refused", "port", "443"), result("tls", engine.Skip, "after_tcp"), sUp, sEcho},
			diagnose.HopInternet},
		{"proxy refused", "wss://chat.example.com/ws", corp,
			[]engine.Result{pDNS, pTCP, result("proxy", engine.Pass, "ok", "proxy", "http://proxy.corp.example:3128"),
				result("upgrade", engine.Fail, "status_403", "proxy", "http://proxy.corp.example:3128", "proxy_status", "403 Forbidden", "proxy_stage", "connect"), sEcho},
			diagnose.HopProxy},
		{"TLS intercepted", "wss://chat.example.com/ws", corp,
			[]engine.Result{pDNS, pTCP, result("tls", engine.Warn, "not_public_root", "trusted_by", "os_only", "verified_os", "yes", "verified_public", "no", "leaf_issuer", "CN=Zscaler Intermediate Root CA,O=Zscaler Inc.", "leaf_issuer_org", "Zscaler Inc."),
				pHTTP, result("upgrade", engine.Fail, "status_200", "status", "200", "proxy", "http://proxy.corp.example:3128"), sEcho},
			diagnose.HopProxy},
		{"server without WebSocket", "wss://chat.example.com/ws", diagnose.Environment{},
			[]engine.Result{pDNS, pTCP, pTLS, pHTTP, result("upgrade", engine.Fail, "status_200", "status", "200", "server", "Microsoft-IIS/10.0", "accept_ok", "missing"), sEcho},
			diagnose.HopService},
		{"idle cut", "wss://chat.example.com/ws", corp,
			[]engine.Result{pDNS, pTCP, pTLS, pHTTP, pUp, pEcho, result("idle", engine.Fail, "idle_timeout", "limit_s", "60", "ended_by", "fin", "pings_help", "no")},
			diagnose.HopProxy},
		{"works through a VPN", "wss://chat.example.com/ws", diagnose.Environment{VPNActive: true, VPNName: "WireGuard"},
			[]engine.Result{pDNS, pTCP, pTLS, pHTTP, pUp, pEcho},
			""},
	}
}

// TestPathSameInWindowAndReport: the window's picture and every report
// drawn from the same run show the same hops and the same "stops here",
// because both draw the one path of the diagnosis.
func TestPathSameInWindowAndReport(t *testing.T) {
	for _, tc := range pathCases() {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := engine.ParseTarget(tc.target)
			if err != nil {
				t.Fatal(err)
			}
			out := engine.Outcome{Target: tg, Started: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC), Results: tc.results}
			out.Finished = out.Started.Add(time.Second)
			d := diagnose.Diagnose(diagnose.Input{Outcome: out, Env: tc.env})
			if d.Path.StopsAt != tc.stops {
				t.Errorf("stops at %q (why %s), want %q; findings %v", d.Path.StopsAt, d.Path.Why, tc.stops, ids(d.Findings))
			}
			s := &session.Run{Outcome: out, Diagnosis: d}
			win := pathOf(newShownRun(Request{}, nil, s))
			rep := s.Report(false)
			text, err := s.Export(report.FormatText, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(win) != len(rep.Path.Hops) {
				t.Fatalf("window %d hops, report %d", len(win), len(rep.Path.Hops))
			}
			for i, h := range win {
				r := rep.Path.Hops[i]
				if h.Kind != r.Kind || h.Label != r.Label || h.Detail != r.Detail || (h.State == hopFail) != (r.State == diagnose.HopStops) {
					t.Errorf("hop %d: window %+v, report %+v", i, h, r)
				}
				if h.State == hopFail && !strings.Contains(string(text), hopLine(r)+"  <-- ") {
					t.Errorf("the text report does not stop at %s:\n%s", r.Label, text)
				}
			}
			if tc.stops == "" && strings.Contains(string(text), "<-- ") {
				t.Errorf("the text report stops somewhere:\n%s", text)
			}
		})
	}
}

// hopLine is a hop as the text report writes it, without its mark.
func hopLine(h diagnose.Hop) string {
	if h.Detail != "" {
		return h.Label + " (" + h.Detail + ")"
	}
	return h.Label
}

func ids(fs []diagnose.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID+" "+string(f.Severity))
	}
	return out
}

// TestPathContrast: every word of the path picture, on every kind of hop,
// reads at WCAG AA contrast (4.5:1) on its box, in the light and the
// dark theme; and a long proxy name is shown whole.
func TestPathContrast(t *testing.T) {
	a := test.NewTempApp(t)
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		a.Settings().SetTheme(forcedVariant{Theme(""), v})
		p := newPathView("Stops here", "Address needed")
		p.SetHops([]hop{
			{Kind: diagnose.HopComputer, Label: "This computer", State: hopOK},
			{Kind: diagnose.HopProxy, Label: "Proxy", Detail: "proxy.corp.example:8080", State: hopFail},
			{Kind: diagnose.HopInternet, Label: "Internet", State: hopUnknown},
			{Kind: diagnose.HopService, Label: "Service", Detail: "chat.example.com", State: hopUnknown},
		})
		w := a.NewWindow("path")
		w.SetContent(p)
		w.Resize(fyne.NewSize(700, 200))
		bg := Theme("").Color(theme.ColorNameInputBackground, v)
		for _, o := range test.WidgetRenderer(p).Objects() {
			tx, ok := o.(*canvas.Text)
			if !ok || tx.Text == "" || strings.HasPrefix(tx.Text, "×") {
				continue
			}
			if c := contrast(tx.Color, bg); c < 4.5 {
				t.Errorf("variant %v: %q has contrast %.1f", v, tx.Text, c)
			}
			if strings.HasSuffix(tx.Text, "…") {
				t.Errorf("variant %v: %q is cut", v, tx.Text)
			}
		}
		w.Close()
	}
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		ch := func(v uint32) float64 {
			x := float64(v) / 0xffff
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}
