package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// The timeline's measures, in Fyne's units.
const (
	laneHeight = 20 // a connection's lane
	laneGap    = 8  // between lanes
	markWidth  = 4  // a drop's red mark, drawn
	markHit    = 14 // a drop's mark, where a pointer finds it
	minBand    = 10 // a change's grey band, at least: wider than a drop's mark at the same time
)

// bandAlpha is the grey bands' opacity: the foreground colour at a
// quarter, grey on the background, darker over the green.
const bandAlpha = 0x48

// withAlpha is c at opacity a.
func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

// minTimelineSpan is the shortest time the axis spans: a watch of a few
// seconds is drawn on a minute, growing from the left.
const minTimelineSpan = time.Minute

// tickSteps are the time axis' steps, the shortest whose labels fit
// first.
var tickSteps = []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute,
	10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 6 * time.Hour, 12 * time.Hour}

// timeline draws a watch's log with Fyne's canvas primitives: one lane per
// connection, labelled in the person's words, green while it was open, a
// red mark at each drop; grey bands across the lanes where the network
// changed or the computer slept; a time axis of clock times. Pointing at
// or tapping a mark shows what it was in a line above the lanes, like a
// tooltip.
type timeline struct {
	widget.BaseWidget
	l   language
	log engine.WatchLog
	now time.Time
	// tip is what the mark pointed at says, at x; "" for none.
	tip  string
	tipX float32
}

func newTimeline(l language) *timeline {
	t := &timeline{l: l}
	t.ExtendBaseWidget(t)
	return t
}

// set draws log up to now, the timeline's right end.
func (t *timeline) set(log engine.WatchLog, now time.Time) {
	t.log, t.now = log, now
	if len(log.Events) == 0 {
		t.tip = ""
	}
	t.Refresh()
}

// showTip shows s above the lanes at x; "" hides it.
func (t *timeline) showTip(s string, x float32) {
	t.tip, t.tipX = s, x
	t.Refresh()
}

// span is the time the axis covers: from the watch's start to now, a
// minute at least.
func (t *timeline) span() (start, end time.Time) {
	start, end = t.log.Start, t.now
	if end.Before(start.Add(minTimelineSpan)) {
		end = start.Add(minTimelineSpan)
	}
	return start, end
}

func (t *timeline) CreateRenderer() fyne.WidgetRenderer {
	r := &timelineRenderer{t: t, tipBg: canvas.NewRectangle(color.Transparent), tipText: canvas.NewText("", color.Black)}
	for _, c := range engine.WatchConns {
		r.labels = append(r.labels, canvas.NewText(t.l.T("window.watch.lane."+c), color.Black))
		r.lanes = append(r.lanes, canvas.NewRectangle(color.Transparent))
	}
	r.axis = canvas.NewLine(color.Black)
	r.Refresh()
	return r
}

type timelineRenderer struct {
	t       *timeline
	labels  []*canvas.Text
	lanes   []*canvas.Rectangle
	axis    *canvas.Line
	tipBg   *canvas.Rectangle
	tipText *canvas.Text
	// What depends on the log and the size, made again on each layout.
	drawn []fyne.CanvasObject
	size  fyne.Size
}

func (r *timelineRenderer) colour(n fyne.ThemeColorName) color.Color {
	return r.t.Theme().Color(n, fyne.CurrentApp().Settings().ThemeVariant())
}

// labelWidth is the lane labels' column.
func (r *timelineRenderer) labelWidth() float32 {
	w := float32(0)
	for _, l := range r.labels {
		w = max(w, l.MinSize().Width)
	}
	return w + theme.Padding()*2
}

func (r *timelineRenderer) tipHeight() float32 {
	return fyne.MeasureText("Mg", theme.CaptionTextSize(), fyne.TextStyle{}).Height + theme.Padding()
}

func (r *timelineRenderer) axisHeight() float32 {
	return fyne.MeasureText("0", theme.CaptionTextSize(), fyne.TextStyle{}).Height + theme.Padding()
}

func (r *timelineRenderer) MinSize() fyne.Size {
	n := float32(len(engine.WatchConns))
	return fyne.NewSize(r.labelWidth()+240, r.tipHeight()+n*laneHeight+(n)*laneGap+r.axisHeight())
}

