package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/internal/bounded"
)

// The bounds of a saved report that Parse reads. A real report holds a few
// dozen results and findings and a few hundred KiB of text; a hostile
// file, even one under the size limit, could otherwise make `report` hold
// gigabytes (each small JSON value decodes to many bytes) and write an
// HTML page several times its size. They are counted on the raw bytes,
// before anything is decoded, so that `report` stays under 128 MiB whatever
// the file holds; past one, Parse refuses the file with an error that
// names the limit.
const (
	// MaxReportBytes bounds the file itself.
	MaxReportBytes = bounded.MaxReport
	// MaxResults bounds the probe results (a check has about twenty).
	MaxResults = 256
	// MaxFindings bounds the findings (there are fewer kinds than this).
	MaxFindings = 256
	// MaxEvidenceRows bounds the evidence rows of one result or finding.
	MaxEvidenceRows = 256
	// MaxListItems bounds any other list (steps, terms, timings, hops,
	// and lists in fields this version does not know).
	MaxListItems = 1024
	// MaxWatchEvents bounds the watch's events: the most its log keeps.
	MaxWatchEvents = engine.WatchLogCap
	// MaxStringBytes bounds one string, as written in the file (the
	// longest a check writes is an excerpt of a few KiB).
	MaxStringBytes = 64 << 10
	// MaxTextBytes bounds all strings together, names included.
	MaxTextBytes = 1 << 20
	// MaxValues bounds the JSON values (numbers, strings, lists, objects...)
	// in all.
	MaxValues = 100_000
	// MaxDepth bounds how deeply lists and objects nest (a report nests
	// five deep).
	MaxDepth = 32
)

// LimitError says which bound of a saved report a file passes.
type LimitError struct {
	// What is counted ("findings", "evidence rows in one result"...).
	What string
	// Limit is the bound, in bytes when Bytes is set.
	Limit int
	Bytes bool
	// Path is where in the file it was passed ("$.findings"), "$" for
	// the whole file.
	Path string
}

func (e *LimitError) Error() string {
	n := strconv.Itoa(e.Limit)
	if e.Bytes {
		n = sizeText(e.Limit)
	}
	where := "in the file"
	if e.Path != "$" {
		where = "at " + e.Path
	}
	return fmt.Sprintf("report: more than %s %s %s: past the limit of a saved report, so it is not read", n, e.What, where)
}

// sizeText writes n bytes in KiB or MiB.
func sizeText(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.Itoa(n>>20) + " MiB"
	}
	return strconv.Itoa(n>>10) + " KiB"
}

// checkLimits measures the JSON document b against the bounds above
// without decoding it: no string is copied, so a hostile file costs
// nothing but the scan. It does not check that b is valid JSON (the
// decoder does, after); on bytes that are not, it stops quietly or
// reports a limit, never reads past b.
func checkLimits(b []byte) error {
	if len(b) > MaxReportBytes {
		return &LimitError{What: "in all", Limit: MaxReportBytes, Bytes: true, Path: "$"}
	}
	s := scanner{b: b}
	return s.run()
}

// frame is one open list or object: its path (object keys, "[]" for a
// list's items), how many items it has so far and its own bound.
type frame struct {
	list  bool
	n     int
	limit int
	what  string
	path  string
}

type scanner struct {
	b      []byte
	i      int
	stack  []frame
	key    string // the last object key read, for the next value's path
	values int
	text   int
}

func (s *scanner) path() string {
	if len(s.stack) == 0 {
		return "$"
	}
	return s.stack[len(s.stack)-1].path
}

