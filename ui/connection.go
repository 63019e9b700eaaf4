package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// connScreen is step 2: how this computer reaches the network, in plain
// words with a picture each.
type connScreen struct {
	z     *Wizard
	root  fyne.CanvasObject
	lines *fyne.Container
	busy  *widget.Activity
	start *button
}

func newConnScreen(z *Wizard) *connScreen {
	s := &connScreen{z: z, lines: container.NewVBox(), busy: widget.NewActivity()}
	s.start = newButton(T.ConnStart, z.startCheck, z.escape)
	s.start.Importance = widget.HighImportance
	s.start.Icon = theme.MediaPlayIcon()
	big := container.New(layout.NewCenterLayout(), container.NewGridWrap(fyne.NewSize(340, 64), s.start))
	s.root = container.NewVBox(heading(T.ConnTitle), wrapped(T.ConnIntro), s.lines, gap(), big)
	return s
}

// envLine is one sentence of the screen with its picture.
type envLine struct {
	icon fyne.Resource
	text string
}

// envLines says what was found, in the order a person reads it: the proxy,
// then the VPN.
func envLines(req Request, env *Environment, err error) []envLine {
	var out []envLine
	switch req.Proxy {
	case ProxyNone:
		out = append(out, envLine{theme.ConfirmIcon(), T.ConnNoProxyUser})
	case ProxyURL:
		out = append(out, envLine{theme.MailForwardIcon(), fmt.Sprintf(T.ConnProxyOwn, req.ProxyURL)})
	}
	if err != nil {
		return append(out, envLine{theme.WarningIcon(), fmt.Sprintf(T.ConnFailed, err)})
	}
	if env == nil {
		return append(out, envLine{theme.InfoIcon(), T.ConnNotChecked})
	}
	if req.Proxy == ProxySystem || req.Proxy == "" {
		if p := env.Proxy; p != nil {
			where := sourceWords(p)
			if p.Auto {
				out = append(out, envLine{theme.MailForwardIcon(), fmt.Sprintf(T.ConnProxyAuto, where)})
			} else {
				out = append(out, envLine{theme.MailForwardIcon(), fmt.Sprintf(T.ConnProxy, where)})
			}
			if p.Address != "" {
				out = append(out, envLine{theme.InfoIcon(), fmt.Sprintf(T.ConnProxyAt, p.Address)})
			}
		} else {
			out = append(out, envLine{theme.ConfirmIcon(), T.ConnNoProxy})
		}
	}
	if v := env.VPN; v != nil {
		text := T.ConnVPNUnnamed
		if n := firstOf(v.Name, v.Interface); n != "" {
			text = fmt.Sprintf(T.ConnVPN, n)
		}
		out = append(out, envLine{theme.VisibilityOffIcon(), text})
	} else {
		out = append(out, envLine{theme.ConfirmIcon(), T.ConnNoVPN})
	}
	return out
}

// sourceWords says who set a proxy: "by your company (Windows settings)".
func sourceWords(p *ProxyInfo) string {
	w, ok := T.SourceWords[p.Source]
	if !ok {
		w = p.Source
	}
	if p.Managed || p.Source == "wpad" || p.Source == "winhttp" {
		return fmt.Sprintf(T.SourceCompany, w)
	}
	return fmt.Sprintf(T.SourceOther, w)
}

// update shows what is known now.
func (s *connScreen) update() {
	s.lines.RemoveAll()
	if s.z.envBusy {
		s.busy.Start()
		s.lines.Add(container.NewHBox(s.busy, widget.NewLabel(T.ConnLooking)))
		s.relayout()
		return
	}
	s.busy.Stop()
	for _, l := range envLines(s.z.req, s.z.env, s.z.envErr) {
		icon := widget.NewIcon(l.icon)
		s.lines.Add(container.NewBorder(nil, nil, icon, nil, wrapped(l.text)))
	}
	s.relayout()
}

// relayout lays the screen out again for the lines it now has: adding
// them does not move what is below, so Start the check covered the third
// line.
func (s *connScreen) relayout() {
	s.root.Refresh()
	if s.z.scroll != nil {
		s.z.scroll.Refresh()
	}
}
