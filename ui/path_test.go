package ui

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// TestPathPortBlocked: a port that does not answer is the network's fault
// on the way to another computer, and the service's (nothing listens) on
// this one, as the report's path picture says.
func TestPathPortBlocked(t *testing.T) {
	for raw, want := range map[string]string{
		"ws://203.0.113.10:8765/ws": "computer:0 internet:1 service:2 ",
		"ws://127.0.0.1:8765/ws":    "computer:0 internet:0 service:1 ",
		"ws://localhost:8765/ws":    "computer:0 internet:0 service:1 ",
	} {
		tg, err := checks.ParseTarget(raw)
		if err != nil {
			t.Fatal(err)
		}
		run := &Run{
			Outcome:  checks.Outcome{Target: tg, Results: []checks.Result{{Probe: "tcp", Status: checks.Fail, Code: checks.CodeRefused}}},
			Findings: []diagnose.Finding{{ID: diagnose.IDTCPBlocked, Severity: diagnose.SeverityProblem}},
			Verdict:  diagnose.DoesNotWork,
		}
		got := ""
		for _, hp := range pathOf(run, tg.Host) {
			got += string(hp.Kind) + ":" + fmt.Sprint(hp.State) + " "
		}
		if got != want {
			t.Errorf("%s: path %s, want %s", raw, got, want)
		}
	}
}

// TestPathContrast: every word of the path picture, on every kind of hop,
// reads at WCAG AA contrast (4.5:1) on its box, in the light and the
// dark theme; and a long proxy name is shown whole.
func TestPathContrast(t *testing.T) {
	a := test.NewTempApp(t)
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		a.Settings().SetTheme(forcedVariant{Theme(), v})
		p := newPathView()
		p.SetHops([]hop{
			{Kind: hopComputer, Label: "This computer", State: hopOK},
			{Kind: hopProxy, Label: "Proxy", Detail: "proxy.corp.example:8080", State: hopFail},
			{Kind: hopInternet, Label: "Internet", State: hopUnknown},
			{Kind: hopService, Label: "Service", Detail: "chat.example.com", State: hopUnknown},
		})
		w := a.NewWindow("path")
		w.SetContent(p)
		w.Resize(fyne.NewSize(700, 200))
		bg := Theme().Color(theme.ColorNameInputBackground, v)
		for _, o := range test.WidgetRenderer(p).Objects() {
			tx, ok := o.(*canvas.Text)
			if !ok || tx.Text == "" || strings.HasPrefix(tx.Text, "✕") {
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