func (r *timelineRenderer) Layout(s fyne.Size) {
	r.size = s
	r.draw()
}

func (r *timelineRenderer) Refresh() {
	fg := r.colour(theme.ColorNameForeground)
	for _, l := range r.labels {
		l.Color = fg
		l.TextSize = theme.TextSize()
	}
	r.axis.StrokeColor = fg
	r.axis.StrokeWidth = 1
	r.tipText.Color = fg
	r.tipText.TextSize = theme.CaptionTextSize()
	r.tipBg.FillColor = r.colour(theme.ColorNameOverlayBackground)
	r.tipBg.StrokeColor = r.colour(theme.ColorNameForeground)
	r.tipBg.StrokeWidth = 1
	r.tipBg.CornerRadius = theme.InputRadiusSize()
	for _, l := range r.lanes {
		l.FillColor = r.colour(theme.ColorNameInputBackground)
		l.CornerRadius = 2
	}
	r.draw()
	canvas.Refresh(r.t)
}

// draw lays out the fixed parts and makes the marks of the log again.
func (r *timelineRenderer) draw() {
	t, s := r.t, r.size
	if s.Width <= 0 {
		return
	}
	lw := r.labelWidth()
	x0, x1 := lw, s.Width-theme.Padding()
	top := r.tipHeight()
	laneY := func(i int) float32 { return top + float32(i)*(laneHeight+laneGap) + laneGap/2 }
	for i, l := range r.labels {
		h := l.MinSize().Height
		l.Move(fyne.NewPos(0, laneY(i)+(laneHeight-h)/2))
		r.lanes[i].Move(fyne.NewPos(x0, laneY(i)))
		r.lanes[i].Resize(fyne.NewSize(x1-x0, laneHeight))
	}
	axisY := top + float32(len(r.lanes))*(laneHeight+laneGap)
	r.axis.Position1 = fyne.NewPos(x0, axisY)
	r.axis.Position2 = fyne.NewPos(x1, axisY)

	r.drawn = r.drawn[:0]
	if t.log.Start.IsZero() {
		r.tipText.Text = ""
		r.tipBg.Hide()
		return
	}
	start, end := t.span()
	span := end.Sub(start)
	xOf := func(at time.Time) float32 {
		f := float32(at.Sub(start)) / float32(span)
		return x0 + max(0, min(f, 1))*(x1-x0)
	}
	l := t.l

	// Green while open, one lane per connection.
	green := r.colour(theme.ColorNameSuccess)
	for i, c := range engine.WatchConns {
		var open time.Time
		seen := false
		segment := func(from, to time.Time) {
			a, b := xOf(from), xOf(to)
			if b-a < 1 {
				return
			}
			g := canvas.NewRectangle(green)
			g.CornerRadius = 2
			g.Move(fyne.NewPos(a, laneY(i)+3))
			g.Resize(fyne.NewSize(b-a, laneHeight-6))
			r.drawn = append(r.drawn, g)
		}
		for _, e := range t.log.Events {
			if e.Conn != c {
				continue
			}
			switch e.Kind {
			case engine.WatchOpen:
				open, seen = e.At, true
			case engine.WatchDrop:
				if !seen {
					// Opened before what the log holds: at the start,
					// or its age before the drop.
					open = start
					if o := e.At.Add(-e.Age); e.Age > 0 && o.After(start) {
						open = o
					}
				}
				if !open.IsZero() {
					segment(open, e.At)
				}
				open, seen = time.Time{}, true
			}
		}
		if !open.IsZero() {
			segment(open, t.now)
		}
	}

	// Grey bands over the green, under the red marks: network changes
	// and sleep, see-through so the lanes show under them.
	band := withAlpha(r.colour(theme.ColorNameForeground), bandAlpha)
	for _, e := range t.log.Events {
		var from time.Time
		switch e.Kind {
		case engine.WatchChange:
			from = e.At
		case engine.WatchSleep:
			from = e.At.Add(-e.Took)
		default:
			continue
		}
		a, b := xOf(from), xOf(e.At)
		if b-a < minBand {
			a, b = (a+b-minBand)/2, (a+b+minBand)/2
		}
		m := newTimelineMark(t, l.watchTip(e), band)
		m.Move(fyne.NewPos(a, laneY(0)-laneGap/2))
		m.Resize(fyne.NewSize(b-a, axisY-laneY(0)+laneGap/2))
		r.drawn = append(r.drawn, m)
	}

	// A red mark at each drop, over the green.
	red := r.colour(theme.ColorNameError)
	for _, e := range t.log.Events {
		if e.Kind != engine.WatchDrop {
			continue
		}
		i := connIndex(e.Conn)
		if i < 0 {
			continue
		}
		m := newTimelineMark(t, l.watchTip(e), red)
		m.drop = true
		x := xOf(e.At)
		m.Move(fyne.NewPos(x-markHit/2, laneY(i)-3))
		m.Resize(fyne.NewSize(markHit, laneHeight+6))
		r.drawn = append(r.drawn, m)
	}

	// The time axis: a tick and a clock time at each step that fits.
	capSize := theme.CaptionTextSize()
	layout := "15:04"
	step := tickSteps[len(tickSteps)-1]
	for _, st := range tickSteps {
		if st < time.Minute {
			layout = "15:04:05"
		} else {
			layout = "15:04"
		}
		w := fyne.MeasureText(start.Format(layout), capSize, fyne.TextStyle{}).Width
		if float32(st)/float32(span)*(x1-x0) >= w*1.8 {
			step = st
			break
		}
	}
	if step >= time.Minute {
		layout = "15:04"
	}
	fg := r.colour(theme.ColorNameForeground)
	for at := start.Truncate(step); !at.After(end); at = at.Add(step) {
		if at.Before(start) {
			continue
		}
		x := xOf(at)
		tick := canvas.NewLine(fg)
		tick.StrokeWidth = 1
		tick.Position1, tick.Position2 = fyne.NewPos(x, axisY), fyne.NewPos(x, axisY+4)
		label := canvas.NewText(at.Local().Format(layout), fg)
		label.TextSize = capSize
		w := label.MinSize().Width
		lx := min(max(x-w/2, x0-w/2), s.Width-w)
		label.Move(fyne.NewPos(lx, axisY+4))
		r.drawn = append(r.drawn, tick, label)
	}

	// The tip, above the lanes.
	r.tipText.Text = t.tip
	if t.tip == "" {
		r.tipBg.Hide()
		r.tipText.Hide()
		return
	}
	ts := r.tipText.MinSize()
	p := theme.Padding() / 2
	tx := min(max(t.tipX-ts.Width/2, 0), s.Width-ts.Width-2*p)
	r.tipBg.Move(fyne.NewPos(tx, 0))
	r.tipBg.Resize(fyne.NewSize(ts.Width+2*p, top-1))
	r.tipText.Move(fyne.NewPos(tx+p, (top-1-ts.Height)/2))
	r.tipBg.Show()
	r.tipText.Show()
}

