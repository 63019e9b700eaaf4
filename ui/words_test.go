package ui

import (
	"context"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// sameInEveryLanguage are the window's texts that read the same in
// English and another language: names, examples, units and words the
// other language borrows.
var sameInEveryLanguage = []string{
	"WebSocket Doctor", "Cookie", "Proxy", "VPN", "Internet", "Markdown", "OK", "Start", "Service", "Web",
	"{probe}: {detail}", "http://proxy.example.com:8080", "1 minute", "2 minutes", "3 minutes", "5 minutes",
	"Problem", "Stop", "Online", "Info", "Notes", "Note", "Options", ": ",
	// The watch's: a list's comma, a lane's count, hours and minutes.
	", ", "{lane}: {n}", "{h} h {min} min", "15 minutes",
}

// shownSameInEveryLanguage are texts on screen that are the same in
// every language: what the test typed or the fakes answered (addresses,
// names), and signs.
var shownSameInEveryLanguage = regexp.MustCompile(`^(›|×.*|[0-9]+ (ms|s|min)|.*example.*|/home/you/Documents|CORP\\ann|WireGuard|Example Chat|Origin: .*|\[\d+\]|)$`)

// rawKey is a catalogue key shown instead of its text (Words.T gives the
// key back when it has no text), placeholder a {name} left unfilled.
var (
	rawKey      = regexp.MustCompile(`(^|\s)(window|unit|label|report|finding|glossary)\.[a-z0-9_.]+`)
	unfilled    = regexp.MustCompile(`\{[a-z][a-z0-9_]*\}`)
	markupTexts = regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)
)

// TestWindowWordsInEveryLanguage: every window.* text of a language other
// than English is its own, not English's, but for the allow-listed names.
func TestWindowWordsInEveryLanguage(t *testing.T) {
	en := i18n.English()
	for _, lang := range i18n.Languages {
		if lang == "en" {
			continue
		}
		w := i18n.MustLoad(lang)
		for _, k := range en.Keys("window.") {
			e, _ := en.Raw(k)
			s, ok := w.Raw(k)
			if ok && s == e && !slices.Contains(sameInEveryLanguage, e) {
				t.Errorf("%s: %s is left in English: %q", lang, k, e)
			}
		}
	}
}

// TestEveryScreenInEveryLanguage walks every screen of the wizard, with
// its settings open, a check that fails through a company proxy, the idle
// and browser tests waiting and then skipped, in every language, and
// reads what is on screen: no catalogue key shows instead of its text,
// no {placeholder} is left unfilled, and nothing is English in another
// language but the allow-listed names and what the test itself typed.
func TestEveryScreenInEveryLanguage(t *testing.T) {
	english := map[string][]string{}
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			screens := walkScreens(t, lang)
			for name, texts := range screens {
				for _, s := range texts {
					switch {
					case rawKey.MatchString(s):
						t.Errorf("%s %s: a key is on screen: %q", lang, name, s)
					case unfilled.MatchString(s):
						t.Errorf("%s %s: a placeholder is not filled: %q", lang, name, s)
					case lang != "en" && slices.Contains(english[name], s) && !slices.Contains(sameInEveryLanguage, s) &&
						!shownSameInEveryLanguage.MatchString(s):
						t.Errorf("%s %s: left in English: %q", lang, name, s)
					}
				}
			}
			if lang == "en" {
				english = screens
			}
		})
	}
}

