package ui

import (
	"context"
	"flag"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares the canvas's markup with testdata/name.xml and, when
// withImage is set, its picture with testdata/name.png; -update rewrites
// both. The markup catches what is on screen; the picture is for people to
// look at (and catches colours).
func golden(t *testing.T, name string, c fyne.Canvas, withImage bool) {
	t.Helper()
	markup := test.RenderToMarkup(c)
	path := filepath.Join("testdata", name+".xml")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(markup), 0o644); err != nil {
			t.Fatal(err)
		}
		if withImage {
			f, err := os.Create(filepath.Join("testdata", name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := png.Encode(f, c.Capture()); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -run Golden -update to write it)", err)
	}
	if string(want) != markup {
		failed := filepath.Join("testdata", "failed", name+".xml")
		os.MkdirAll(filepath.Dir(failed), 0o755)
		os.WriteFile(failed, []byte(markup), 0o644)
		t.Errorf("%s differs from %s; see %s (run with -update if the change is meant)", name, path, failed)
	}
	if withImage {
		test.AssertImageMatches(t, name+".png", c.Capture())
	}
}

// TestGoldenScreens renders each key screen in the light and the dark
// variant. Each variant runs in a process of its own: Fyne's software
// painter loses cached icons when a second test app paints in the same
// process.
func TestGoldenScreens(t *testing.T) {
	for _, variant := range []string{"light", "dark", "de", "ja", "pseudo"} {
		t.Run(variant, func(t *testing.T) {
			args := []string{"-test.run", "^TestGoldenVariant$"}
			if *update {
				args = append(args, "-update")
			}
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), "WSDOCTOR_GOLDEN_VARIANT="+variant)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("%v\n%s", err, out)
			}
		})
	}
}

// TestGoldenVariant renders the screens of a run through a company proxy
// and a VPN where the proxy strips the upgrade, with the app's theme, in
// the variant TestGoldenScreens asks for.
func TestGoldenVariant(t *testing.T) {
	variant := os.Getenv("WSDOCTOR_GOLDEN_VARIANT")
	if variant == "" {
		t.Skip("run by TestGoldenScreens")
	}
	lang := ""
	var words *i18n.Words
	var findings *diagnose.Catalogue
	switch variant {
	case "de", "ja":
		lang = variant
		words, findings = i18n.MustLoad(lang), diagnose.MustCatalogue(lang)
	case "pseudo":
		lang = variant
		words = pseudoWords(t)
	}
	diag := fakeDiagnose
	f := &fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}}
	if lang != "" {
		diag = func(out engine.Outcome) []diagnose.Finding {
			return translatedFindings(lang, fakeDiagnose(out))
		}
	}
	if lang == "de" || lang == "ja" {
		f.words = diagnose.MustCatalogue(lang) // the path's words
	}
	h := newHarness(t, Engine{Check: f.with(diag, companyEnv).check, Connection: companyProxy,
		Preset: Preset{Address: "wss://chat.example.com/socket", ProductName: "Example Chat"},
		Words:  words, Catalogue: findings})
	// 1366x768 at 125% leaves about 1093x614 for the window; the goldens
	// are taken at a size a little under it, so the window fits there.
	h.w.Resize(fyne.NewSize(1000, 600))
	v := theme.VariantLight
	if variant == "dark" {
		v = theme.VariantDark
	}
	h.app.Settings().SetTheme(forcedVariant{Theme(lang), v})
	h.z.share.folder.SetText("/home/you/Documents") // the same in every run
	c := h.w.Canvas()
	shot := func(name string) {
		t.Helper()
		golden(t, variant+"/"+name, c, true)
		for _, p := range layoutProblems(h.w, h.z.lang) {
			t.Errorf("%s %s: %s", variant, name, p)
		}
	}
	shot("welcome")
	h.z.welcome.advanced.Open(0)
	shot("welcome-advanced")
	h.z.welcome.advanced.Close(0)
	test.Tap(h.z.welcome.check)
	h.atStep(StepConnection)
	h.until("the environment", func() bool { return h.z.env != nil })
	shot("connection")
	test.Tap(h.z.conn.start)
	h.atStep(StepResult)
	h.z.show(StepChecking)
	shot("checking")
	h.z.show(StepResult)
	shot("result")
	test.Tap(h.z.next)
	shot("fix")
	test.Tap(h.z.next)
	shot("share")
}

