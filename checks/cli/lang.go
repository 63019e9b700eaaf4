package cli

import (
	"fmt"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// SplitLang takes the window's --lang LANG (or --lang=LANG) from the
// front of args, as SplitPreset takes --preset: the language of the
// window, the findings and the reports, over the preset's and the
// system's. The language must be one there are texts for.
func SplitLang(args []string) (lang string, rest []string, err error) {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			out = append(out, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return "", nil, fmt.Errorf("--lang needs a language (%s)", strings.Join(i18n.Languages, ", "))
			}
			i++
			value = args[i]
		}
		if err := i18n.Check(value); err != nil {
			return "", nil, fmt.Errorf("--lang: %w", err)
		}
		lang = value
	}
	return lang, out, nil
}
