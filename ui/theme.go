package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"codeberg.org/wsdoctor/wsdoctor/assets"
)

// textScale makes the text larger than Fyne's default: the people this app
// is for read it once, carefully, often on a laptop far from their eyes.
const textScale = 1.15

// Theme is Fyne's default theme with larger text, for a window speaking
// lang. It keeps the system's light or dark variant, so the window follows
// the desktop, and carries its fonts: what Fyne's Latin font lacks (the
// Japanese and Chinese text, the language names, the symbols the window
// draws) comes from the Noto Sans CJK cut in assets/fonts, with Japanese
// glyph shapes for Japanese and Simplified Chinese ones otherwise, never
// from the machine's fonts (a Windows without Asian fonts shows boxes).
func Theme(lang string) fyne.Theme {
	variant := "SC"
	if lang == "ja" {
		variant = "JP"
	}
	return bigText{Theme: theme.DefaultTheme(), regular: carried(variant, false), bold: carried(variant, true)}
}

func carried(variant string, bold bool) fyne.Resource {
	name, data := assets.Font(variant, bold)
	return fyne.NewStaticResource(name, data)
}

type bigText struct {
	fyne.Theme
	regular, bold fyne.Resource
}

// Font puts the carried font first: Fyne draws each character with the
// first font that has it, then its own Latin font, then the system's. The
// carried fonts have no Latin letters, so Latin text looks as before.
func (t bigText) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace, s.Symbol:
		return t.Theme.Font(s)
	case s.Bold:
		return t.bold
	}
	return t.regular
}

// Color is Fyne's colour but where a control would stand out less than
// 3:1 from the window behind it (WCAG 2.2, 1.4.11): the outline of entries,
// radio buttons, check boxes and plain buttons, the focus, which Fyne
// draws as a faint tint, and the primary colour, under white text
// (contrast_test.go computes every pair).
func (t bigText) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	dark := v == theme.VariantDark
	switch n {
	case theme.ColorNameInputBorder, colorNameEdge:
		if dark {
			return color.NRGBA{R: 0x8e, G: 0x8e, B: 0x93, A: 0xff}
		}
		return color.NRGBA{R: 0x84, G: 0x84, B: 0x89, A: 0xff}
	case colorNameFocusRing:
		if dark {
			return color.NRGBA{R: 0x8a, G: 0xb4, B: 0xf8, A: 0xff}
		}
		return color.NRGBA{R: 0x0b, G: 0x57, B: 0xd0, A: 0xff}
	case theme.ColorNamePrimary:
		// A little darker than Fyne's #296FF6, so that white text on the
		// primary button reads at 4.5:1.
		return color.NRGBA{R: 0x25, G: 0x63, B: 0xeb, A: 0xff}
	case theme.ColorNameFocus:
		// The ring's colour, seen through: the tint Fyne lays on a
		// focused radio button, check box or button.
		if dark {
			return color.NRGBA{R: 0x8a, G: 0xb4, B: 0xf8, A: 0xb3}
		}
		return color.NRGBA{R: 0x0b, G: 0x57, B: 0xd0, A: 0xb3}
	}
	if t.Theme == nil {
		return theme.DefaultTheme().Color(n, v)
	}
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
