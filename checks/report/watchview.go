package report

import (
	"fmt"
	"html"
	"html/template"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// watchView is the watch as the human formats show it: sentences that
// count, the timeline (HTML), and the table of what happened.
type watchView struct {
	// Summary is the watch in sentences: how long, the drops, the
	// changes, the sleeps, the failed reconnects, what left the log.
	Summary []string
	// Wide and Narrow are the timeline as inline SVG, for a page and a
	// phone's width; every text in them is escaped.
	Wide, Narrow template.HTML
	// Axis says whose clock the timeline's times are.
	Axis string
	// Rows are the drops, changes and sleeps, oldest first, at most
	// maxWatchRows; More says how many more the CSV and JSON have.
	Rows []watchRow
	More string
	// Marks counts the drop marks and Bands the grey bands drawn in the
	// wide timeline (tests).
	Marks, Bands int
	// all is how many rows there are in all.
	all int
}

// what is a row's event with its connection: "Dropped (with data)".
func (r watchRow) what() string {
	if r.Conn == "" {
		return r.Event
	}
	return r.Event + " (" + r.Conn + ")"
}

// lines are the rows the text and Markdown list.
func (v *watchView) lines() []watchRow {
	return v.Rows[:min(len(v.Rows), maxWatchLines)]
}

// moreLines says how many rows the text and Markdown leave out, or "".
func (v *watchView) moreLines(wd wording) string {
	if n := v.all - len(v.lines()); n > 0 {
		return wd.N("report.watch.more", n)
	}
	return ""
}

type watchRow struct {
	Time, Conn, Event, Detail string
	// Kind is the event's kind, a style class.
	Kind engine.WatchKind
}

// maxWatchRows bounds the table under the timeline; the text and
// Markdown show maxWatchLines of them.
const (
	maxWatchRows  = 60
	maxWatchLines = 12
)

func (wd wording) watchView(r Report) *watchView {
	l := r.Watch
	if l == nil {
		return nil
	}
	v := &watchView{Axis: wd.T("report.watch.axis", "offset", utcOffset(r.LocalOffsetMinutes))}
	t0, t1 := watchSpan(l)
	v.Summary = wd.watchSummary(r, t0, t1)
	var rows []watchRow
	sameDay := r.LocalTime(t0).Format("20060102") == r.LocalTime(t1).Format("20060102")
	for i, e := range l.Events {
		switch e.Kind {
		case engine.WatchDrop, engine.WatchChange, engine.WatchSleep:
		default:
			continue
		}
		rows = append(rows, watchRow{
			Time:   wd.watchTime(r, e.At, sameDay),
			Conn:   wd.connName(e.Conn),
			Event:  wd.kindName(e),
			Detail: wd.eventDetail(l.Events, i),
			Kind:   e.Kind,
		})
	}
	v.all = len(rows)
	if len(rows) > maxWatchRows {
		v.More = wd.N("report.watch.more", len(rows)-maxWatchRows)
		rows = rows[:maxWatchRows]
	}
	v.Rows = rows
	var wide timelineSVG
	wide, v.Marks, v.Bands = wd.timeline(r, t0, t1, true)
	narrow, _, _ := wd.timeline(r, t0, t1, false)
	v.Wide, v.Narrow = template.HTML(wide), template.HTML(narrow)
	return v
}

type timelineSVG = string

// watchSpan is the stretch of time the log covers: from the watch's
// start (from its oldest event kept, when older ones left) to its end
// (to its newest event while it ran).
func watchSpan(l *engine.WatchLog) (time.Time, time.Time) {
	t0, t1 := l.Start, l.End
	if n := len(l.Events); n > 0 {
		first, last := l.Events[0].At, l.Events[n-1].At
		if l.Left > 0 || t0.IsZero() || first.Before(t0) {
			t0 = first
		}
		if t1.IsZero() || last.After(t1) {
			t1 = last
		}
	}
	if t1.Before(t0) || t1.IsZero() {
		t1 = t0
	}
	if !t1.After(t0) {
		t1 = t0.Add(time.Second)
	}
	return t0, t1
}

// utcOffset writes an offset in minutes as UTC+01:00.
func utcOffset(min int) string {
	sign := "+"
	if min < 0 {
		sign, min = "-", -min
	}
	return fmt.Sprintf("UTC%s%02d:%02d", sign, min/60, min%60)
}

// watchTime is an event's time on the user's clock: the time of day
// when the watch stayed in one day, else the date too.
func (wd wording) watchTime(r Report, t time.Time, sameDay bool) string {
	lt := r.LocalTime(t)
	if sameDay {
		return lt.Format("15:04:05")
	}
	return lt.Format(strings.Replace(wd.T("unit.date_layout"), "15:04", "15:04:05", 1))
}

func (wd wording) watchSummary(r Report, t0, t1 time.Time) []string {
	l := r.Watch
	var out []string
	// The sentence covers the whole watch, the part that left the log
	// included; the drawing, what the log kept.
	if !l.Start.IsZero() && l.Start.Before(t0) {
		t0 = l.Start
	}
	start := wd.Date(r.LocalTime(t0))
	end := r.LocalTime(t1).Format("15:04")
	if r.LocalTime(t0).Format("20060102") != r.LocalTime(t1).Format("20060102") {
		end = wd.Date(r.LocalTime(t1))
	}
	key := "report.watch.span"
	if l.End.IsZero() {
		key = "report.watch.span_running"
	}
	out = append(out, sentences(wd.T(key, "span", wd.long(t1.Sub(t0)), "start", start, "end", end),
		wd.T("report.watch.lanes", "ping", wd.long(l.PingEvery), "data", wd.long(l.DataEvery))))
	var counts []string
	if n := l.DropCount(); n == 0 {
		counts = append(counts, wd.T("report.watch.no_drops"))
	} else {
		var parts []string
		for _, c := range watchConns(l) {
			if k := l.Summary.Drops[c]; k > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", wd.connName(c), k))
			}
		}
		counts = append(counts, wd.N("report.watch.drops", n, "list", strings.Join(parts, ", ")))
	}
	if n := sum(l.Summary.Changes); n > 0 {
		var parts []string
		for _, k := range sortedCountKeys(l.Summary.Changes) {
			parts = append(parts, fmt.Sprintf("%s %d", wd.whatName(k), l.Summary.Changes[k]))
		}
		counts = append(counts, wd.N("report.watch.changes", n, "list", strings.Join(parts, ", ")))
	}
	if n := l.Summary.Sleeps; n > 0 {
		counts = append(counts, wd.N("report.watch.sleeps", n))
	}
	if n := l.Summary.RetriesFailed; n > 0 {
		counts = append(counts, wd.N("report.watch.retries", n))
	}
	out = append(out, sentences(counts...))
	if l.Left > 0 {
		out = append(out, wd.N("report.watch.left", l.Left))
	}
	return out
}

