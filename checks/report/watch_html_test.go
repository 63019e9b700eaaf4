package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// svgOf finds the <svg> of class cls in page and collects its parts.
type svgParts struct {
	lanes, ticks, bandLabels []string
	drops, bands             []*html.Node
	open, down               int
	viewBox                  string
}

func attr(n *html.Node, k string) string {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func timelineOf(t *testing.T, page []byte, cls string) svgParts {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var svg *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "svg" && attr(n, "class") == "watch "+cls {
			svg = n
		}
		for c := n.FirstChild; c != nil && svg == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if svg == nil {
		t.Fatalf("no <svg class=\"watch %s\">", cls)
	}
	p := svgParts{viewBox: attr(svg, "viewbox")}
	for n := svg.FirstChild; n != nil; n = n.NextSibling {
		if n.Type != html.ElementNode {
			continue
		}
		c := attr(n, "class")
		switch {
		case n.Data == "text" && c == "lane":
			p.lanes = append(p.lanes, textOf(n))
		case n.Data == "text" && c == "tick":
			p.ticks = append(p.ticks, textOf(n))
		case n.Data == "text" && c == "bandl":
			p.bandLabels = append(p.bandLabels, textOf(n))
		case n.Data == "rect" && c == "drop":
			p.drops = append(p.drops, n)
		case n.Data == "rect" && strings.HasPrefix(c, "band"):
			p.bands = append(p.bands, n)
		case n.Data == "rect" && c == "open":
			p.open++
		case n.Data == "rect" && c == "down":
			p.down++
		}
	}
	return p
}

func num(t *testing.T, n *html.Node, k string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(attr(n, k), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.Data, k, attr(n, k), err)
	}
	return f
}

