package ui

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// placedText is a text on screen with its rectangle in window coordinates.
type placedText struct {
	text     string
	pos, end fyne.Position
	need     float32
	box      bool // a button's face, which hides what is under it
}

// visibleTexts walks o as painted: every visible canvas.Text with its
// place in the window. Texts scrolled out of a scroller's view are left
// out.
func visibleTexts(o fyne.CanvasObject, at fyne.Position, clip [2]fyne.Position, out *[]placedText) {
	if o == nil || !o.Visible() {
		return
	}
	p := at.Add(o.Position())
	end := p.Add(fyne.NewPos(o.Size().Width, o.Size().Height))
	switch x := o.(type) {
	case *canvas.Text:
		if x.Text == "" || x.Size().Width == 0 || end.Y <= clip[0].Y || p.Y >= clip[1].Y {
			return
		}
		// What a scroller shows of a text is cut by its edge, not hidden
		// under the next thing.
		need := x.MinSize().Width
		p, end = maxPos(p, clip[0]), minPos(end, clip[1])
		*out = append(*out, placedText{text: x.Text, pos: p, end: end, need: need})
		return
	case *fyne.Container:
		for _, c := range x.Objects {
			visibleTexts(c, p, clip, out)
		}
		return
	case fyne.Widget:
		if b, ok := buttonOf(x); ok && end.Y > clip[0].Y && p.Y < clip[1].Y {
			*out = append(*out, placedText{text: "button " + b.Text, pos: maxPos(p, clip[0]), end: minPos(end, clip[1]), box: true})
		}
		if strings.HasSuffix(reflect.TypeOf(x).String(), "Scroll") {
			// A scroller shows its content inside its own rectangle.
			clip = [2]fyne.Position{maxPos(clip[0], p), minPos(clip[1], end)}
		}
		for _, c := range test.WidgetRenderer(x).Objects() {
			visibleTexts(c, p, clip, out)
		}
	}
}

// buttonOf is the widget.Button of w, if it is one or wraps one.
func buttonOf(w fyne.Widget) (*widget.Button, bool) {
	switch b := w.(type) {
	case *widget.Button:
		return b, true
	case *button:
		return &b.Button, true
	}
	return nil, false
}

// inside reports whether t lies within box.
func inside(t, box placedText) bool {
	return t.pos.X >= box.pos.X-1 && t.pos.Y >= box.pos.Y-1 && t.end.X <= box.end.X+1 && t.end.Y <= box.end.Y+1
}

func maxPos(a, b fyne.Position) fyne.Position {
	return fyne.NewPos(max(a.X, b.X), max(a.Y, b.Y))
}

func minPos(a, b fyne.Position) fyne.Position {
	return fyne.NewPos(min(a.X, b.X), min(a.Y, b.Y))
}

// layoutProblems lists the texts of the window that are cut (narrower
// than their words) or that overlap another text, and a window that
// needs more room than it has.
func layoutProblems(w fyne.Window, l language) []string {
	var texts []placedText
	size := w.Canvas().Size()
	visibleTexts(w.Content(), fyne.Position{}, [2]fyne.Position{{}, {X: size.Width, Y: size.Height}}, &texts)
	var out []string
	var own []string
	for _, k := range l.Keys("window.") {
		s, _ := l.Raw(k)
		own = append(own, s)
	}
	for i, a := range texts {
		// Fyne lays some texts (a radio item's) a few pixels narrower than
		// they draw; more than that is cut.
		if !a.box && a.need > a.end.X-a.pos.X+12 {
			out = append(out, fmt.Sprintf("%q is cut: %.0f px wide, needs %.0f", a.text, a.end.X-a.pos.X, a.need))
		}
		if !a.box && strings.HasSuffix(a.text, "…") && !slices.ContainsFunc(own, func(s string) bool { return strings.HasSuffix(s, a.text) }) {
			out = append(out, fmt.Sprintf("%q is cut short", a.text))
		}
		if a.end.X > size.Width+1 {
			out = append(out, fmt.Sprintf("%q runs out of the window", a.text))
		}
		for _, b := range texts[i+1:] {
			if a.box && inside(b, a) || b.box && inside(a, b) {
				continue // a button's own label
			}
			// Overlap by more than a pixel of both axes.
			ox := min(a.end.X, b.end.X) - max(a.pos.X, b.pos.X)
			oy := min(a.end.Y, b.end.Y) - max(a.pos.Y, b.pos.Y)
			if ox > 1 && oy > 1 {
				out = append(out, fmt.Sprintf("%q overlaps %q", a.text, b.text))
			}
		}
	}
	if m := w.Content().MinSize(); m.Width > size.Width+1 || m.Height > size.Height+1 {
		out = append(out, fmt.Sprintf("the window needs %.0fx%.0f, it has %.0fx%.0f", m.Width, m.Height, size.Width, size.Height))
	}
	return out
}

