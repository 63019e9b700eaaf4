package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// connScreen is step 2: how this computer reaches the network, in plain
// words with a picture each.
type connScreen struct {
	z     *Wizard
	intro *widget.Label
	root  fyne.CanvasObject
	lines *fyne.Container
	busy  *widget.Activity
	start *button
}

func newConnScreen(z *Wizard) *connScreen {
	s := &connScreen{z: z, lines: container.NewVBox(), busy: widget.NewActivity()}
	l := z.lang
	s.start = newButton(l.T("window.conn.start"), z.startCheck, z.escape)
	s.start.Importance = widget.HighImportance
	s.start.Icon = theme.MediaPlayIcon()
	big := container.New(layout.NewCenterLayout(), container.NewGridWrap(fyne.NewSize(340, 64), s.start))
	s.intro = wrapped(l.T("window.conn.intro"))
	s.root = container.NewVBox(heading(l.T("window.conn.title")), s.intro, s.lines, gap(), big)
	return s
}

// envLine is one sentence of the screen with its picture.
type envLine struct {
	icon fyne.Resource
	text string
}

// envLines says what was found, in the order a person reads it: the proxy,
// then the VPN.
func (l language) envLines(req Request, env *session.Connection, err error) []envLine {
	var out []envLine
	switch req.Proxy {
	case ProxyNone:
		out = append(out, envLine{theme.ConfirmIcon(), l.T("window.conn.no_proxy_chosen")})
	case ProxyURL:
		out = append(out, envLine{theme.MailForwardIcon(), l.T("window.conn.proxy_own", "address", req.ProxyURL)})
	}
	if err != nil {
		return append(out, envLine{theme.WarningIcon(), l.T("window.conn.failed", "error", err.Error())})
	}
	if env == nil {
		return append(out, envLine{theme.InfoIcon(), l.T("window.conn.not_checked")})
	}
	if req.Proxy == ProxySystem || req.Proxy == "" {
		if p := env.Proxy; p != nil {
			where := l.sourceWords(p)
			if p.Auto {
				out = append(out, envLine{theme.MailForwardIcon(), l.T("window.conn.proxy_auto", "where", where)})
			} else {
				out = append(out, envLine{theme.MailForwardIcon(), l.T("window.conn.proxy", "where", where)})
			}
			if p.Address != "" {
				out = append(out, envLine{theme.InfoIcon(), l.T("window.conn.proxy_at", "address", p.Address)})
			}
		} else {
			out = append(out, envLine{theme.ConfirmIcon(), l.T("window.conn.no_proxy")})
		}
	}
	if v := env.VPN; v != nil {
		text := l.T("window.conn.vpn_unnamed")
		if n := firstOf(v.Name, v.Interface); n != "" {
			text = l.T("window.conn.vpn", "name", n)
		}
		out = append(out, envLine{theme.VisibilityOffIcon(), text})
	} else {
		out = append(out, envLine{theme.ConfirmIcon(), l.T("window.conn.no_vpn")})
	}
	return out
}

// sourceWords says who set a proxy: "by your company (the Windows
// internet settings)", the source in the diagnosis's words.
func (l language) sourceWords(p *session.ProxyInfo) string {
	w := l.label("source."+p.Source, p.Source)
	if p.Managed || p.Source == "wpad" || p.Source == "winhttp" {
		return l.T("window.conn.set_by_company", "source", w)
	}
	return l.T("window.conn.set_on_computer", "source", w)
}

// update shows what is known now.
func (s *connScreen) update() {
	l := s.z.lang
	s.lines.RemoveAll()
	// The self-test goes nowhere near the network: it cannot "go the same
	// way" as the computer's other connections.
	intro := l.T("window.conn.intro")
	if s.z.req.SelfTest {
		intro = l.T("window.conn.intro_self_test")
	}
	s.intro.SetText(intro)
	if s.z.envBusy {
		s.busy.Start()
		s.lines.Add(container.NewHBox(s.busy, widget.NewLabel(l.T("window.conn.looking"))))
		s.relayout()
		return
	}
	s.busy.Stop()
	for _, line := range l.envLines(s.z.req, s.z.env, s.z.envErr) {
		icon := widget.NewIcon(line.icon)
		s.lines.Add(container.NewBorder(nil, nil, icon, nil, wrapped(line.text)))
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
