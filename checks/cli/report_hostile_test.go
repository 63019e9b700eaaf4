package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// hostileReport writes a saved report of about size bytes (at most the
// 16 MiB a saved report may have): report/testdata/diagnosed.json with
// its field named by place replaced by what fill streams (from its
// decoded form, so it costs this process little memory), padded with
// blanks to size when pad is set.
func hostileReport(t *testing.T, path string, place func(d map[string]any), fill func(w *bufio.Writer, room int), size int, pad bool) {
	t.Helper()
	b, err := os.ReadFile("../report/testdata/diagnosed.json")
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	place(d)
	doc, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	before, after, ok := strings.Cut(string(doc), `"@@FILL@@"`)
	if !ok {
		t.Fatal("no place to fill")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cw := &countWriter{w: f}
	w := bufio.NewWriter(cw)
	w.WriteString(before)
	fill(w, size-len(before)-len(after)-16)
	if pad {
		w.Flush()
		blanks := strings.Repeat(" ", 64<<10)
		for n := size - cw.n - len(after); n > 0; n -= len(blanks) {
			w.WriteString(blanks[:min(n, len(blanks))])
		}
	}
	w.WriteString(after)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

type countWriter struct {
	w io.Writer
	n int
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += n
	return n, err
}

// list streams "[" item, item... "]" filling room bytes.
func list(item string) func(w *bufio.Writer, room int) {
	return func(w *bufio.Writer, room int) {
		w.WriteByte('[')
		for n := 0; n+len(item)+1 < room; n += len(item) + 1 {
			if n > 0 {
				w.WriteByte(',')
			}
			w.WriteString(item)
		}
		w.WriteByte(']')
	}
}

// items streams a list of count copies of item.
func items(item string, count int) func(w *bufio.Writer, room int) {
	return func(w *bufio.Writer, _ int) {
		w.WriteString("[" + strings.Repeat(item+",", count-1) + item + "]")
	}
}

func fillAt(keys ...string) func(d map[string]any) {
	return func(d map[string]any) {
		var m any = d
		for _, k := range keys[:len(keys)-1] {
			switch x := m.(type) {
			case map[string]any:
				m = x[k]
			case []any:
				m = x[0]
			}
		}
		m.(map[string]any)[keys[len(keys)-1]] = "@@FILL@@"
	}
}

// `report` on hostile saved files just under 16 MiB: those past a bound of
// a saved report are refused (exit 2) with the bound named, the largest
// that a report may be are written in every format, and the process stays
// under 128 MiB throughout (before the bounds, such files took up to
// 690 MiB).
func TestReportHostileFiles(t *testing.T) {
	const size = report.MaxReportBytes - 64
	chunk := `"` + strings.Repeat("<", report.MaxStringBytes-64) + `"`
	for _, c := range []struct {
		name  string
		place func(d map[string]any)
		fill  func(w *bufio.Writer, room int)
		pad   bool
		// refused is what the error says; "" means read and written.
		refused string
	}{
		{"zeros", fillAt("future"), list("0"), false, "items in one list at $.future"},
		{"objects", fillAt("future"), list(`{"a":0}`), false, "items in one list"},
		{"findings", fillAt("findings"), list(`{"id":"x","severity":"problem","title":"<<<<<<<<"}`), false, "findings at $.findings"},
		{"results", fillAt("results"), list(`{"probe":"dns","status":"pass","started":"2024-01-01T00:00:00Z","duration_ms":1}`), false, "results at $.results"},
		{"evidence", fillAt("results", "0", "evidence"), list(`{"key":"k","value":"<"}`), false, "evidence rows in one result"},
		{"one string", fillAt("admin_note"), func(w *bufio.Writer, room int) {
			w.WriteString(`"` + strings.Repeat("<", room) + `"`)
		}, false, "64 KiB in one string at $.admin_note"},
		{"all text", fillAt("findings", "0", "steps"), list(chunk), false, "1 MiB of text in all"},
		{"nesting", fillAt("future"), func(w *bufio.Writer, room int) {
			w.WriteString(strings.Repeat("[", room/2) + strings.Repeat("]", room/2))
		}, false, "levels of nesting"},
		{"values", fillAt("future"), func(w *bufio.Writer, room int) {
			w.WriteString("{")
			for i := range room / (report.MaxListItems*2 + 16) {
				if i > 0 {
					w.WriteByte(',')
				}
				fmt.Fprintf(w, `"k%d":`, i)
				items("0", report.MaxListItems)(w, 0)
			}
			w.WriteString("}")
		}, false, "values in all"},
		// The most a report may hold: 1 MiB of "<" (each written as
		// 4 to 6 bytes in HTML and JSON) in 64 KiB steps, padded to
		// 16 MiB; and in errors of many results.
		{"largest steps", fillAt("findings", "0", "steps"), items(chunk, report.MaxTextBytes/report.MaxStringBytes-1), true, ""},
		{"largest errors", fillAt("results"), items(`{"probe":"dns","status":"fail","error":"`+strings.Repeat("<", 3500)+`","started":"2024-01-01T00:00:00Z","duration_ms":1}`, 250), true, ""},
		{"largest evidence", fillAt("findings"), items(`{"id":"x","severity":"problem","title":"t","evidence":`+
			"["+strings.Repeat(`{"probe":"tcp","key":"k","value":"<<<<"},`, 120)+`{"probe":"tcp","key":"k","value":"<"}]}`, 200), true, ""},
		{"controls", fillAt("findings", "0", "steps"), items(`"`+strings.Repeat(`\u001b\u009b`, 5000)+`"`, 15), true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Each in a process of its own, its peak its own.
			checktest.CheckPeak(t, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "hostile.json")
				hostileReport(t, path, c.place, c.fill, size, c.pad)
				formats := []string{"text"}
				if c.refused == "" {
					formats = []string{"text", "md", "html", "json"}
				}
				for _, f := range formats {
					cw := &countWriter{w: io.Discard}
					var e strings.Builder
					code := Report([]string{"--format", f, path}, cw, &e)
					switch {
					case c.refused != "" && (code != ExitUsage || !strings.Contains(e.String(), c.refused) || !strings.Contains(e.String(), "limit of a saved report")):
						t.Errorf("%s: exit %d, %q; want exit 2 naming %q", c.name, code, e.String(), c.refused)
					case c.refused == "" && code != ExitOK:
						t.Errorf("%s as %s: exit %d, %q", c.name, f, code, e.String())
					case c.refused == "":
						t.Logf("%s as %s: %d KiB written", c.name, f, cw.n>>10)
					}
				}
				if c.refused == "" {
					var e strings.Builder
					if code := Report([]string{"-o", filepath.Join(dir, "out.html"), path}, io.Discard, &e); code != ExitOK {
						t.Errorf("%s to a file: exit %d, %q", c.name, code, e.String())
					}
				}
			})
		})
	}
}
