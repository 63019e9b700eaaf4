package report

import (
	"encoding/json"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// The watch (issue 24) in a report: Report.Watch is the run's
// engine.WatchLog, its times in UTC, its free text (Detail, CloseReason,
// From, To, the target) redacted like the rest of the report and cut to
// a length a table shows. Its JSON is the WatchLog's own (durations in
// nanoseconds, the fields named _ns), so the CLI's --json, the window and
// a report carry one layout.

// maxWatchField bounds one free-text field of a watch event in a report
// (a close reason is at most 123 bytes; an error a line).
const maxWatchField = 240

// watchTextBudget bounds the text (names and strings, as written in the
// JSON) the watch adds to a report, so that a report with a full log
// (engine.WatchLogCap events) stays well inside MaxTextBytes and Parse
// reads back what Build wrote. A full log of ordinary events takes about
// half of it; events past it, the oldest, are counted in Left.
const watchTextBudget = 640 << 10

// watchOf is the report's copy of a watch log: UTC times, fields cut,
// redacted by t (nil: kept), bounded by watchTextBudget.
func watchOf(l *engine.WatchLog, t func(string) string) *engine.WatchLog {
	if l == nil {
		return nil
	}
	c := l.Copy()
	if t == nil {
		t = func(s string) string { return s }
	}
	c.Target = t(c.Target)
	c.Start = utc(c.Start)
	c.End = utc(c.End)
	text := 0
	for i := range c.Events {
		e := &c.Events[i]
		e.At = utc(e.At)
		e.CloseReason = clip(flat(t(e.CloseReason)), maxWatchField)
		e.Detail = clip(flat(t(e.Detail)), maxWatchField)
		e.From = clip(flat(t(e.From)), maxWatchField)
		e.To = clip(flat(t(e.To)), maxWatchField)
		text += eventText(*e)
	}
	// The newest events are the ones kept, as the log itself keeps them.
	drop := 0
	for drop < len(c.Events) && text > watchTextBudget {
		text -= eventText(c.Events[drop])
		drop++
	}
	if drop > 0 {
		c.Events = append([]engine.WatchEvent(nil), c.Events[drop:]...)
		c.Left += drop
	}
	if c.Events == nil {
		c.Events = []engine.WatchEvent{}
	}
	return &c
}

// utc is t in UTC; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// eventText is how much text an event adds to the JSON as checkLimits
// counts it: its field names and its strings, escaped.
func eventText(e engine.WatchEvent) int {
	n := len("at") + jsonLen(e.At.Format(time.RFC3339Nano)) + len("kind") + jsonLen(string(e.Kind))
	for _, f := range []struct {
		name, v string
		set     bool
	}{
		{"conn", e.Conn, e.Conn != ""},
		{"age_ns", "", e.Age != 0},
		{"ended_by", e.EndedBy, e.EndedBy != ""},
		{"close_code", "", e.CloseCode != 0},
		{"close_reason", e.CloseReason, e.CloseReason != ""},
		{"took_ns", "", e.Took != 0},
		{"attempt", "", e.Attempt != 0},
		{"what", e.What, e.What != ""},
		{"from", e.From, e.From != ""},
		{"to", e.To, e.To != ""},
		{"detail", e.Detail, e.Detail != ""},
	} {
		if f.set {
			n += len(f.name) + jsonLen(f.v)
		}
	}
	return n
}

// jsonLen is the length of s inside quotes in the JSON the report writes.
func jsonLen(s string) int {
	if s == "" {
		return 0
	}
	b, _ := json.Marshal(s)
	return len(b) - 2
}
