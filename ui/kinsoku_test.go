package ui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// TestNoLineStartsWithClosingPunctuation wraps every Japanese and Chinese
// text of the window and the findings the way the window does (wrapped)
// at widths from 263 px up, with the carried fonts, and fails on a line
// that starts with closing punctuation ("。" alone at the start of a
// line). (Narrower, a unit such as "（{auth_scheme}）。" can be wider than
// a line and must be broken inside.)
func TestNoLineStartsWithClosingPunctuation(t *testing.T) {
	a := test.NewTempApp(t)
	for _, lang := range []string{"ja", "zh-Hans"} {
		a.Settings().SetTheme(Theme(lang))
		w := i18n.MustLoad(lang)
		var texts []string
		for _, prefix := range []string{"window.", "finding."} {
			for _, k := range w.Keys(prefix) {
				s, _ := w.Raw(k)
				if utf8.RuneCountInString(s) > 12 && strings.ContainsAny(s, noLineStart) {
					texts = append(texts, s)
				}
			}
		}
		win := a.NewWindow("wrap")
		bad := 0
		for width := float32(263); width <= 720; width += 111 {
			for _, s := range texts {
				l := wrapped(s)
				win.SetContent(container.NewWithoutLayout(l))
				l.Resize(fyne.NewSize(width, l.MinSize().Height))
				l.Resize(fyne.NewSize(width, l.MinSize().Height))
				for _, o := range test.LaidOutObjects(l) {
					txt, ok := o.(*canvas.Text)
					if !ok || txt.Text == "" {
						continue
					}
					first, _ := utf8.DecodeRuneInString(strings.TrimLeft(txt.Text, breakHere+" "))
					if strings.ContainsRune(noLineStart, first) && bad < 10 {
						bad++
						t.Errorf("%s at %.0f px: a line starts with %q: %q (in %q)", lang, width, first, txt.Text, s)
					}
				}
			}
		}
		win.Close()
	}
}

// TestBreakHereTakesNoRoom: the mark costs no width in the carried fonts
// (it would show as a gap, or as a box from another font).
func TestBreakHereTakesNoRoom(t *testing.T) {
	a := test.NewTempApp(t)
	for _, lang := range []string{"ja", "zh-Hans"} {
		th := Theme(lang)
		a.Settings().SetTheme(th)
		style := fyne.TextStyle{}
		plain := fyne.MeasureText("接続できません。別の", th.Size("text"), style)
		marked := fyne.MeasureText(breakable("接続できません。別の"), th.Size("text"), style)
		if marked.Width > plain.Width+0.5 {
			t.Errorf("%s: the break marks make the text %.1f px wider", lang, marked.Width-plain.Width)
		}
	}
}

func TestBreakable(t *testing.T) {
	for in, want := range map[string]string{
		"接続できません。別のネットワークで試してください。": "接続できませ" + breakHere + "ん。" + breakHere + "別のネットワークで試してくださ" + breakHere + "い。",
		"（例）、「はい」":                "（例）、" + breakHere + "「は" + breakHere + "い」",
		"Live connections work…":  "Live connections work…",
		"Testing the connection…": "Testing the connection…",
	} {
		if got := breakable(in); got != want {
			t.Errorf("breakable(%q) = %q, want %q", in, got, want)
		}
	}
}
