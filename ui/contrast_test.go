package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// over is c laid over the opaque bg.
func over(c, bg color.Color) color.Color {
	f, b := color.NRGBAModel.Convert(c).(color.NRGBA), color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(f.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(a*float64(x) + (1-a)*float64(y))) }
	return color.NRGBA{R: mix(f.R, b.R), G: mix(f.G, b.G), B: mix(f.B, b.B), A: 0xff}
}

// TestControlsStandOut computes, from the app's theme in the light and the
// dark variant, the contrast of every control and state against what is
// next to it: at least 3:1 for a control's edge, its selected state and the
// focus (WCAG 2.2, 1.4.11 and 2.4.11), 4.5:1 for text.
func TestControlsStandOut(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		th := Theme(lang)
		for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
			col := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
			bg, input := col(theme.ColorNameBackground), col(theme.ColorNameInputBackground)
			for _, c := range []struct {
				what     string
				fg, next color.Color
				want     float64
			}{
				{"a plain button's outline", col(colorNameEdge), bg, 3},
				{"an entry's edge against the window", col(theme.ColorNameInputBorder), bg, 3},
				{"an entry's edge against its inside", col(theme.ColorNameInputBorder), input, 3},
				{"an unselected radio button or check box", col(theme.ColorNameInputBorder), bg, 3},
				{"a selected radio button or check box", col(theme.ColorNamePrimary), bg, 3},
				{"the primary button", col(theme.ColorNamePrimary), bg, 3},
				{"the focus ring", col(colorNameFocusRing), bg, 3},
				{"the focus tint of a radio button or check box", over(col(theme.ColorNameFocus), bg), bg, 3},
				{"the focused primary button against the window", over(col(theme.ColorNameFocus), col(theme.ColorNamePrimary)), bg, 3},
				{"an error", col(theme.ColorNameError), bg, 3},
				{"text", col(theme.ColorNameForeground), bg, 4.5},
				{"text on a plain button", col(theme.ColorNameForeground), col(theme.ColorNameButton), 4.5},
				{"text on the primary button", col(theme.ColorNameForegroundOnPrimary), col(theme.ColorNamePrimary), 4.5},
			} {
				if got := contrast(c.fg, c.next); got < c.want {
					t.Errorf("%s, variant %v: %s stands out %.2f:1, want at least %.1f:1", lang, v, c.what, got, c.want)
				}
			}
		}
	}
}

func TestContrastOfKnownColours(t *testing.T) {
	// The measurement: #202023 on #171718 is 1.10:1 (contrast is
	// path_test.go's).
	if got := contrast(color.NRGBA{0x20, 0x20, 0x23, 0xff}, color.NRGBA{0x17, 0x17, 0x18, 0xff}); math.Abs(got-1.10) > 0.01 {
		t.Errorf("contrast = %.3f, want 1.10", got)
	}
	if got := contrast(color.White, color.Black); math.Abs(got-21) > 0.01 {
		t.Errorf("contrast of white and black = %.2f, want 21", got)
	}
}
