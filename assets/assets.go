// Package assets holds the files built into the program: the default preset,
// the icon and the words of the diagnosis.
package assets

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

// Preset is the embedded preset. The default has no target, so the app
// offers its built-in self-test; support teams build with their own.
//
//go:embed preset.json
var Preset []byte

// findings holds the diagnosis catalogue, one file per language
// (findings/<lang>.json), read and checked by package checks/diagnose.
//
//go:embed findings/*.json
var findings embed.FS

// Findings returns the diagnosis catalogue for lang ("en", ...).
func Findings(lang string) ([]byte, error) {
	b, err := findings.ReadFile("findings/" + lang + ".json")
	if err != nil {
		return nil, fmt.Errorf("assets: findings catalogue %q: %w", lang, err)
	}
	return b, nil
}

// FindingsLanguages lists the languages the diagnosis catalogue exists in.
func FindingsLanguages() []string {
	entries, _ := findings.ReadDir("findings")
	var langs []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			langs = append(langs, name)
		}
	}
	return langs
}

// words holds every word a person reads, one folder a language
// (words/<lang>/*.json, flat JSON objects of key and text), read and
// checked by package checks/i18n.
//
//go:embed words
var words embed.FS

// Words is the folder of the word catalogues: words/<lang>/<part>.json.
func Words() fs.FS {
	sub, err := fs.Sub(words, "words")
	if err != nil {
		panic(err) // the folder is embedded: it is there
	}
	return sub
}