// forcedVariant shows a theme in one variant whatever the test app says,
// as the desktop's light or dark setting would.
type forcedVariant struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (f forcedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return f.Theme.Color(n, f.v)
}

// TestGoldenBadAddress shows the welcome screen's answer to a bad address.
func TestGoldenBadAddress(t *testing.T) {
	h := newHarness(t, Engine{Check: (&fake{}).check})
	test.Type(h.z.welcome.address, "htp://chat.example.com")
	if !strings.Contains(h.z.welcome.hint.Text, "start of the address") {
		t.Fatalf("hint %q", h.z.welcome.hint.Text)
	}
	golden(t, "welcome-bad-address", h.w.Canvas(), false)
}

// TestGoldenConnectionLines shows Your connection with three lines and,
// in a narrower window where one wraps, four: Start the check must sit
// below the last one, not on it.
func TestGoldenConnectionLines(t *testing.T) {
	for _, c := range []struct {
		name  string
		width float32
		rows  int
	}{{"connection-3-lines", 1000, 3}, {"connection-4-lines", 700, 4}} {
		t.Run(c.name, func(t *testing.T) {
			env := func(ctx context.Context, r session.Request) (session.Connection, error) {
				e, err := companyProxy(ctx, r)
				e.VPN.Name = "Company VPN to the Frankfurt office, the Lisbon office and the data centre (wg-frankfurt-01, split tunnel)"
				return e, err
			}
			h := newHarness(t, Engine{Check: (&fake{}).check, Connection: env,
				Preset: Preset{Address: "wss://chat.example.com/socket"}})
			h.w.Resize(fyne.NewSize(c.width, 600))
			test.Tap(h.z.welcome.check)
			h.atStep(StepConnection)
			h.until("the environment", func() bool { return h.z.env != nil })
			rows, line := 0, widget.NewLabel("x").MinSize().Height
			for _, o := range h.z.conn.lines.Objects {
				rows += int(math.Round(float64((o.Size().Height-line)/(line-2*theme.InnerPadding())))) + 1
			}
			if rows < c.rows {
				t.Fatalf("%d rows of text, want %d", rows, c.rows)
			}
			last := h.z.conn.lines.Objects[len(h.z.conn.lines.Objects)-1]
			below := fyne.CurrentApp().Driver().AbsolutePositionForObject(last).Y + last.Size().Height
			if top := fyne.CurrentApp().Driver().AbsolutePositionForObject(h.z.conn.start).Y; top < below {
				t.Errorf("Start the check begins at %.0f, the lines end at %.0f", top, below)
			}
			for _, p := range layoutProblems(h.w, h.z.lang) {
				t.Error(p)
			}
			golden(t, c.name, h.w.Canvas(), false)
		})
	}
}

// TestGoldenFirstRun: with no address the button asks for one, and a web
// page's address that answers for itself asks for the live connection's
// address instead of blaming the service (docs/screenshots has both).
func TestGoldenFirstRun(t *testing.T) {
	f := &fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}, real: true}
	h := newHarness(t, Engine{Check: f.check})
	h.app.Settings().SetTheme(forcedVariant{Theme(""), theme.VariantLight})
	h.w.Resize(fyne.NewSize(1000, 600))
	test.Tap(h.z.welcome.check)
	if f.runs.Load() != 0 {
		t.Fatal("a check ran without an address")
	}
	golden(t, "light/welcome-no-address", h.w.Canvas(), true)
	test.Type(h.z.welcome.address, "https://chat.example.com/workspace")
	test.Tap(h.z.welcome.check)
	h.atStep(StepResult)
	if h.z.result.banner.text != h.z.lang.T("window.verdict.address_needed") {
		t.Errorf("banner %q", h.z.result.banner.text)
	}
	golden(t, "light/result-page-address", h.w.Canvas(), true)
}
