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

// besideLine lays its objects out at their own size, centred on the first
// line of a label beside them (its height as it is now, whatever the
// theme): a row's picture sits by its name, not halfway down a detail
// line.
type besideLine struct{ label fyne.CanvasObject }

func (b besideLine) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(0, b.label.MinSize().Height)
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

func (b besideLine) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	h := b.label.MinSize().Height
	for _, o := range objs {
		m := o.MinSize()
		o.Resize(m)
		o.Move(fyne.NewPos((size.Width-m.Width)/2, max(0, (h-m.Height)/2)))
	}
}