// The timeline of the two-hour fixture: three lanes, a red mark a drop
// with its close code and how it ended in its title, four grey bands (the
// sleep as long as it lasted), ticks on the user's clock.
func TestWatchTimelineSVG(t *testing.T) {
	page := render(t, Build(watchedInput()), FormatHTML)
	for _, cls := range []string{"wide", "narrow"} {
		p := timelineOf(t, page, cls)
		if strings.Join(p.lanes, "|") != "silent|with pings|with data" {
			t.Errorf("%s: lanes %q", cls, p.lanes)
		}
		if len(p.drops) != 10 {
			t.Errorf("%s: %d drop marks, want 10", cls, len(p.drops))
		}
		codes := 0
		for _, d := range p.drops {
			title := textOf(d)
			if !strings.Contains(title, "close code") || !strings.Contains(title, "after") {
				t.Errorf("%s: drop mark's title %q does not say how it ended", cls, title)
			}
			if strings.Contains(title, "close code 1006") {
				codes++
			}
		}
		if codes != 8 {
			t.Errorf("%s: %d marks say close code 1006, want 8", cls, codes)
		}
		if len(p.bands) != 4 {
			t.Errorf("%s: %d grey bands, want 4 (3 changes, 1 sleep)", cls, len(p.bands))
		}
		if p.open < 10 || p.down < 10 {
			t.Errorf("%s: %d open and %d reconnecting stretches", cls, p.open, p.down)
		}
		// The local clock is UTC+1: the watch ran 09:30 to 11:30.
		if len(p.ticks) < 3 || p.ticks[0] > "10:00" || p.ticks[0] < "09:30" || p.ticks[len(p.ticks)-1] != "11:30" {
			t.Errorf("%s: ticks %q, want 09:30 to 11:30", cls, p.ticks)
		}
	}
	wide := timelineOf(t, page, "wide")
	// The outage's reconnecting stretches span its six minutes; the
	// sleep's band its 20 of the 2 hours drawn.
	outage := 0
	for _, d := range bytes.Split(page, []byte(`<rect class="down"`))[1:] {
		var x, w float64
		if _, err := fmt.Sscanf(string(d), ` x="%g" y="%d" width="%g"`, &x, new(int), &w); err != nil {
			t.Fatal(err)
		}
		if want := float64(wideBox.Right-wideBox.Left) * (6 + 5.0/60) / 120; w > want-1.5 && w < want+1.5 {
			outage++
		}
	}
	if outage != 3 {
		t.Errorf("%d reconnecting stretches as long as the outage, want 3 (one a lane)", outage)
	}
	for _, b := range wide.bands {
		if attr(b, "class") == "band sleep" {
			w := num(t, b, "width")
			want := float64(wideBox.Right-wideBox.Left) * 20 / 120
			if w < want-2 || w > want+2 {
				t.Errorf("sleep band %.1f wide, want %.1f", w, want)
			}
		}
	}
	for _, want := range []string{"Wi-Fi", "sleep", "Proxy", "VPN"} {
		if !strings.Contains(strings.Join(wide.bandLabels, "|"), want) {
			t.Errorf("band labels %q lack %q", wide.bandLabels, want)
		}
	}
	// The table under it: the drops, changes and sleep, in words.
	for _, want := range []string{"<td class=\"event\">Dropped</td>", "CorpNet → CorpNet-Guest", "asleep for 20 min", "back 8 s later (2 attempts)", "Three connections were kept open"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// A 24-hour watch past the log's cap: the marks stay few (drops a few
// pixels apart share one, its title counting them), the page says what
// left the log and caps its table, and the page stays small.
func TestWatchTimelineLong(t *testing.T) {
	in := healthyInput()
	in.Watch = longWatch()
	r := Build(in)
	page := render(t, r, FormatHTML)
	p := timelineOf(t, page, "wide")
	lane := wideBox.Right - wideBox.Left
	if n := len(p.drops); n == 0 || n > 3*lane/4+3 {
		t.Errorf("%d drop marks for a %d px lane", n, lane)
	}
	shared := 0
	for _, d := range p.drops {
		if strings.Contains(textOf(d), " drops between ") {
			shared++
		}
	}
	if shared == 0 {
		t.Error("no mark says it stands for several drops")
	}
	if p.open+p.down > 3*lane {
		t.Errorf("%d stretches drawn for a %d px lane", p.open+p.down, lane)
	}
	if len(page) > 512<<10 {
		t.Errorf("the page is %d KiB", len(page)>>10)
	}
	left := strconv.Itoa(r.Watch.Left)
	for _, want := range []string{"Watched for 24 h, from 2026-03-14 09:30 to 2026-03-15 09:30.", "The oldest " + left + " events are no longer listed here", " more in the CSV or JSON export."} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if rows := bytes.Count(page, []byte(`<tr class="k-`)); rows != maxWatchRows {
		t.Errorf("%d table rows, want %d", rows, maxWatchRows)
	}
	// The lanes begin where the log kept begins: open or reconnecting,
	// as the first event kept implies, not blank.
	x0 := strconv.Itoa(wideBox.Left)
	if !bytes.Contains(page, []byte(`class="open" x="`+x0+`.0"`)) && !bytes.Contains(page, []byte(`class="down" x="`+x0+`.0"`)) {
		t.Error("the lanes do not start at the log's start")
	}
	// Text and Markdown: the first events and how many more.
	for _, f := range []Format{FormatText, FormatMarkdown} {
		out := render(t, r, f)
		if !bytes.Contains(out, []byte("more in the CSV or JSON export")) || bytes.Count(out, []byte("Dropped")) > maxWatchLines {
			t.Errorf("%s: not capped at %d lines with a count of the rest", f, maxWatchLines)
		}
	}
}

// A watch still running (no end) and one with a connection name from a
// newer writer draw without a gap or a panic; a log with no events draws
// empty lanes.
func TestWatchTimelineOdd(t *testing.T) {
	l := watchFixture()
	l.End = time.Time{}
	l.Events = l.Events[:len(l.Events)-1]
	l.Add(engine.WatchEvent{At: at(minutes(100)), Conn: "spare", Kind: engine.WatchDrop, EndedBy: "gremlins"})
	in := healthyInput()
	in.Watch = l
	page := render(t, Build(in), FormatHTML)
	p := timelineOf(t, page, "wide")
	if len(p.lanes) != 4 || p.lanes[3] != "spare" {
		t.Errorf("lanes %q", p.lanes)
	}
	if !bytes.Contains(page, []byte("still running when this report was written")) {
		t.Error("a running watch is not said to be running")
	}
	in.Watch = &engine.WatchLog{Target: "wss://x.example/", Start: w0}
	p = timelineOf(t, render(t, Build(in), FormatHTML), "wide")
	if len(p.lanes) != 3 || len(p.drops) != 0 {
		t.Errorf("an empty log: %q, %d drops", p.lanes, len(p.drops))
	}
}

// A saved report's watch is whatever the file says: times out of order,
// at year 1 and 9999, a sleep longer than the watch, an end before the
// start. Every format still renders, the drawing stays small, and no
// number in it is NaN or infinite.
func TestWatchHostileTimes(t *testing.T) {
	far := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	l := &engine.WatchLog{Target: "wss://x.example/", Start: far, End: w0}
	for i, when := range []time.Time{far, {}, w0, far.Add(-time.Hour), time.Unix(0, 0), w0.Add(-time.Hour)} {
		c := engine.WatchConns[i%3]
		l.Events = append(l.Events,
			engine.WatchEvent{At: when, Conn: c, Kind: engine.WatchDrop, Age: -time.Hour, CloseCode: -1},
			engine.WatchEvent{At: when, Conn: c, Kind: engine.WatchOpen, Took: 1 << 62},
			engine.WatchEvent{At: when, Kind: engine.WatchSleep, Took: 1<<63 - 1},
			engine.WatchEvent{At: when, Kind: engine.WatchChange, What: "<script>"})
	}
	r := Build(healthyInput())
	r.Watch = l
	for _, f := range Exports {
		out := render(t, r, f)
		if f == FormatHTML {
			svg := out[bytes.Index(out, []byte(`<svg class="watch wide"`)):]
			svg = svg[:bytes.Index(svg, []byte(`</svg>`))]
			if len(svg) > 64<<10 || bytes.Contains(svg, []byte("NaN")) || bytes.Contains(svg, []byte("Inf")) || bytes.Contains(svg, []byte("<script>")) {
				t.Errorf("the drawing of a hostile watch: %d bytes: %.400s", len(svg), svg)
			}
		}
	}
}
