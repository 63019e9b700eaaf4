// Package assets holds the files built into the program: the default preset,
// the icon and every word a person reads, per language.
package assets

import (
	"embed"
	"io/fs"
)

// Preset is the embedded preset. The default has no target, so the app
// offers its built-in self-test; support teams build with their own.
//
//go:embed preset.json
var Preset []byte

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

// fonts holds what the window draws that Fyne's own Latin font lacks: Noto
// Sans CJK cut down to the characters of the catalogues and the window (make
// fonts writes them; ui's font test fails when a character is missing), so
// no glyph depends on the fonts of the machine.
//
//go:embed fonts/*.otf
var fonts embed.FS

// Font is the carried font of a glyph variant, "JP" (Japanese shapes) or
// "SC" (Simplified Chinese, for every other language), regular or bold.
func Font(variant string, bold bool) (name string, data []byte) {
	name = "NotoSansCJK" + variant + "-Regular.otf"
	if bold {
		name = "NotoSansCJK" + variant + "-Bold.otf"
	}
	data, err := fonts.ReadFile("fonts/" + name)
	if err != nil {
		panic(err) // the fonts are embedded: a wrong variant is a programming error
	}
	return name, data
}

// Middleboxes are the fingerprints of the products that sit between a
// computer and a service (gateways, proxies, security programs): their
// certificate issuers, headers, block pages, proxy realms, PAC hosts and
// process names, read by package checks/diagnose.
//
//go:embed middleboxes.json
var Middleboxes []byte