// walkScreens is the texts on each screen of a run in lang, by screen.
func walkScreens(t *testing.T, lang string) map[string][]string {
	t.Helper()
	f := &fake{fail: map[string]engine.Status{"upgrade": engine.Fail, "echo": engine.Skip}}
	diag := func(out engine.Outcome) []diagnose.Finding { return translatedFindings(lang, fakeDiagnose(out)) }
	if lang == "en" {
		diag = fakeDiagnose
	}
	f.words = diagnose.MustCatalogue(lang)
	wait := func(ctx context.Context, run *session.Run) *session.Run { <-ctx.Done(); return run }
	h := newHarness(t, Engine{
		Check:      f.with(diag, companyEnv).check,
		Connection: companyProxy,
		Idle:       func(ctx context.Context, run *session.Run, _ time.Duration) *session.Run { return wait(ctx, run) },
		Browser: func(ctx context.Context, run *session.Run, _ func(string)) (*session.Run, error) {
			return wait(ctx, run), ctx.Err()
		},
		Preset: Preset{Address: "wss://chat.example.com/socket", ProductName: "Example Chat",
			SupportEmail: "help@example.com", SupportURL: "https://example.com/help", IdleRequired: time.Minute},
		Words:     i18n.MustLoad(lang),
		Catalogue: diagnose.MustCatalogue(lang),
	})
	h.w.Resize(fyne.NewSize(1000, 2000))
	h.z.share.folder.SetText("/home/you/Documents")
	out := map[string][]string{}
	shot := func(name string) {
		for _, m := range markupTexts.FindAllStringSubmatch(test.RenderToMarkup(h.w.Canvas()), -1) {
			out[name] = append(out[name], strings.TrimSpace(html.UnescapeString(m[1])))
		}
	}
	shot("welcome")
	h.z.welcome.advanced.Open(0)
	shot("welcome-advanced")
	h.z.welcome.advanced.Close(0)
	h.z.welcome.address.SetText("htp://chat.example.com")
	shot("welcome-bad-address")
	h.z.welcome.address.SetText("wss://chat.example.com/socket")
	test.Tap(h.z.welcome.check)
	h.atStep(StepConnection)
	h.until("the connection", func() bool { return h.z.env != nil })
	shot("connection")
	test.Tap(h.z.conn.start)
	h.atStep(StepResult)
	h.z.show(StepChecking)
	shot("checking")
	h.z.show(StepResult)
	test.Tap(h.z.result.browser.start)
	shot("result-waiting")
	test.Tap(h.z.result.idleSkip)
	test.Tap(h.z.result.browser.skip)
	h.until("the skips", func() bool { return !h.z.idleBusy && !h.z.result.browser.busy })
	shot("result")
	test.Tap(h.z.next)
	shot("fix")
	test.Tap(h.z.next)
	shot("share")
	test.Tap(h.z.share.copy)
	shot("share-copied")
	test.Tap(h.z.share.again)
	test.Tap(h.z.about)
	shot("about")
	h.w.Canvas().Overlays().Remove(h.w.Canvas().Overlays().Top())
	// Fixed: the check runs again and works, and the idle test starts.
	f.fail = nil
	test.Tap(h.z.welcome.check)
	h.atStep(StepConnection)
	test.Tap(h.z.conn.start)
	h.atStep(StepResult)
	shot("result-again")
	test.Tap(h.z.next)
	h.atStep(StepShare)
	test.Tap(h.z.share.save)
	shot("share-idle-running")
	h.z.show(StepResult)
	test.Tap(h.z.result.idleSkip)
	h.until("the skip", func() bool { return !h.z.idleBusy })
	shot("result-idle-skipped")
	return out
}

// TestNumbersInTheLanguage: probe times and countdowns are written in the
// window's language, with the window's own rounding.
func TestNumbersInTheLanguage(t *testing.T) {
	for _, c := range []struct {
		lang        string
		d           time.Duration
		probe, span string
	}{
		{"en", 400 * time.Microsecond, "< 1 ms", "0 s"},
		{"en", 15 * time.Millisecond, "15 ms", "0 s"},
		{"en", 12500 * time.Millisecond, "12.5 s", "13 s"},
		{"de", 12500 * time.Millisecond, "12,5 s", "13 s"},
		{"de", 90 * time.Second, "90,0 s", "1 min 30 s"},
		{"fr", 12500 * time.Millisecond, "12,5 s", "13 s"},
		{"ja", 1500 * time.Millisecond, "1500ミリ秒", "2秒"},
		{"zh-Hans", 2 * time.Minute, "120.0秒", "2分钟"},
	} {
		l := languageOf(Engine{Words: i18n.MustLoad(c.lang)})
		if got := l.probeTime(c.d); got != c.probe {
			t.Errorf("%s probeTime(%s) = %q, want %q", c.lang, c.d, got, c.probe)
		}
		if got := l.Span(c.d); got != c.span {
			t.Errorf("%s Span(%s) = %q, want %q", c.lang, c.d, got, c.span)
		}
	}
}
