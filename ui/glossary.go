package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// glossaryFor is the "What do these words mean?" fold of a finding card or
// a step: the glossary's sentence for each technical word the texts use,
// or nil when they use none.
func (l language) glossaryFor(texts ...string) *widget.Accordion {
	terms := l.cat.TermsIn(texts...)
	if len(terms) == 0 {
		return nil
	}
	lines := make([]string, 0, len(terms))
	for _, t := range terms {
		lines = append(lines, "• "+t.Text)
	}
	body := wrapped(strings.Join(lines, "\n"))
	return widget.NewAccordion(widget.NewAccordionItem(l.T("window.result.words_mean"), container.NewPadded(body)))
}

// glossaryBox holds a glossary fold that changes with the text it
// explains (the Fix it screen's step).
type glossaryBox struct {
	lang language
	box  *fyne.Container
}

func newGlossaryBox(l language) *glossaryBox {
	return &glossaryBox{lang: l, box: container.NewVBox()}
}

// set shows the fold for texts, or nothing.
func (g *glossaryBox) set(texts ...string) {
	g.box.RemoveAll()
	if a := g.lang.glossaryFor(texts...); a != nil {
		g.box.Add(a)
	}
}