// sentences joins sentences as the language does: a space after a
// full stop, none after a Chinese or Japanese one.
func sentences(ss ...string) string {
	var b strings.Builder
	for i, s := range ss {
		if i > 0 && !strings.HasSuffix(ss[i-1], "。") {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String()
}

// watchConns are the connections drawn: the three, then any other a
// newer writer named.
func watchConns(l *engine.WatchLog) []string {
	conns := append([]string(nil), engine.WatchConns...)
	seen := map[string]bool{}
	for _, c := range conns {
		seen[c] = true
	}
	for _, e := range l.Events {
		if e.Conn != "" && !seen[e.Conn] && len(conns) < 6 {
			seen[e.Conn] = true
			conns = append(conns, e.Conn)
		}
	}
	return conns
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func sortedCountKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// long is a length of time as a person says it: "45 s", "14 min 3 s",
// "2 h 5 min".
func (wd wording) long(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Hour {
		return wd.Span(d)
	}
	h, m := int(d.Hours()), int(d.Minutes())%60
	if m == 0 {
		return wd.T("report.watch.hours", "h", h)
	}
	return wd.T("report.watch.hours_min", "h", h, "min", m)
}

func (wd wording) connName(c string) string {
	if c == "" {
		return ""
	}
	return wd.named("report.watch.conn.", c)
}

func (wd wording) whatName(w string) string { return wd.named("report.watch.what.", w) }

// kindName is what happened, in words; a change names what changed.
func (wd wording) kindName(e engine.WatchEvent) string {
	if e.Kind == engine.WatchChange && e.What != "" {
		return wd.T("report.watch.changed", "what", wd.whatName(e.What))
	}
	return wd.named("report.watch.kind.", string(e.Kind))
}

// eventDetail is the detail of events[i] in words: how a drop ended,
// after how long, when the connection was back; a change's before and
// after; how long the computer slept.
func (wd wording) eventDetail(events []engine.WatchEvent, i int) string {
	e := events[i]
	var parts []string
	switch e.Kind {
	case engine.WatchDrop:
		if e.EndedBy != "" {
			parts = append(parts, wd.named("report.watch.ended.", e.EndedBy))
		}
		if e.CloseCode != 0 {
			parts = append(parts, wd.T("report.watch.close_code", "code", e.CloseCode))
		}
		if e.CloseReason != "" {
			parts = append(parts, "“"+e.CloseReason+"”")
		}
		if e.Age > 0 {
			parts = append(parts, wd.T("report.watch.after", "age", wd.long(e.Age)))
		}
		parts = append(parts, wd.reconnect(events, i))
		if e.Detail != "" {
			parts = append(parts, e.Detail)
		}
	case engine.WatchChange:
		from, to := e.From, e.To
		if from == "" {
			from = "–"
		}
		if to == "" {
			to = "–"
		}
		parts = append(parts, from+" → "+to)
	case engine.WatchSleep:
		parts = append(parts, wd.T("report.watch.slept", "span", wd.long(e.Took)))
	case engine.WatchStop:
		parts = append(parts, wd.named("report.watch.stop.", e.Detail))
	default:
		if e.Detail != "" {
			parts = append(parts, e.Detail)
		}
	}
	// Longer than a table's usual line: the error is what IT reads.
	return clip(flat(strings.Join(parts, "; ")), 2*maxWatchField)
}

// reconnect says when the connection dropped at events[i] was back.
func (wd wording) reconnect(events []engine.WatchEvent, i int) string {
	e := events[i]
	for _, n := range events[i+1:] {
		if n.Conn != e.Conn {
			continue
		}
		switch n.Kind {
		case engine.WatchOpen:
			s := wd.T("report.watch.back", "took", wd.long(n.At.Sub(e.At)))
			if n.Attempt > 1 {
				s += " (" + wd.N("report.watch.attempts", n.Attempt) + ")"
			}
			return s
		case engine.WatchDrop:
			return wd.T("report.watch.not_back")
		}
	}
	return wd.T("report.watch.not_back")
}

// The timeline's geometry, in the SVG's own units (CSS pixels at 100 %).
type timelineBox struct {
	W, Left, Right int // width; where the plot starts and ends
	LaneY0, LaneH  int // the first lane's top; a lane's height
	LaneGap        int
	MaxTicks       int
	LabelChars     int // the lane labels' room, in characters
}

var (
	wideBox   = timelineBox{W: 840, Left: 104, Right: 818, LaneY0: 24, LaneH: 20, LaneGap: 12, MaxTicks: 9, LabelChars: 15}
	narrowBox = timelineBox{W: 360, Left: 76, Right: 342, LaneY0: 24, LaneH: 20, LaneGap: 12, MaxTicks: 5, LabelChars: 10}
)

// timeline draws the watch as an inline SVG: a lane a connection, green
// while it was open, pale red while it was reconnecting, a red mark at
// each drop (drops closer than a few pixels share one, its title counting
// them), grey bands for network changes and sleeps, labelled above, and a
// time axis on the user's clock. Every text is escaped here.
func (wd wording) timeline(r Report, t0, t1 time.Time, wide bool) (string, int, int) {
	l := r.Watch
	bx := narrowBox
	if wide {
		bx = wideBox
	}
	conns := watchConns(l)
	span := t1.Sub(t0)
	pw := float64(bx.Right - bx.Left)
	x := func(t time.Time) float64 {
		f := float64(t.Sub(t0)) / float64(span)
		return float64(bx.Left) + pw*min(max(f, 0), 1)
	}
	laneY := func(i int) int { return bx.LaneY0 + i*(bx.LaneH+bx.LaneGap) }
	axisY := laneY(len(conns)) - bx.LaneGap/2 + 2
	h := axisY + 22
	var b strings.Builder
	cls := "narrow"
	if wide {
		cls = "wide"
	}
	fmt.Fprintf(&b, `<svg class="watch %s" viewBox="0 0 %d %d" width="%d" role="img" aria-label="%s">`,
		cls, bx.W, h, bx.W, html.EscapeString(wd.T("report.watch.timeline")))
	// The lanes: label, track.
	for i, c := range conns {
		y := laneY(i)
		fmt.Fprintf(&b, `<text class="lane" x="%d" y="%d">%s</text>`, bx.Left-8, y+bx.LaneH/2+4, html.EscapeString(clip(wd.connName(c), bx.LabelChars)))
		fmt.Fprintf(&b, `<rect class="track" x="%d" y="%d" width="%d" height="%d"/>`, bx.Left, y, bx.Right-bx.Left, bx.LaneH)
	}
	// Each lane's states: open (green), reconnecting (pale red).
	marks := 0
	for i, c := range conns {
		y := laneY(i)
		var segs []segment
		state, since := initialState(l, c), t0
		flush := func(t time.Time) {
			if state != "" && t.After(since) {
				segs = append(segs, segment{state, since, t})
			}
		}
		type bucket struct {
			x     float64
			n     int
			first engine.WatchEvent
			idx   int
			last  time.Time
		}
		var bks []bucket
		for j, e := range l.Events {
			switch {
			case e.Kind == engine.WatchStop:
				flush(e.At)
				state, since = "", e.At
			case e.Conn != c:
			case e.Kind == engine.WatchOpen:
				flush(e.At)
				state, since = "open", e.At
			case e.Kind == engine.WatchDrop:
				flush(e.At)
				state, since = "down", e.At
				mx := x(e.At)
				if n := len(bks); n > 0 && mx-bks[n-1].x < 4 {
					bks[n-1].n++
					bks[n-1].last = e.At
				} else {
					bks = append(bks, bucket{x: mx, n: 1, first: e, idx: j, last: e.At})
				}
			}
		}
		flush(t1)
		// Runs of stretches too short to see are drawn as one, the
		// reconnecting state winning, so a long busy log draws a few
		// hundred shapes, not thousands.
		var drawn []segment
		for _, s := range segs {
			if n := len(drawn); n > 0 && x(s.to)-x(s.from) < 1.5 && x(drawn[n-1].to)-x(drawn[n-1].from) < 1.5 && x(s.from)-x(drawn[n-1].to) < 0.5 {
				drawn[n-1].to = s.to
				if s.state == "down" {
					drawn[n-1].state = "down"
				}
				continue
			}
			drawn = append(drawn, s)
		}
		for _, s := range drawn {
			x0, x1 := x(s.from), x(s.to)
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%d" width="%.1f" height="%d"/>`, s.state, x0, y+3, max(x1-x0, 0.5), bx.LaneH-6)
		}
		for _, k := range bks {
			title := wd.watchTime(r, k.first.At, false) + " · " + wd.connName(c) + ": " + wd.eventDetail(l.Events, k.idx)
			if k.n > 1 {
				title = wd.N("report.watch.drops_here", k.n, "from", wd.watchTime(r, k.first.At, false), "to", r.LocalTime(k.last).Format("15:04:05")) + " · " + wd.connName(c) + "; " + title
			}
			fmt.Fprintf(&b, `<rect class="drop" x="%.1f" y="%d" width="4" height="%d" rx="1"><title>%s</title></rect>`, k.x-2, y-4, bx.LaneH+8, html.EscapeString(title))
			marks++
		}
	}
	// Grey bands over the lanes: sleeps (as long as they lasted) and
	// network changes (a thin band), labelled above when there is room.
	bands := 0
	lastLabel := -1e9
	top, bottom := bx.LaneY0-4, laneY(len(conns))-bx.LaneGap+4
	for _, e := range l.Events {
		var x0, x1 float64
		var label, title string
		switch e.Kind {
		case engine.WatchSleep:
			x0, x1 = x(e.At.Add(-e.Took)), x(e.At)
			label = wd.T("report.watch.legend.sleep")
			title = wd.watchTime(r, e.At, false) + " · " + wd.kindName(e) + ": " + wd.T("report.watch.slept", "span", wd.long(e.Took))
		case engine.WatchChange:
			x0 = x(e.At)
			x1 = x0
			label = wd.whatName(e.What)
			title = wd.watchTime(r, e.At, false) + " · " + wd.kindName(e) + ": " + wd.eventDetail([]engine.WatchEvent{e}, 0)
		default:
			continue
		}
		if x1-x0 < 3 {
			c := (x0 + x1) / 2
			x0, x1 = c-1.5, c+1.5
		}
		fmt.Fprintf(&b, `<rect class="band %s" x="%.1f" y="%d" width="%.1f" height="%d"><title>%s</title></rect>`, e.Kind, x0, top, x1-x0, bottom-top, html.EscapeString(oneLine(title)))
		bands++
		lx := (x0 + x1) / 2
		w := textWidth11(label)
		if lx-w/2 > lastLabel+4 && lx+w/2 < float64(bx.W) {
			fmt.Fprintf(&b, `<text class="bandl" x="%.1f" y="%d">%s</text>`, lx, top-4, html.EscapeString(label))
			lastLabel = lx + w/2
		}
	}
	// The axis, on the user's clock.
	fmt.Fprintf(&b, `<path class="axis" d="M%d %d H%d"/>`, bx.Left, axisY, bx.Right)
	step := tickStep(span, bx.MaxTicks)
	layout := "15:04"
	if step < time.Minute {
		layout = "15:04:05"
	}
	off := time.Duration(r.LocalOffsetMinutes) * time.Minute
	first := t0.Add(off).Truncate(step).Add(-off)
	if first.Before(t0) {
		first = first.Add(step)
	}
	for t := first; !t.After(t1); t = t.Add(step) {
		tx := x(t)
		fmt.Fprintf(&b, `<path class="tick" d="M%.1f %d v4"/><text class="tick" x="%.1f" y="%d">%s</text>`, tx, axisY, tx, axisY+16, r.LocalTime(t).Format(layout))
	}
	b.WriteString(`</svg>`)
	return b.String(), marks, bands
}

type segment struct {
	state    string
	from, to time.Time
}

// initialState is a connection's state where the log begins: nothing
// yet when it begins with the watch; when older events left the log,
// what its first event kept implies (a drop: it was open; an open: it
// was reconnecting).
func initialState(l *engine.WatchLog, conn string) string {
	if l.Left == 0 {
		return ""
	}
	for _, e := range l.Events {
		if e.Conn != conn {
			continue
		}
		switch e.Kind {
		case engine.WatchDrop:
			return "open"
		case engine.WatchOpen, engine.WatchRetryFailed:
			return "down"
		}
	}
	return "open"
}

// tickStep is the step between the axis's ticks: the smallest round
// step that gives at most max ticks.
func tickStep(span time.Duration, max int) time.Duration {
	for _, s := range []time.Duration{
		time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
		time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
	} {
		if span/s < time.Duration(max) {
			return s
		}
	}
	return span / time.Duration(max)
}

// textWidth11 is about how wide s is at 11 px: wide characters (CJK)
// count double.
func textWidth11(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x1100 && utf8.RuneLen(r) >= 3 {
			w += 11
		} else {
			w += 6.2
		}
	}
	return w
}
