package netenv

import (
	"bufio"
	"strings"
)

// iniSection is one [section] of an INI text, its keys in order ("" names
// the lines before any header).
type iniSection struct {
	name string
	keys []iniKey
}

// iniKey is one key = value line, both trimmed.
type iniKey struct{ key, value string }

// get is key's last value in s, or "".
func (s iniSection) get(key string) string {
	v := ""
	for _, k := range s.keys {
		if k.key == key {
			v = k.value
		}
	}
	return v
}

// parseINI reads an INI text (Firefox's profiles.ini, KDE's kioslaverc)
// into its sections, in order. Blank lines, comments (; or #) and lines
// without "=" are passed over.
func parseINI(text string) []iniSection {
	secs := []iniSection{{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == ';' || line[0] == '#' {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			secs = append(secs, iniSection{name: line[1 : len(line)-1]})
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			s := &secs[len(secs)-1]
			s.keys = append(s.keys, iniKey{strings.TrimSpace(k), strings.TrimSpace(v)})
		}
	}
	return secs
}
