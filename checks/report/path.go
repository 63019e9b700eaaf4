package report

import (
	"fmt"
	"html"
	"strings"
	"sync"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// pathOf is the connection path the report's diagnosis worked out; a
// report written without one has none.
func pathOf(r Report) []diagnose.Hop {
	if r.Path == nil {
		return nil
	}
	return r.Path.Hops
}

// hopText is one hop in words: "Proxy (proxy.corp:3128) <- fails here".
func (wd wording) hopText(h diagnose.Hop) string {
	s := h.Label
	if h.Detail != "" {
		s += " (" + h.Detail + ")"
	}
	if h.State == diagnose.HopStops {
		s += "  <-- " + wd.T("report.path.fails_here")
	}
	return s
}

// pathText is the path picture in one line of text.
func (wd wording) pathText(hops []diagnose.Hop) string {
	parts := make([]string, len(hops))
	for i, h := range hops {
		parts[i] = wd.hopText(h)
	}
	return strings.Join(parts, " → ")
}

// pathSVG draws the path as an inline SVG, across (wide) or down (narrow
// screens). Every text is escaped here: the result goes into the page as is.
func (wd wording) pathSVG(hops []diagnose.Hop, across bool) string {
	const (
		boxW, boxH, gapX = 132, 64, 34
		vBoxW, vBoxH     = 300, 54
		gapY             = 24
		pad              = 6
	)
	n := len(hops)
	var w, h int
	if across {
		w, h = pad*2+n*boxW+(n-1)*gapX, pad*2+boxH+20
	} else {
		w, h = pad*2+vBoxW, pad*2+n*vBoxH+(n-1)*gapY
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="path %s" viewBox="0 0 %d %d" width="%d" role="img" aria-label="%s">`,
		map[bool]string{true: "across", false: "down"}[across], w, h, w, html.EscapeString(wd.pathText(hops)))
	for i, hp := range hops {
		var x, y, bw, bh int
		if across {
			x, y, bw, bh = pad+i*(boxW+gapX), pad, boxW, boxH
		} else {
			x, y, bw, bh = pad, pad+i*(vBoxH+gapY), vBoxW, vBoxH
		}
		if i > 0 {
			cls := "link"
			if hp.State == diagnose.HopStops {
				cls = "link fail"
			} else if hp.State == diagnose.HopUnknown {
				cls = "link unknown"
			}
			if across {
				x0 := x - gapX + 2
				fmt.Fprintf(&b, `<path class="%s" d="M%d %d H%d m-7 -5 l7 5 l-7 5"/>`, cls, x0, y+bh/2, x-3)
			} else {
				y0 := y - gapY + 2
				fmt.Fprintf(&b, `<path class="%s" d="M%d %d V%d m-5 -7 l5 7 l5 -7"/>`, cls, x+bw/2, y0, y-3)
			}
		}
		fmt.Fprintf(&b, `<rect class="hop %s" x="%d" y="%d" width="%d" height="%d" rx="8"/>`, hopClass()[hp.State], x, y, bw, bh)
		label := hp.Label
		if hp.State == diagnose.HopStops {
			label = "✕ " + label
		}
		if across {
			fmt.Fprintf(&b, `<text class="hl" x="%d" y="%d">%s</text>`, x+bw/2, y+26, html.EscapeString(label))
			if hp.Detail != "" {
				fmt.Fprintf(&b, `<text class="hd" x="%d" y="%d">%s</text>`, x+bw/2, y+46, html.EscapeString(clip(hp.Detail, 19)))
			}
			if hp.State == diagnose.HopStops {
				fmt.Fprintf(&b, `<text class="hf" x="%d" y="%d">%s</text>`, x+bw/2, y+bh+16, html.EscapeString(wd.T("report.path.fails_here")))
			}
		} else {
			line := label
			if hp.State == diagnose.HopStops {
				line += " — " + wd.T("report.path.fails_here")
			}
			if hp.Detail == "" {
				fmt.Fprintf(&b, `<text class="hl" x="%d" y="%d">%s</text>`, x+bw/2, y+bh/2+5, html.EscapeString(line))
			} else {
				fmt.Fprintf(&b, `<text class="hl" x="%d" y="%d">%s</text>`, x+bw/2, y+23, html.EscapeString(line))
				fmt.Fprintf(&b, `<text class="hd" x="%d" y="%d">%s</text>`, x+bw/2, y+42, html.EscapeString(clip(hp.Detail, 40)))
			}
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// hopClass is the style class of each hop state in the page.
var hopClass = sync.OnceValue(func() map[diagnose.HopState]string {
	return map[diagnose.HopState]string{diagnose.HopOK: "ok", diagnose.HopStops: "fail", diagnose.HopUnknown: "unknown"}
})

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
