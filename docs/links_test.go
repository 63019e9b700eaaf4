// Package docs holds the project's documentation; its only code is this test,
// which keeps the links between README.md and docs/*.md from going stale when
// a file or a heading moves.
package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// linkRE matches a markdown link or image, [text](target) or ![alt](target),
// with an optional "title" after the target. Link text may hold brackets of
// its own one level deep ([`a[0]`](x)).
var linkRE = regexp.MustCompile(`!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)

// headingRE matches an ATX heading line: one to six #, a space, the text.
var headingRE = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)

// markdownFiles lists README.md and every docs/*.md, relative to the
// repository root, which is the parent of this package's folder.
func markdownFiles(t *testing.T) (root string, files []string) {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatalf("docs: repository root: %v", err)
	}
	files = append(files, filepath.Join(root, "README.md"))
	more, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatalf("docs: listing docs/*.md: %v", err)
	}
	return root, append(files, more...)
}

// withoutCode blanks fenced code blocks and inline code spans, so a link or a
// heading shown as an example in code is neither checked nor counted. Lines
// stay where they were, so error messages name the right line.
func withoutCode(text string) []string {
	lines := strings.Split(text, "\n")
	inFence := false
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inFence = !inFence
			lines[i] = ""
			continue
		}
		if inFence {
			lines[i] = ""
			continue
		}
		lines[i] = blankCodeSpans(line)
	}
	return lines
}

// blankCodeSpans replaces the inside of every `code span` with spaces, so a
// bracket or parenthesis in code cannot start or end a link. The backticks
// themselves stay: a link text such as [`check`](usage.md) still matches.
func blankCodeSpans(line string) string {
	b := []byte(line)
	open := -1
	for i := 0; i < len(b); i++ {
		if b[i] != '`' {
			continue
		}
		if open < 0 {
			open = i
			continue
		}
		for j := open + 1; j < i; j++ {
			b[j] = 'x'
		}
		open = -1
	}
	return string(b)
}

// slug is GitHub's anchor for a heading: lower case, markdown code and link
// syntax dropped, every character that is not a letter, digit, space, '-' or
// '_' removed, then each space turned into '-'.
func slug(heading string) string {
	heading = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`).ReplaceAllString(heading, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors returns every heading anchor of a markdown file, a repeated heading
// numbered as GitHub does (name, name-1, name-2, ...). Lines inside fenced
// code blocks are not headings; the words of code spans in a heading count.
func anchors(text string) map[string]bool {
	seen := map[string]int{}
	out := map[string]bool{}
	inFence := false
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inFence = !inFence
			continue
		}
		m := headingRE.FindStringSubmatch(line)
		if inFence || m == nil {
			continue
		}
		s := slug(m[1])
		n := seen[s]
		seen[s]++
		if n > 0 {
			s += "-" + strconv.Itoa(n)
		}
		out[s] = true
	}
	return out
}

func TestRelativeLinksResolve(t *testing.T) {
	root, files := markdownFiles(t)
	texts := map[string]string{}
	read := func(path string) (string, bool) {
		if text, ok := texts[path]; ok {
			return text, true
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "", false
		}
		texts[path] = string(b)
		return texts[path], true
	}
	checked := 0
	for _, file := range files {
		text, ok := read(file)
		if !ok {
			t.Fatalf("docs: cannot read %s", file)
		}
		name, _ := filepath.Rel(root, file)
		for i, line := range withoutCode(text) {
			for _, m := range linkRE.FindAllStringSubmatch(line, -1) {
				target := m[1]
				lower := strings.ToLower(target)
				if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") ||
					strings.HasPrefix(lower, "mailto:") {
					continue
				}
				checked++
				path, anchor, _ := strings.Cut(target, "#")
				dest := file
				if path != "" {
					dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
				}
				info, err := os.Stat(dest)
				if err != nil {
					t.Errorf("%s:%d: link %q: %s does not exist", name, i+1, target, path)
					continue
				}
				if anchor == "" {
					continue
				}
				if info.IsDir() || !strings.HasSuffix(strings.ToLower(dest), ".md") {
					t.Errorf("%s:%d: link %q: an anchor into a file that is not markdown", name, i+1, target)
					continue
				}
				destText, ok := read(dest)
				if !ok {
					t.Errorf("%s:%d: link %q: cannot read %s", name, i+1, target, path)
					continue
				}
				if !anchors(destText)[strings.ToLower(anchor)] {
					t.Errorf("%s:%d: link %q: no heading of %s has the anchor #%s",
						name, i+1, target, filepath.Base(dest), anchor)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("docs: no relative link found at all; is the link pattern broken?")
	}
}

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ heading, want string }{
		{"Your own browser (check --browser)", "your-own-browser-check---browser"},
		{"What it recognises (make lab)", "what-it-recognises-make-lab"},
		{"Windows, tested under Wine", "windows-tested-under-wine"},
		{"Quick start (Debian 12, Go 1.26 on PATH, make)", "quick-start-debian-12-go-126-on-path-make"},
		{"snake_case stays", "snake_case-stays"},
		{"A [linked](x.md) word", "a-linked-word"},
	} {
		t.Run(tc.heading, func(t *testing.T) {
			if got := slug(tc.heading); got != tc.want {
				t.Errorf("slug(%q) = %q, want %q", tc.heading, got, tc.want)
			}
		})
	}
}

func TestAnchorsNumberRepeats(t *testing.T) {
	got := anchors("# Setup\n\n```\n# not a heading\n```\n\n## Setup\n### Setup\n")
	for _, want := range []string{"setup", "setup-1", "setup-2"} {
		if !got[want] {
			t.Errorf("anchors: %q missing from %v", want, got)
		}
	}
	if got["not-a-heading"] {
		t.Errorf("anchors: a line in a code block was taken for a heading")
	}
}
