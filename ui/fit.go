package ui

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// The window's size where the screen has room for it; on a smaller
// screen, or at a larger scale, FitToScreen makes it smaller.
const (
	windowWidth  = 900
	windowHeight = 640
)

// WindowSize is the window's size before it knows its screen.
func WindowSize() fyne.Size { return fyne.NewSize(windowWidth, windowHeight) }

// Room the window leaves in the work area: its title bar and frame, which
// the work area does not subtract, and a margin.
const (
	frameWidth  = 16
	frameHeight = 48
)

// fitSize is pref, made small enough that a window of it, with its frame,
// fits a work area of workW×workH pixels at scale (Fyne's units to
// pixels, FYNE_SCALE times the monitor's).
func fitSize(pref fyne.Size, workW, workH int, scale float32) fyne.Size {
	if workW <= 0 || workH <= 0 {
		return pref
	}
	if scale <= 0 {
		scale = 1
	}
	w := (float32(workW) - frameWidth) / scale
	h := (float32(workH) - frameHeight) / scale
	return fyne.NewSize(min(pref.Width, w), min(pref.Height, h))
}

// FitToScreen resizes w to WindowSize, or to what the primary monitor's
// work area (the screen less its task bar or dock) leaves at the window's
// scale, and centres it. It must run on Fyne's main goroutine once the
// driver runs: in the app's Lifecycle OnStarted.
func FitToScreen(w fyne.Window) {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return
	}
	_, _, workW, workH := m.GetWorkarea()
	w.Resize(fitSize(WindowSize(), workW, workH, w.Canvas().Scale()))
	w.CenterOnScreen()
}
