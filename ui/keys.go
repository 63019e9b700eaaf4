package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// button is a widget.Button that Enter presses as well as Space, and that
// passes Escape to the wizard: a keyboard user tabs to a button and presses
// Enter, and Escape means "stop" or "back" wherever the focus is.
type button struct {
	widget.Button
	escape func()
}

func newButton(label string, tapped func(), escape func()) *button {
	b := &button{escape: escape}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter and hands Escape on.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() {
			b.Tapped(nil)
		}
	case fyne.KeyEscape:
		if b.escape != nil {
			b.escape()
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// entry is a widget.Entry that hands Escape to the wizard.
type entry struct {
	widget.Entry
	escape func()
}

func newEntry(escape func()) *entry {
	e := &entry{escape: escape}
	e.ExtendBaseWidget(e)
	return e
}

func newMultiLineEntry(escape func()) *entry {
	e := newEntry(escape)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapOff
	return e
}

// TypedKey hands Escape on and leaves every other key to the entry.
func (e *entry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.escape != nil {
		e.escape()
		return
	}
	e.Entry.TypedKey(ev)
}
