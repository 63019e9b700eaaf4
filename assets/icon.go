package assets

import _ "embed"

// IconPNG is the app's icon, 512 px, rendered from icon.svg (make icon).
// The window sets it with fyne.NewStaticResource; the installers and the
// report use the same file.
//
//go:embed icon.png
var IconPNG []byte
