package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// hopState is how a hop is drawn.
type hopState int

const (
	hopOK      hopState = iota // reached and passed
	hopFail                    // where it stops
	hopUnknown                 // after the failure, or not reached
	hopAddress                 // a web page's host: the live connection's address is needed
)

// hop is one box of the path picture.
type hop struct {
	Kind   diagnose.HopKind
	Label  string
	Detail string
	State  hopState
}

// pathOf is the path picture of a run: the diagnosis's connection path,
// the same one every report draws.
func pathOf(run *shownRun) []hop {
	var hops []hop
	for _, h := range run.Path.Hops {
		st := hopOK
		switch h.State {
		case diagnose.HopStops:
			st = hopFail
		case diagnose.HopUnknown:
			st = hopUnknown
			if run.Path.Why == diagnose.IDAddressNeeded && h.Kind == diagnose.HopService {
				st = hopAddress
			}
		}
		hops = append(hops, hop{Kind: h.Kind, Label: h.Label, Detail: h.Detail, State: st})
	}
	return hops
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// hopIcon is the picture in each hop's box.
func hopIcon(k diagnose.HopKind) fyne.Resource {
	switch k {
	case diagnose.HopComputer:
		return theme.ComputerIcon()
	case diagnose.HopVPN:
		return theme.VisibilityOffIcon()
	case diagnose.HopProxy:
		return theme.MailForwardIcon()
	case diagnose.HopInternet:
		return theme.GridIcon()
	}
	return theme.StorageIcon()
}

// pathView draws the path as boxes joined by lines: a small custom widget
// so the picture scales with the window and follows the theme.
type pathView struct {
	widget.BaseWidget
	hops []hop
	// stopsHere marks the hop where the connection stops, addressNeeded
	// the service of a web page's address.
	stopsHere, addressNeeded string
}

func newPathView(stopsHere, addressNeeded string) *pathView {
	p := &pathView{stopsHere: stopsHere, addressNeeded: addressNeeded}
	p.ExtendBaseWidget(p)
	return p
}

// SetHops replaces the picture.
func (p *pathView) SetHops(h []hop) {
	p.hops = h
	p.Refresh()
}

func (p *pathView) CreateRenderer() fyne.WidgetRenderer {
	r := &pathRenderer{p: p}
	r.rebuild()
	return r
}

type hopBox struct {
	bg     *canvas.Rectangle
	icon   *widget.Icon
	label  *canvas.Text
	detail *canvas.Text
	mark   *canvas.Text
}

type pathRenderer struct {
	p     *pathView
	boxes []hopBox
	lines []*canvas.Line
	objs  []fyne.CanvasObject
	built []hop
}

const (
	pathGap     = 28
	pathBoxH    = 92
	pathMarkGap = 4
)

func (r *pathRenderer) rebuild() {
	r.boxes, r.lines, r.objs = nil, nil, nil
	r.built = append([]hop(nil), r.p.hops...)
	for i, h := range r.p.hops {
		if i > 0 {
			l := canvas.NewLine(color.Transparent)
			l.StrokeWidth = 3
			r.lines = append(r.lines, l)
			r.objs = append(r.objs, l)
		}
		b := hopBox{
			bg:     canvas.NewRectangle(color.Transparent),
			icon:   widget.NewIcon(hopIcon(h.Kind)),
			label:  canvas.NewText(h.Label, color.Black),
			detail: canvas.NewText(h.Detail, color.Black),
			mark:   canvas.NewText("", color.Black),
		}
		b.bg.CornerRadius = theme.InputRadiusSize() * 2
		b.bg.StrokeWidth = 2
		b.label.TextStyle.Bold = true
		b.label.Alignment = fyne.TextAlignCenter
		b.detail.Alignment = fyne.TextAlignCenter
		b.mark.Alignment = fyne.TextAlignCenter
		b.mark.TextStyle.Bold = true
		r.boxes = append(r.boxes, b)
		r.objs = append(r.objs, b.bg, b.icon, b.label, b.detail, b.mark)
	}
	r.applyTheme()
}

func (r *pathRenderer) applyTheme() {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	th := r.p.Theme()
	col := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
	size := th.Size(theme.SizeNameText)
	for i, b := range r.boxes {
		h := r.built[i]
		b.bg.FillColor = col(theme.ColorNameInputBackground)
		b.label.Color = col(theme.ColorNameForeground)
		// Full contrast for every word: a hop not reached is told by its grey
		// frame and icon, not by grey text few can read.
		b.detail.Color = col(theme.ColorNameForeground)
		b.label.TextSize = size
		b.detail.TextSize = size * 0.85
		b.mark.TextSize = size * 0.9
		b.mark.Text = ""
		b.bg.StrokeWidth = 2
		switch h.State {
		case hopOK:
			b.bg.StrokeColor = col(theme.ColorNameSuccess)
		case hopFail:
			b.bg.StrokeColor = col(theme.ColorNameError)
			b.bg.StrokeWidth = 4
			b.mark.Text = "× " + r.p.stopsHere
			b.mark.Color = col(theme.ColorNameError)
		case hopAddress:
			b.bg.StrokeColor = col(theme.ColorNameWarning)
			b.bg.StrokeWidth = 3
			b.mark.Text = "? " + r.p.addressNeeded
			b.mark.Color = col(theme.ColorNameForeground)
		default:
			b.bg.StrokeColor = col(theme.ColorNameDisabled)
		}
		b.label.Text, b.detail.Text = h.Label, h.Detail
		if w := b.bg.Size().Width; w > 0 {
			b.detail.Text, b.detail.TextSize = fitDetail(h.Detail, b.detail.TextSize, w-theme.Padding()*2)
		}
	}
	for i, l := range r.lines {
		// A line is green when both ends were passed, red into the failure.
		switch {
		case r.built[i+1].State == hopFail:
			l.StrokeColor = col(theme.ColorNameError)
		case r.built[i+1].State == hopOK:
			l.StrokeColor = col(theme.ColorNameSuccess)
		default:
			l.StrokeColor = col(theme.ColorNameDisabled)
		}
	}
}

// fitDetail fits a hop's detail (a proxy's host:port) in width: smaller
// text first, down to 70% of size, so a long proxy name is read whole;
// shortened with an ellipsis only past that.
func fitDetail(s string, size, width float32) (string, float32) {
	for sz := size; sz >= size*0.7; sz -= size * 0.05 {
		if fyne.MeasureText(s, sz, fyne.TextStyle{}).Width <= width {
			return s, sz
		}
	}
	return fitText(s, size*0.7, width), size * 0.7
}

// fitText shortens s with an ellipsis until it fits width at size.
func fitText(s string, size, width float32) string {
	r := []rune(s)
	for n := len(r); n > 1; n-- {
		t := string(r[:n])
		if n < len(r) {
			t += "…"
		}
		if fyne.MeasureText(t, size, fyne.TextStyle{}).Width <= width {
			return t
		}
	}
	return ""
}

func (r *pathRenderer) Layout(size fyne.Size) {
	n := len(r.boxes)
	if n == 0 {
		return
	}
	pad := theme.Padding()
	w := (size.Width - float32(n-1)*pathGap) / float32(n)
	iconSize := float32(32)
	lineH := r.boxes[0].label.MinSize().Height
	for i, b := range r.boxes {
		x := float32(i) * (w + pathGap)
		b.bg.Move(fyne.NewPos(x, 0))
		b.bg.Resize(fyne.NewSize(w, pathBoxH))
		b.icon.Move(fyne.NewPos(x+(w-iconSize)/2, pad*2))
		b.icon.Resize(fyne.NewSize(iconSize, iconSize))
		b.label.Move(fyne.NewPos(x, pad*2+iconSize+pad))
		b.label.Resize(fyne.NewSize(w, lineH))
		b.detail.Text, b.detail.TextSize = fitDetail(r.built[i].Detail, theme.TextSize()*0.85, w-pad*2)
		b.detail.Move(fyne.NewPos(x, pad*2+iconSize+pad+lineH))
		b.detail.Resize(fyne.NewSize(w, b.detail.MinSize().Height))
		b.mark.Move(fyne.NewPos(x, pathBoxH+pathMarkGap))
		b.mark.Resize(fyne.NewSize(w, b.mark.MinSize().Height))
		if i > 0 {
			l := r.lines[i-1]
			l.Position1 = fyne.NewPos(x-pathGap+2, pathBoxH/2)
			l.Position2 = fyne.NewPos(x-2, pathBoxH/2)
		}
	}
}

func (r *pathRenderer) MinSize() fyne.Size {
	n := len(r.boxes)
	markH := float32(0)
	if n > 0 {
		markH = r.boxes[0].mark.MinSize().Height
		if markH == 0 {
			markH = theme.TextSize()
		}
	}
	return fyne.NewSize(float32(n)*90+float32(max(n-1, 0))*pathGap, pathBoxH+pathMarkGap+markH)
}

func (r *pathRenderer) Refresh() {
	if !sameHops(r.built, r.p.hops) {
		r.rebuild()
		r.Layout(r.p.Size())
	} else {
		r.applyTheme()
	}
	for _, o := range r.objs {
		o.Refresh()
	}
}

func sameHops(a, b []hop) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (r *pathRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *pathRenderer) Destroy()                     {}
