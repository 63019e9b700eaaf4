package ui

import "fyne.io/fyne/v2"

// atLeast lays its objects over each other, at least w wide: a column that
// keeps its width for short texts and grows for a longer one (Japanese
// "1ミリ秒未満"), so the text never runs into its neighbour.
type atLeast struct{ w float32 }

func (a atLeast) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(a.w, 0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		s = s.Max(o.MinSize())
	}
	return s
}

func (a atLeast) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