// pseudo makes a text of the pseudo-locale: accented, 40% longer, with
// its placeholders kept, so that a screen that fits it fits the
// languages whose words are longer than English.
func pseudo(s string) string {
	if s == "" {
		return s
	}
	accents := map[rune]rune{'a': 'á', 'e': 'ë', 'i': 'î', 'o': 'ö', 'u': 'ü', 'A': 'Å', 'E': 'É', 'O': 'Ø', 'c': 'ç', 'n': 'ñ', 'y': 'ÿ'}
	var b strings.Builder
	inName := false
	for _, r := range s {
		switch r {
		case '{':
			inName = true
		case '}':
			inName = false
		}
		if a, ok := accents[r]; ok && !inName {
			r = a
		}
		b.WriteRune(r)
	}
	// A placeholder counts as two letters, as long as the printf verb
	// ("%s") it replaced, so the padding, and the goldens, stayed as they
	// were.
	pad := (utf8.RuneCountInString(i18nPlaceholder.ReplaceAllString(s, "%s"))*4 + 9) / 10
	return "[" + b.String() + " " + strings.Repeat("·", max(pad-3, 1)) + "]"
}

// i18nPlaceholder is a named value in a catalogue's text, "{host}".
var i18nPlaceholder = regexp.MustCompile(`\{[a-z][a-z0-9_]*\}`)

// pseudoWords is English with every text of the window, its headlines
// and its units made pseudo.
func pseudoWords(t *testing.T) *i18n.Words {
	t.Helper()
	en := i18n.English()
	texts := map[string]string{}
	for _, k := range en.Keys("") {
		s, _ := en.Raw(k)
		if strings.HasPrefix(k, "window.") || strings.HasPrefix(k, "headline.") || strings.HasPrefix(k, "unit.") && k != "unit.date_layout" {
			s = pseudo(s)
		}
		texts[k] = s
	}
	b, err := json.Marshal(texts)
	if err != nil {
		t.Fatal(err)
	}
	w, err := i18n.LoadFS(fstest.MapFS{"en/all.json": {Data: b}}, "en")
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// translatedFindings gives the fake findings the words of the catalogue
// of the window's language, or pseudo words, for the goldens of other
// languages.
func translatedFindings(lang string, fs []diagnose.Finding) []diagnose.Finding {
	fill := strings.NewReplacer("{host}", "chat.example.com", "{proxy}", "proxy.corp.example:8080",
		"{host_and_subaddresses}", "chat.example.com", "{idle_limit}", "60", "{idle_needed}", "120")
	out := make([]diagnose.Finding, len(fs))
	for i, f := range fs {
		if lang == "pseudo" {
			f.Title, f.Explanation = pseudo(f.Title), pseudo(f.Explanation)
			steps := make([]string, len(f.Steps))
			for j, s := range f.Steps {
				steps[j] = pseudo(s)
			}
			f.Steps = steps
		} else if t, ok := diagnose.MustCatalogue(lang).Findings[f.ID]; ok {
			f.Title, f.Explanation = fill.Replace(t.Title), fill.Replace(t.Explanation)
			f.Steps = nil
			for _, s := range t.Steps {
				f.Steps = append(f.Steps, fill.Replace(s))
			}
		}
		out[i] = f
	}
	return out
}
