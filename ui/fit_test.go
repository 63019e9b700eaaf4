package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

func TestFitSize(t *testing.T) {
	pref := WindowSize()
	for _, c := range []struct {
		w, h  int
		scale float32
		want  fyne.Size
	}{
		{1920, 1040, 1, pref},                         // room enough
		{1366, 728, 1.25, fyne.NewSize(900, 544)},     // 1366×768 at 125%, a 40 px task bar
		{1280, 720, 1.5, fyne.NewSize(842.6667, 448)}, // 1280×720 at 150%
		{0, 0, 1, pref},                               // no monitor read
		{1093, 614, 0, fyne.NewSize(900, 566)},        // scale unknown: 1
	} {
		got := fitSize(pref, c.w, c.h, c.scale)
		if d := got.Subtract(c.want); d.Width > 0.01 || d.Width < -0.01 || d.Height > 0.01 || d.Height < -0.01 {
			t.Errorf("%dx%d at %v: %v, want %v", c.w, c.h, c.scale, got, c.want)
		}
		if px := got.Width*max(c.scale, 1) + frameWidth; c.w > 0 && px > float32(c.w)+0.01 {
			t.Errorf("%dx%d at %v: %v px wide", c.w, c.h, c.scale, px)
		}
	}
}
