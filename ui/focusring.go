package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// colorNameFocusRing is the theme's colour of the ring around the button
// that has the keyboard; colorNameEdge the outline of a button that has
// no strong fill of its own. Both stand out at least 3:1 from the window
// behind them (WCAG 2.2, 1.4.11 and 2.4.11; contrast_test.go).
const (
	colorNameFocusRing fyne.ThemeColorName = "wsdoctorFocusRing"
	colorNameEdge      fyne.ThemeColorName = "wsdoctorEdge"
)

// ringWidth and ringGap are the focus ring's line and its distance from
// the button, so that the window's background lies between the two and
// the ring is seen even on the blue primary button.
const (
	ringWidth = 2
	ringGap   = 2
)

// FocusGained shows the ring.
func (b *button) FocusGained() {
	b.hasFocus = true
	b.Button.FocusGained()
}

// FocusLost hides the ring.
func (b *button) FocusLost() {
	b.hasFocus = false
	b.Button.FocusLost()
}

// CreateRenderer draws Fyne's button with an outline (when its fill is
// faint) and a ring while it has the keyboard.
func (b *button) CreateRenderer() fyne.WidgetRenderer {
	edge := canvas.NewRectangle(color.Transparent)
	edge.StrokeWidth = 1
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeWidth = ringWidth
	r := &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), b: b, edge: edge, ring: ring}
	r.style()
	return r
}

type ringRenderer struct {
	fyne.WidgetRenderer
	b          *button
	edge, ring *canvas.Rectangle
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(append([]fyne.CanvasObject{}, r.WidgetRenderer.Objects()...), r.edge, r.ring)
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.edge.Move(fyne.NewPos(0, 0))
	r.edge.Resize(size)
	out := float32(ringGap + ringWidth)
	r.ring.Move(fyne.NewPos(-out, -out))
	r.ring.Resize(size.AddWidthHeight(2*out, 2*out))
}

func (r *ringRenderer) Refresh() {
	r.style()
	r.WidgetRenderer.Refresh()
	r.edge.Refresh()
	r.ring.Refresh()
}

// style colours the outline and the ring from the theme and shows the
// ring while the button has the keyboard.
func (r *ringRenderer) style() {
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	radius := th.Size(theme.SizeNameInputRadius)
	r.edge.CornerRadius = radius
	r.ring.CornerRadius = radius + ringGap + ringWidth
	r.edge.StrokeColor = themeColor(th, colorNameEdge, v)
	r.edge.Hidden = r.b.Importance == widget.HighImportance || r.b.Disabled()
	r.ring.StrokeColor = themeColor(th, colorNameFocusRing, v)
	r.ring.Hidden = !r.b.hasFocus
}

// themeColor is th's colour n, or this app's own when th is another theme
// (a test's).
func themeColor(th fyne.Theme, n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if _, ok := th.(bigText); !ok {
		return bigText{Theme: th}.Color(n, v)
	}
	return th.Color(n, v)
}

// pressHighlighted presses the screen's highlighted button (the one with
// high importance, shown and enabled), as Enter does, and reports whether
// there was one.
func pressHighlighted(screen fyne.CanvasObject) bool {
	if b := highlighted(screen); b != nil {
		b.Tapped(nil)
		return true
	}
	return false
}

// highlighted is the first shown, enabled button of high importance in o.
func highlighted(o fyne.CanvasObject) *button {
	if o == nil || !o.Visible() {
		return nil
	}
	switch o := o.(type) {
	case *button:
		if o.Importance == widget.HighImportance && !o.Disabled() {
			return o
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			if b := highlighted(c); b != nil {
				return b
			}
		}
	case *container.Scroll:
		return highlighted(o.Content)
	case *widget.Card:
		return highlighted(o.Content)
	}
	return nil
}

// closeTop hides the topmost dialog or pop-up over c (About, a file
// dialog) and reports whether there was one: Escape closes that first,
// never the page behind it.
func closeTop(c fyne.Canvas) bool {
	top := c.Overlays().Top()
	if top == nil {
		return false
	}
	top.Hide()
	if c.Overlays().Top() == top {
		c.Overlays().Remove(top)
	}
	return true
}
