// Package assets holds the files built into the program: the default preset
// and the icon.
package assets

import _ "embed"

// Preset is the embedded preset. The default has no target, so the app
// offers its built-in self-test; support teams build with their own.
//
//go:embed preset.json
var Preset []byte
