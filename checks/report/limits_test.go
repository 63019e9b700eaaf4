package report

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// hostileDoc is testdata/diagnosed.json with change applied to its decoded
// form.
func hostileDoc(t *testing.T, change func(d map[string]any)) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/diagnosed.json")
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	change(d)
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func repeat[T any](v T, n int) []any {
	s := make([]any, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func firstFinding(d map[string]any) map[string]any {
	return d["findings"].([]any)[0].(map[string]any)
}

func firstResult(d map[string]any) map[string]any {
	return d["results"].([]any)[0].(map[string]any)
}

// Each bound of a saved report: the file one past it is refused with a
// LimitError that names what was counted and where; one at it is read.
func TestParseLimits(t *testing.T) {
	finding := func(d map[string]any) any { return firstFinding(d) }
	result := func(d map[string]any) any { return firstResult(d) }
	row := map[string]any{"probe": "tcp", "key": "k", "value": "v"}
	kv := map[string]any{"key": "k", "value": "v"}
	for _, c := range []struct {
		name     string
		change   func(d map[string]any, n int)
		limit    int
		what     string
		path     string
		unitText string
	}{
		{"findings", func(d map[string]any, n int) { d["findings"] = repeat(finding(d), n) }, MaxFindings, "findings", "$.findings", ""},
		{"results", func(d map[string]any, n int) { d["results"] = repeat(result(d), n) }, MaxResults, "results", "$.results", ""},
		{"finding evidence", func(d map[string]any, n int) { firstFinding(d)["evidence"] = repeat(row, n) }, MaxEvidenceRows, "evidence rows in one finding", "$.findings[].evidence", ""},
		{"result evidence", func(d map[string]any, n int) { firstResult(d)["evidence"] = repeat(kv, n) }, MaxEvidenceRows, "evidence rows in one result", "$.results[].evidence", ""},
		{"steps", func(d map[string]any, n int) { firstFinding(d)["steps"] = repeat("do it", n) }, MaxListItems, "items in one list", "$.findings[].steps", ""},
		{"unknown list", func(d map[string]any, n int) { d["future"] = repeat(0, n) }, MaxListItems, "items in one list", "$.future", ""},
		{"one string", func(d map[string]any, n int) { firstFinding(d)["title"] = strings.Repeat("x", n) }, MaxStringBytes, "in one string", "$.findings[].title", "64 KiB"},
		{"all text", func(d map[string]any, n int) {
			// 64 KiB strings up to n bytes of text in all, counting the
			// rest of the file's text (about 9 KiB).
			k := (n - 9<<10) / (MaxStringBytes - 16)
			firstFinding(d)["steps"] = repeat(strings.Repeat("x", MaxStringBytes-16), k)
		}, MaxTextBytes, "of text in all", "$", "1 MiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			over := hostileDoc(t, func(d map[string]any) { c.change(d, c.limit+1) })
			if c.name == "all text" {
				over = hostileDoc(t, func(d map[string]any) { c.change(d, c.limit+MaxStringBytes) })
			}
			_, err := Parse(over)
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("past the limit: %v, want a LimitError", err)
			}
			if le.What != c.what || le.Limit != c.limit || le.Path != c.path {
				t.Errorf("got %+v, want %s, %d at %s", le, c.what, c.limit, c.path)
			}
			if want := c.unitText; want != "" && !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not name the limit %s", err, want)
			}
			if c.name == "all text" {
				return
			}
			at := hostileDoc(t, func(d map[string]any) { c.change(d, c.limit) })
			if _, err := Parse(at); err != nil && errors.As(err, &le) {
				t.Errorf("at the limit: %v", err)
			}
		})
	}
}

// The named bounds see a key as the decoder matches it to a field:
// escaped, or in other cases.
func TestParseLimitsKeySpelling(t *testing.T) {
	for _, key := range []string{`"FINDINGS"`, `"finding\u0073"`, `"Findings"`} {
		b := hostileDoc(t, func(d map[string]any) { d["findings"] = repeat(firstFinding(d), MaxFindings+1) })
		b = []byte(strings.Replace(string(b), `"findings"`, key, 1))
		var le *LimitError
		if _, err := Parse(b); !errors.As(err, &le) || le.What != "findings" {
			t.Errorf("key %s: %v, want the findings limit", key, err)
		}
	}
}

// Nesting and the count of values.
func TestParseLimitsShape(t *testing.T) {
	deep := hostileDoc(t, func(d map[string]any) { d["future"] = "X" })
	deep = []byte(strings.Replace(string(deep), `"X"`, strings.Repeat("[", MaxDepth)+strings.Repeat("]", MaxDepth), 1))
	var le *LimitError
	if _, err := Parse(deep); !errors.As(err, &le) || le.What != "levels of nesting" {
		t.Errorf("nested %d deep: %v", MaxDepth, err)
	}
	many := hostileDoc(t, func(d map[string]any) {
		m := map[string]any{}
		for i := range MaxValues/MaxListItems + 1 {
			m[strings.Repeat("k", i+1)] = repeat(0, MaxListItems)
		}
		d["future"] = m
	})
	if _, err := Parse(many); !errors.As(err, &le) || le.What != "values in all" {
		t.Errorf("%d values: %v", MaxValues+1, err)
	}
	if _, err := Parse(make([]byte, MaxReportBytes+1)); !errors.As(err, &le) || !strings.Contains(err.Error(), "16 MiB") {
		t.Errorf("a file past %d bytes: %v", MaxReportBytes, err)
	}
}

// Bytes that are not JSON end the scan quietly; the decoder names the
// fault.
func TestParseLimitsNotJSON(t *testing.T) {
	for _, b := range []string{``, `"`, `{"a`, `}}}`, `[1,2`, `{"a":"\`, `nul`, `{"findings":[`} {
		_, err := Parse([]byte(b))
		var le *LimitError
		if err == nil || errors.As(err, &le) {
			t.Errorf("%q: %v, want a JSON error", b, err)
		}
	}
}

// FuzzCheckLimits: the scan of a saved report's bounds never panics nor
// reads past its input, and what it lets through, when it is JSON, nests
// no deeper than MaxDepth and holds no more than MaxValues values.
func FuzzCheckLimits(f *testing.F) {
	for _, s := range []string{`{"findings":[{"evidence":[1,2]}]}`, `[[["a\"b",{"k":null}]]]`, `{"a":"\u0041"}`, `"x`, `{]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if checkLimits(b) != nil || !json.Valid(b) {
			return
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		var depth, values func(v any) int
		depth = func(v any) int {
			d := 0
			switch x := v.(type) {
			case []any:
				for _, e := range x {
					d = max(d, depth(e))
				}
				return d + 1
			case map[string]any:
				for _, e := range x {
					d = max(d, depth(e))
				}
				return d + 1
			}
			return 0
		}
		values = func(v any) int {
			n := 1
			switch x := v.(type) {
			case []any:
				for _, e := range x {
					n += values(e)
				}
			case map[string]any:
				for _, e := range x {
					n += values(e)
				}
			}
			return n
		}
		if d := depth(doc); d > MaxDepth {
			t.Errorf("nests %d deep, let through", d)
		}
		if n := values(doc); n > MaxValues {
			t.Errorf("%d values, let through", n)
		}
	})
}