func (r *timelineRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, 2*len(r.lanes)+len(r.drawn)+3)
	for _, l := range r.lanes {
		objs = append(objs, l)
	}
	for _, l := range r.labels {
		objs = append(objs, l)
	}
	objs = append(objs, r.axis)
	objs = append(objs, r.drawn...)
	return append(objs, r.tipBg, r.tipText)
}

func (r *timelineRenderer) Destroy() {}

// connIndex is the lane of connection c, -1 for none.
func connIndex(c string) int {
	for i, n := range engine.WatchConns {
		if n == c {
			return i
		}
	}
	return -1
}

// timelineMark is a drop's red mark or a change's grey band: pointing at
// it or tapping it shows its tip above the lanes.
type timelineMark struct {
	widget.BaseWidget
	t    *timeline
	tip  string
	fill color.Color
	drop bool
}

func newTimelineMark(t *timeline, tip string, fill color.Color) *timelineMark {
	m := &timelineMark{t: t, tip: tip, fill: fill}
	m.ExtendBaseWidget(m)
	return m
}

func (m *timelineMark) CreateRenderer() fyne.WidgetRenderer {
	bar := canvas.NewRectangle(m.fill)
	if !m.drop {
		return widget.NewSimpleRenderer(bar)
	}
	// A thin red bar in the middle of a wider place to point at.
	return widget.NewSimpleRenderer(container.New(centreBar{}, bar))
}

