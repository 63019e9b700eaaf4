package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// textScale makes the text larger than Fyne's default: the people this app
// is for read it once, carefully, often on a laptop far from their eyes.
const textScale = 1.15

// Theme is Fyne's default theme with larger text. It keeps the system's
// light or dark variant, so the window follows the desktop.
func Theme() fyne.Theme { return bigText{theme.DefaultTheme()} }

type bigText struct{ fyne.Theme }

func (t bigText) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, v)
}

func (t bigText) Size(n fyne.ThemeSizeName) float32 {
	s := t.Theme.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText,
		theme.SizeNameCaptionText, theme.SizeNameInlineIcon:
		return s * textScale
	}
	return s
}
