package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// button is a widget.Button that Enter presses as well as Space, and that
// passes Escape to the wizard: a keyboard user tabs to a button and presses
// Enter, and Escape means "stop" or "back" wherever the focus is.
type button struct {
	widget.Button
	escape   func()
	hasFocus bool
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

// notice is a line of feedback with a picture, so that "done" and "that
// failed" do not rest on colour alone (the default theme's green is faint
// on white).
type notice struct {
	icon  *widget.Icon
	label *widget.Label
	root  *fyne.Container
}

// The kinds of notice.
const (
	noticeInfo = iota
	noticeDone
	noticeError
)

func newNotice() *notice {
	n := &notice{icon: widget.NewIcon(nil), label: widget.NewLabel("")}
	n.label.Wrapping = fyne.TextWrapWord
	n.root = container.NewBorder(nil, nil, n.icon, nil, n.label)
	n.root.Hide()
	return n
}

// Say shows text as kind.
func (n *notice) Say(kind int, text string) {
	n.label.Importance = widget.MediumImportance
	switch kind {
	case noticeDone:
		n.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	case noticeError:
		n.icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
		n.label.Importance = widget.DangerImportance
	default:
		n.icon.SetResource(theme.InfoIcon())
	}
	n.label.SetText(text)
	n.root.Show()
}

// Hide hides the notice.
func (n *notice) Hide() { n.root.Hide() }

// Visible reports whether the notice is shown.
func (n *notice) Visible() bool { return n.root.Visible() }

// Text is the notice's text.
func (n *notice) Text() string { return n.label.Text }
