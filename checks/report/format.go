package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// Format is an export format.
type Format string

// The formats a report is written in.
const (
	FormatHTML     Format = "html"
	FormatJSON     Format = "json"
	FormatMarkdown Format = "md"
	FormatText     Format = "text"
	// FormatCSV is the watch's event log (a run without a watch: its
	// probe results) as a table for support's tools; see CSV.
	FormatCSV Format = "csv"
)

// Formats lists the formats of the whole report, for usage texts.
var Formats = []Format{FormatHTML, FormatJSON, FormatMarkdown, FormatText}

// Exports is every format Render writes: the report's and the CSV table.
var Exports = []Format{FormatHTML, FormatJSON, FormatMarkdown, FormatText, FormatCSV}

// ParseFormat reads a --format value; a few common spellings are accepted.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "html", "htm":
		return FormatHTML, nil
	case "json":
		return FormatJSON, nil
	case "md", "markdown":
		return FormatMarkdown, nil
	case "text", "txt":
		return FormatText, nil
	case "csv":
		return FormatCSV, nil
	}
	return "", fmt.Errorf("unknown format %q: use html, json, md, text or csv", s)
}

// FormatOf infers the format from a file name's extension.
func FormatOf(path string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		return FormatHTML, true
	case ".json":
		return FormatJSON, true
	case ".md", ".markdown":
		return FormatMarkdown, true
	case ".txt", ".text":
		return FormatText, true
	case ".csv":
		return FormatCSV, true
	}
	return "", false
}

// Render writes r in format f, in the language of words (English when
// nil). JSON and CSV are the same in every language: their fields and
// values are for machines and support.
func Render(w io.Writer, r Report, f Format, words *i18n.Words) error {
	switch f {
	case FormatHTML:
		return HTML(w, r, words)
	case FormatJSON:
		b, err := r.JSON()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	case FormatMarkdown:
		return Markdown(w, r, words)
	case FormatText:
		return Text(w, r, words)
	case FormatCSV:
		return CSV(w, r)
	}
	return fmt.Errorf("report: unknown format %q", f)
}
