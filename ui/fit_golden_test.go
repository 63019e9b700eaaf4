package ui

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// fitScreens are the screens the window must fit: a 1093×614 work area,
// and the laptops most people have, 1366×768 at Windows' default 125% and
// 1280×720 at 150%. Each loses a task bar of 40 px at the scale.
var fitScreens = []fitScreen{
	{"1093x614", 1093, 614, 1},
	{"1366x768-scale1.25", 1366, 768, 1.25},
	{"1280x720-scale1.5", 1280, 720, 1.5},
}

// fitScreen is a screen of fitScreens.
type fitScreen struct {
	name  string
	w, h  int
	scale float32
}

// variantScreen splits a variant "SCREEN/LANG" and finds its screen in
// fitScreens.
func variantScreen(t *testing.T, variant string) (fitScreen, string) {
	t.Helper()
	screen, lang, _ := strings.Cut(variant, "/")
	for _, s := range fitScreens {
		if s.name == screen {
			return s, lang
		}
	}
	t.Fatalf("no screen %q", screen)
	return fitScreen{}, ""
}

// TestGoldenFit renders every step at the window size FitToScreen gives
// on each of fitScreens, in English, German (the longest words) and
// Japanese, and fails on text that is cut, runs out of the window or
// overlaps other text. Each runs in a process of its own, as
// TestGoldenScreens does.
func TestGoldenFit(t *testing.T) {
	for _, s := range fitScreens {
		for _, lang := range []string{"en", "de", "ja"} {
			t.Run(s.name+"/"+lang, func(t *testing.T) {
				t.Parallel()
				args := []string{"-test.run", "^TestGoldenFitVariant$"}
				if *update {
					args = append(args, "-update")
				}
				cmd := exec.Command(os.Args[0], args...)
				cmd.Env = append(os.Environ(), "WSDOCTOR_FIT_VARIANT="+s.name+"/"+lang)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Errorf("%v\n%s", err, out)
				}
			})
		}
	}
}

// TestGoldenFitVariant is one of TestGoldenFit's windows.
func TestGoldenFitVariant(t *testing.T) {
	variant := os.Getenv("WSDOCTOR_FIT_VARIANT")
	if variant == "" {
		t.Skip("run by TestGoldenFit")
	}
	s, lang := variantScreen(t, variant)
	var words *i18n.Words
	var findings *diagnose.Catalogue
	diag := fakeDiagnose
	f := &fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}}
	if lang != "en" {
		words, findings = i18n.MustLoad(lang), diagnose.MustCatalogue(lang)
		diag = func(out engine.Outcome) []diagnose.Finding {
			return translatedFindings(lang, fakeDiagnose(out))
		}
		f.words = findings
	}
	h := newHarness(t, Engine{Check: f.with(diag, companyEnv).check, Connection: companyProxy,
		// A branded copy with its support line: the longest Start screen.
		Preset: Preset{Address: "wss://chat.example.com/socket", ProductName: "Example Chat",
			SupportEmail: "connection-help@chat.example.com", SupportURL: "https://chat.example.com/help"},
		Words: words, Catalogue: findings})
	h.app.Settings().SetTheme(forcedVariant{Theme(lang), theme.VariantLight})
	c := h.w.Canvas()
	c.(test.WindowlessCanvas).SetScale(s.scale)
	size := fitSize(WindowSize(), s.w, s.h-int(40*s.scale), s.scale)
	h.w.Resize(size)
	h.z.share.folder.SetText("/home/you/Documents")
	shot := func(name string, image bool) {
		t.Helper()
		golden(t, "fit/"+s.name+"/"+lang+"/"+name, c, image)
		for _, p := range layoutProblems(h.w, h.z.lang) {
			t.Errorf("%s %s: %s", variant, name, p)
		}
		// The footer is there when it has a button (not on Start before
		// any run), and the step bar and the footer stay in the window:
		// only the content scrolls.
		if buttons := h.z.back.Visible() || h.z.next.Visible(); h.z.bottom.Visible() != buttons {
			t.Errorf("%s %s: footer shown %v with Back shown %v and Next %v", variant, name, h.z.bottom.Visible(), h.z.back.Visible(), h.z.next.Visible())
		}
		for _, o := range []fyne.CanvasObject{h.z.top, h.z.bottom} {
			if !o.Visible() {
				continue
			}
			p := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
			if p.Y < 0 || p.Y+o.Size().Height > c.Size().Height+1 {
				t.Errorf("%s %s: %T at y %.0f–%.0f, the window is %.0f high", variant, name, o, p.Y, p.Y+o.Size().Height, c.Size().Height)
			}
		}
	}
	shot("welcome", false)
	test.Tap(h.z.welcome.check)
	h.atStep(StepConnection)
	h.until("the environment", func() bool { return h.z.env != nil })
	shot("connection", false)
	test.Tap(h.z.conn.start)
	h.atStep(StepResult)
	h.z.show(StepChecking)
	shot("checking", false)
	h.z.show(StepResult)
	shot("result", true)
	if s.name == "1093x614" {
		// What the person must see first is in view before any scrolling.
		for what, o := range h.z.result.firstSeen() {
			if !inView(h.z.scroll, o) {
				t.Errorf("%s: %s is below the fold", variant, what)
			}
		}
	}
	test.Tap(h.z.next)
	shot("fix", false)
	test.Tap(h.z.next)
	shot("share", false)
}

// inView reports whether o lies wholly inside what scroll shows.
func inView(scroll fyne.CanvasObject, o fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	sp, op := d.AbsolutePositionForObject(scroll), d.AbsolutePositionForObject(o)
	return o.Visible() && o.Size().Height > 0 && op.Y >= sp.Y-1 && op.Y+o.Size().Height <= sp.Y+scroll.Size().Height+1
}