func (s *scanner) run() error {
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch c {
		case ' ', '\t', '\n', '\r', ',', ':':
			s.i++
			continue
		case '}', ']':
			if len(s.stack) == 0 {
				return nil // not JSON: the decoder says so
			}
			s.stack = s.stack[:len(s.stack)-1]
			s.i++
			continue
		case '"':
			end, ok := s.stringEnd()
			if !ok {
				return nil
			}
			n := end - s.i - 2
			if n > MaxStringBytes {
				return &LimitError{What: "in one string", Limit: MaxStringBytes, Bytes: true, Path: s.childPath()}
			}
			if s.text += n; s.text > MaxTextBytes {
				return &LimitError{What: "of text in all", Limit: MaxTextBytes, Bytes: true, Path: "$"}
			}
			isKey := len(s.stack) > 0 && !s.stack[len(s.stack)-1].list && s.nextIsColon(end)
			if isKey {
				s.key = keyName(s.b[s.i:end])
				s.i = end
				continue
			}
			s.i = end
			if err := s.value(); err != nil {
				return err
			}
			continue
		case '{', '[':
			if err := s.value(); err != nil {
				return err
			}
			path := s.childPath()
			if len(s.stack) >= MaxDepth {
				return &LimitError{What: "levels of nesting", Limit: MaxDepth, Path: path}
			}
			f := frame{list: c == '[', path: path}
			if f.list {
				f.what, f.limit = listBound(path)
			}
			s.stack = append(s.stack, f)
			s.i++
			continue
		default:
			// A number, true, false or null: up to the next delimiter.
			start := s.i
			for s.i < len(s.b) && !delimiter(s.b[s.i]) {
				s.i++
			}
			if s.i == start {
				s.i++
			}
			if err := s.value(); err != nil {
				return err
			}
		}
	}
	return nil
}

// value counts one value, and one item of the list it is in.
func (s *scanner) value() error {
	if s.values++; s.values > MaxValues {
		return &LimitError{What: "values in all", Limit: MaxValues, Path: "$"}
	}
	if len(s.stack) == 0 {
		return nil
	}
	f := &s.stack[len(s.stack)-1]
	if !f.list {
		return nil
	}
	if f.n++; f.n > f.limit {
		return &LimitError{What: f.what, Limit: f.limit, Path: f.path}
	}
	return nil
}

// childPath is the path of the value about to be read.
func (s *scanner) childPath() string {
	if len(s.stack) == 0 {
		return "$"
	}
	f := s.stack[len(s.stack)-1]
	if f.list {
		return f.path + "[]"
	}
	return f.path + "." + s.key
}

// keyName is the object key written as raw (quotes included), as the
// decoder matches it to a field (escapes decoded, in lower case), cut to a
// few bytes: it only names a place.
func keyName(raw []byte) string {
	if len(raw) > maxKeyInPath+2 {
		return string(raw[1:maxKeyInPath+1]) + "..."
	}
	var k string
	if json.Unmarshal(raw, &k) != nil {
		k = string(raw[1 : len(raw)-1])
	}
	return strings.ToLower(k)
}

// listBound is the bound of the list at path, and what it counts.
func listBound(path string) (string, int) {
	switch path {
	case "$.results":
		return "results", MaxResults
	case "$.findings":
		return "findings", MaxFindings
	case "$.results[].evidence":
		return "evidence rows in one result", MaxEvidenceRows
	case "$.findings[].evidence":
		return "evidence rows in one finding", MaxEvidenceRows
	case "$.watch.events":
		return "watch events", MaxWatchEvents
	}
	return "items in one list", MaxListItems
}

// stringEnd is the index just past the string that starts at s.i, and
// false when it does not end.
func (s *scanner) stringEnd() (int, bool) {
	for j := s.i + 1; j < len(s.b); j++ {
		switch s.b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// maxKeyInPath is how much of a key an error's path shows.
const maxKeyInPath = 40

func delimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', ':', ']', '}', '[', '{', '"':
		return true
	}
	return false
}

// nextIsColon says whether the next byte past blanks after end is ':'.
func (s *scanner) nextIsColon(end int) bool {
	for j := end; j < len(s.b); j++ {
		switch s.b[j] {
		case ' ', '\t', '\n', '\r':
			continue
		case ':':
			return true
		}
		return false
	}
	return false
}
