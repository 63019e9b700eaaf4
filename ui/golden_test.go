package ui

import (
	"flag"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"codeberg.org/wsdoctor/wsdoctor/checks"
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
	for _, variant := range []string{"light", "dark"} {
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
	f := &fake{fail: map[string]checks.Status{"upgrade": checks.Fail, "echo": checks.Skip}}
	h := newHarness(t, Engine{Check: f.with(fakeDiagnose, companyEnv).check, Environment: companyProxy,
		Preset: Preset{Address: "wss://chat.example.com/socket", ProductName: "Example Chat"}})
	v := theme.VariantLight
	if variant == "dark" {
		v = theme.VariantDark
	}
	h.app.Settings().SetTheme(forcedVariant{Theme(), v})
	h.z.share.folder.SetText("/home/you/Documents") // the same in every run
	c := h.w.Canvas()
	shot := func(name string) {
		t.Helper()
		golden(t, variant+"/"+name, c, true)
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
