package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// CSV is for support's own tools (a spreadsheet, a log search), so like
// the JSON it is the same in every language: a header row, then one row
// a line, RFC 4180 (commas, fields quoted when they need it, CRLF line
// ends), times in ISO 8601 with the offset of the user's clock.
//
// A watched run writes its event log:
//
//	time,connection,event,detail
//	2026-03-14T09:44:05.000+01:00,busy,drop,age_s=843; ended_by=reset; close_code=1006; error=read tcp ...
//
// connection is silent, ping, busy, or empty for the machine's events;
// event is the log's kind (start, stop, open, drop, retry_failed, change,
// sleep); detail is name=value pairs, "; " between them. A run without a
// watch writes its probe results the same way, under its own header:
//
//	time,probe,status,detail
//
// No cell starts with what a spreadsheet would run as a formula: a cell
// that starts with = + - @, a tab or a carriage return (or their
// full-width forms) gets a ' in front, as OWASP's advice on CSV injection
// has it. Cells are one line, control characters written as escapes.

// csvTimeLayout is ISO 8601 with milliseconds and the offset.
const csvTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// The header rows.
var (
	csvWatchHeader   = []string{"time", "connection", "event", "detail"}
	csvResultsHeader = []string{"time", "probe", "status", "detail"}
)

// CSV writes the report's watch log as CSV, or its probe results for a
// run that was not watched.
func CSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	row := func(cells ...string) {
		for i, c := range cells {
			cells[i] = csvCell(c)
		}
		cw.Write(cells)
	}
	if l := r.Watch; l != nil {
		row(csvWatchHeader...)
		for _, e := range l.Events {
			row(csvTime(r, e.At), e.Conn, string(e.Kind), watchDetail(e))
		}
	} else {
		row(csvResultsHeader...)
		for _, res := range r.Results {
			row(csvTime(r, res.Started), res.Probe, string(res.Status), resultDetail(res))
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: write CSV: %w", err)
	}
	return nil
}

func csvTime(r Report, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return r.LocalTime(t).Format(csvTimeLayout)
}

// csvCell is one cell made safe: on one line, no control character, and
// never read as a formula.
func csvCell(s string) string {
	s = EscapeControls(flat(s), false)
	if r := []rune(s); len(r) > 0 && formulaStart(r[0]) {
		s = "'" + s
	}
	return s
}

// formulaStart: a cell that starts with it is a formula (or its start)
// to Excel, LibreOffice or Google Sheets.
func formulaStart(r rune) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\uff1d', '\uff0b', '\uff0d', '\uff20':
		return true
	}
	return false
}

// pairs writes name=value pairs, "; " between them, leaving out the empty.
type pairs []string

func (p *pairs) add(name, value string) {
	if value != "" {
		*p = append(*p, name+"="+value)
	}
}

func (p pairs) String() string { return strings.Join(p, "; ") }

// seconds is d in seconds, up to milliseconds.
func seconds(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// millis is d in milliseconds, up to microseconds.
func millis(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return strconv.FormatFloat(engine.Millis(d), 'f', -1, 64)
}

func itoaNZ(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// watchDetail is an event's fields as name=value pairs.
func watchDetail(e engine.WatchEvent) string {
	var p pairs
	switch e.Kind {
	case engine.WatchDrop:
		p.add("age_s", seconds(e.Age))
		p.add("ended_by", e.EndedBy)
		p.add("close_code", itoaNZ(e.CloseCode))
		p.add("close_reason", e.CloseReason)
		p.add("error", e.Detail)
	case engine.WatchOpen:
		p.add("took_ms", millis(e.Took))
		p.add("attempts", itoaNZ(e.Attempt))
	case engine.WatchRetryFailed:
		p.add("attempt", itoaNZ(e.Attempt))
		p.add("took_ms", millis(e.Took))
		p.add("error", e.Detail)
	case engine.WatchChange:
		p.add("what", e.What)
		p.add("from", e.From)
		p.add("to", e.To)
	case engine.WatchSleep:
		p.add("slept_s", seconds(e.Took))
	case engine.WatchStop:
		p.add("why", e.Detail)
	default:
		// A kind this version does not know: whatever it carries.
		p.add("age_s", seconds(e.Age))
		p.add("ended_by", e.EndedBy)
		p.add("close_code", itoaNZ(e.CloseCode))
		p.add("close_reason", e.CloseReason)
		p.add("took_ms", millis(e.Took))
		p.add("attempt", itoaNZ(e.Attempt))
		p.add("what", e.What)
		p.add("from", e.From)
		p.add("to", e.To)
		p.add("detail", e.Detail)
	}
	return p.String()
}

// resultDetail is a probe's result as name=value pairs: its code, reason,
// time, error and evidence.
func resultDetail(res Result) string {
	var p pairs
	if res.Code != engine.CodeOK {
		p.add("code", res.Code)
	}
	p.add("reason", res.Reason)
	if res.Status != engine.Skip {
		p.add("duration_ms", strconv.FormatFloat(res.DurationMS, 'f', -1, 64))
	}
	p.add("error", res.Error)
	for _, kv := range res.Evidence {
		p.add(kv.Key, kv.Value)
	}
	return p.String()
}