// centreX is the mark's middle, in the timeline's coordinates.
func (m *timelineMark) centreX() float32 { return m.Position().X + m.Size().Width/2 }

// MouseIn shows the tip.
func (m *timelineMark) MouseIn(*desktop.MouseEvent) { m.t.showTip(m.tip, m.centreX()) }

// MouseMoved does nothing: the tip stays while the pointer is on the mark.
func (m *timelineMark) MouseMoved(*desktop.MouseEvent) {}

// MouseOut hides the tip.
func (m *timelineMark) MouseOut() {
	if m.t.tip == m.tip {
		m.t.showTip("", 0)
	}
}

// Tapped shows the tip, or hides it when it shows: a touch screen has no
// pointer to move away.
func (m *timelineMark) Tapped(*fyne.PointEvent) {
	if m.t.tip == m.tip {
		m.t.showTip("", 0)
		return
	}
	m.t.showTip(m.tip, m.centreX())
}

// centreBar lays its one object out as a bar markWidth wide in the middle.
type centreBar struct{}

func (centreBar) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos((s.Width-markWidth)/2, 0))
		o.Resize(fyne.NewSize(markWidth, s.Height))
	}
}

func (centreBar) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(markWidth, 1) }

// timelineLegend says what the colours mean.
func timelineLegend(l language) fyne.CanvasObject {
	item := func(n fyne.ThemeColorName, alpha uint8, key string) fyne.CanvasObject {
		sw := &swatch{name: n, alpha: alpha}
		sw.ExtendBaseWidget(sw)
		label := widget.NewLabel(l.T(key))
		label.SizeName = theme.SizeNameCaptionText
		return container.NewHBox(container.NewCenter(sw), label)
	}
	return container.NewHBox(
		item(theme.ColorNameSuccess, 0xff, "window.watch.legend.open"),
		item(theme.ColorNameError, 0xff, "window.watch.legend.drop"),
		item(theme.ColorNameForeground, bandAlpha, "window.watch.legend.change"))
}

// swatch is a small square of a theme colour, for the legend.
type swatch struct {
	widget.BaseWidget
	name  fyne.ThemeColorName
	alpha uint8
}

func (s *swatch) CreateRenderer() fyne.WidgetRenderer {
	r := canvas.NewRectangle(withAlpha(s.Theme().Color(s.name, fyne.CurrentApp().Settings().ThemeVariant()), s.alpha))
	r.SetMinSize(fyne.NewSquareSize(12))
	r.CornerRadius = 2
	return widget.NewSimpleRenderer(r)
}

// watchTip is what a mark of the timeline says when pointed at: when,
// which connection and how it ended, or what changed.
func (l language) watchTip(e engine.WatchEvent) string {
	at := e.At.Local().Format("15:04:05")
	switch e.Kind {
	case engine.WatchDrop:
		return l.T("window.watch.tip.drop", "time", at, "lane", l.T("window.watch.lane."+e.Conn),
			"how", l.watchHow(e), "age", l.watchSpan(e.Age))
	case engine.WatchSleep:
		return l.T("window.watch.tip.sleep", "time", at, "duration", l.watchSpan(e.Took))
	case engine.WatchChange:
		none := l.T("window.watch.none")
		return l.T("window.watch.tip.change", "time", at, "what", l.T("window.watch.what."+e.What),
			"from", firstOf(e.From, none), "to", firstOf(e.To, none))
	}
	return at
}

// watchHow is how a watch's connection ended, in words.
func (l language) watchHow(e engine.WatchEvent) string {
	switch e.EndedBy {
	case engine.EndCloseFrame:
		if e.CloseReason != "" {
			return l.T("window.watch.how.close_reason", "code", e.CloseCode, "reason", e.CloseReason)
		}
		return l.T("window.watch.how.close", "code", e.CloseCode)
	case engine.EndFIN, engine.EndReset, engine.EndSilent, engine.EndTLSAlert:
		return l.T("window.watch.how." + e.EndedBy)
	}
	return l.T("window.watch.how.error")
}
