package ui

import (
	"image/color"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// welcomeScreen is step 1: what the app does, the address, one button, and
// the advanced settings folded away.
type welcomeScreen struct {
	z    *Wizard
	root fyne.CanvasObject

	target  *widget.Select // the preset's targets, when there are several
	address *entry
	hint    *widget.Label
	check   *button
	// selfTest checks this computer alone, for when there is no address.
	selfTest *button

	advanced *widget.Accordion
	headers  *entry
	cookie   *entry
	proxy    *widget.RadioGroup
	proxyURL *entry
	// proxyUser and proxyPassword sign in to a proxy that asks.
	proxyUser, proxyPassword *entry
	clientCert               *entry
	clientKey                *entry
	caFile                   *entry
	idle                     *widget.Select
	// duration says how long a check takes, from its time limits.
	duration *widget.Label
	advError *widget.Label
}

func newWelcome(z *Wizard) *welcomeScreen {
	s := &welcomeScreen{z: z}
	pre, l := z.eng.Preset, z.lang
	title := heading(l.T("window.welcome.title"))
	if pre.ProductName != "" {
		title.SetText(l.T("window.welcome.title_for", "product", pre.ProductName))
	}
	intro := wrapped(l.T("window.welcome.intro"))

	s.address = newEntry(z.escape)
	s.address.SetPlaceHolder(l.T("window.address.example"))
	s.address.SetText(pre.address())
	s.address.OnChanged = func(string) { s.updateHint() }
	s.address.OnSubmitted = func(string) { s.submit() }
	s.address.Validator = func(text string) error {
		if strings.TrimSpace(text) == "" {
			return nil
		}
		_, err := engine.ParseTarget(text)
		return err
	}
	s.hint = wrapped("")
	s.updateHint()

	s.check = newButton(l.T("window.welcome.check"), s.submit, z.escape)
	s.check.Importance = widget.HighImportance
	s.check.Icon = theme.MediaPlayIcon()
	s.selfTest = newButton(l.T("window.welcome.self_test"), s.submitSelfTest, z.escape)
	s.selfTest.Importance = widget.LowImportance
	s.selfTest.Icon = theme.ComputerIcon()
	s.duration = hintLabel("")
	s.duration.Alignment = fyne.TextAlignCenter
	big := container.NewVBox(container.New(layout.NewCenterLayout(), container.NewGridWrap(fyne.NewSize(340, 64), s.check)),
		s.duration, container.New(layout.NewCenterLayout(), s.selfTest))

	s.headers = newMultiLineEntry(z.escape)
	s.headers.SetPlaceHolder("Origin: https://app.example.com")
	s.headers.SetMinRowsVisible(3)
	s.cookie = newEntry(z.escape)
	s.cookie.Password = true
	s.proxyURL = newEntry(z.escape)
	s.proxyURL.SetPlaceHolder(l.T("window.advanced.proxy_url_hint"))
	s.proxyURL.Disable()
	s.proxy = widget.NewRadioGroup([]string{l.T("window.advanced.proxy_system"), l.T("window.advanced.proxy_none"), l.T("window.advanced.proxy_url")}, func(v string) {
		setEnabled(s.proxyURL, v == l.T("window.advanced.proxy_url"))
	})
	s.proxy.Required = true
	s.proxy.SetSelected(l.T("window.advanced.proxy_system"))
	s.proxyUser = newEntry(z.escape)
	s.proxyUser.SetPlaceHolder(`CORP\ann`)
	s.proxyPassword = newEntry(z.escape)
	s.proxyPassword.Password = true
	s.clientCert = newEntry(z.escape)
	s.clientCert.SetPlaceHolder(l.T("window.advanced.client_cert_hint"))
	s.clientKey = newEntry(z.escape)
	s.caFile = newEntry(z.escape)
	s.caFile.SetPlaceHolder(l.T("window.advanced.ca_file_hint"))
	s.advError = wrapped("")
	s.advError.Importance = widget.DangerImportance
	s.advError.Hide()

	form := widget.NewForm(
		widget.NewFormItem(l.T("window.advanced.headers"), s.headers),
		widget.NewFormItem(l.T("window.advanced.cookie"), s.cookie),
		widget.NewFormItem(l.T("window.advanced.proxy"), container.NewVBox(s.proxy, s.proxyURL)),
		// This hint is long: a form's hint is one line, a label wraps.
		widget.NewFormItem(l.T("window.advanced.proxy_user"), container.NewVBox(s.proxyUser, hintLabel(l.T("window.advanced.proxy_user_hint")))),
		widget.NewFormItem(l.T("window.advanced.proxy_password"), s.proxyPassword),
		widget.NewFormItem(l.T("window.advanced.client_cert"), s.withChooser(s.clientCert)),
		widget.NewFormItem(l.T("window.advanced.client_key"), s.withChooser(s.clientKey)),
		widget.NewFormItem(l.T("window.advanced.ca_file"), s.withChooser(s.caFile)),
	)
	form.Items[0].HintText = l.T("window.advanced.headers_hint")
	form.Items[1].HintText = l.T("window.advanced.cookie_hint")
	var idleLabels []string
	for _, k := range idleChoiceKeys {
		idleLabels = append(idleLabels, l.T("window.idle.choice."+k))
	}
	s.idle = widget.NewSelect(idleLabels, func(string) { s.updateDuration() })
	for i, d := range idleChoices {
		if d == idleFor(pre.IdleRequired) {
			s.idle.SetSelectedIndex(i)
		}
	}
	if z.eng.Idle != nil {
		form.Append(l.T("window.advanced.idle"), s.idle)
	}
	s.updateDuration()
	s.advanced = widget.NewAccordion(widget.NewAccordionItem(l.T("window.advanced.title"), container.NewVBox(form, s.advError)))

	addrLabel := widget.NewLabelWithStyle(l.T("window.address.label"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	box := container.NewVBox(title, intro, gap())
	if len(pre.Targets) > 1 {
		var labels []string
		for _, t := range pre.Targets {
			labels = append(labels, targetLabel(t))
		}
		s.target = widget.NewSelect(labels, func(string) {
			if i := s.target.SelectedIndex(); i >= 0 {
				s.address.SetText(pre.Targets[i].URL)
			}
		})
		for i, t := range pre.Targets {
			if t.URL == pre.address() {
				s.target.SetSelectedIndex(i)
			}
		}
		box.Add(widget.NewLabelWithStyle(l.T("window.welcome.target_label"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		box.Add(s.target)
	}
	box.Add(addrLabel)
	box.Add(s.address)
	box.Add(s.hint)
	box.Add(big)
	box.Add(s.advanced)
	if support := supportLine(l, pre); support != nil {
		box.Add(gap())
		box.Add(support)
	}
	s.root = box
	return s
}

// targetLabel is how a preset's target is named in the choice: its label,
// else its host.
func targetLabel(t Target) string {
	if t.Label != "" {
		return t.Label
	}
	if tg, err := engine.ParseTarget(t.URL); err == nil {
		return tg.Host
	}
	return t.URL
}

// isPreset reports whether addr is one the support team set.
func (s *welcomeScreen) isPreset(addr string) bool {
	pre := s.z.eng.Preset
	if addr != "" && addr == pre.Address {
		return true
	}
	for _, t := range pre.Targets {
		if t.URL == addr {
			return true
		}
	}
	return false
}

// hintLabel is a form field's hint as a small text that wraps.
func hintLabel(text string) *widget.Label {
	h := wrapped(text)
	h.SizeName = theme.SizeNameCaptionText
	return h
}

// supportLine says who set this copy up and how to reach them: the
// preset's support e-mail and help page; nil when it names neither. The
// sentence wraps on its own line and the links go below it, so a long
// product name in a long language is not cut at the window's edge.
func supportLine(l language, p Preset) fyne.CanvasObject {
	if p.SupportEmail == "" && p.SupportURL == "" {
		return nil
	}
	who := firstOf(p.ProductName, l.T("window.welcome.your_support_team"))
	by := widget.NewLabel(l.T("window.welcome.support_by", "who", who))
	by.Wrapping = fyne.TextWrapWord
	var links []fyne.CanvasObject
	if p.SupportEmail != "" {
		links = append(links, widget.NewHyperlink(p.SupportEmail, &url.URL{Scheme: "mailto", Opaque: p.SupportEmail}))
	}
	if u, err := url.Parse(p.SupportURL); err == nil && p.SupportURL != "" {
		links = append(links, widget.NewHyperlink(l.T("window.welcome.support_page"), u))
	}
	return container.NewVBox(by, container.NewHBox(links...))
}

// withChooser puts a "Choose…" button after a file entry.
func (s *welcomeScreen) withChooser(e *entry) fyne.CanvasObject {
	l := s.z.lang
	b := newButton(l.T("window.advanced.choose_file"), func() {
		s.z.openFile(func(path string) {
			if path != "" {
				e.SetText(path)
			}
		})
	}, s.z.escape)
	return container.NewBorder(nil, nil, nil, b, e)
}

// updateHint says, as the user types, whether the address looks right.
func (s *welcomeScreen) updateHint() {
	l := s.z.lang
	text := strings.TrimSpace(s.address.Text)
	s.hint.Importance = widget.MediumImportance
	switch _, err := engine.ParseTarget(text); {
	case text == "":
		s.hint.SetText(l.T("window.address.needed"))
	case err != nil:
		s.hint.Importance = widget.DangerImportance
		s.hint.SetText(l.addressError(err))
	case s.isPreset(text):
		s.hint.SetText(l.T("window.address.preset"))
	default:
		s.hint.SetText(l.T("window.address.ok"))
	}
	// SetText does not redraw a label whose text is the same, and the
	// colour changed: a hint that turned red stays red otherwise.
	s.hint.Refresh()
}

// request reads the screen into a Request, or says what is wrong; the
// self-test needs no address.
func (s *welcomeScreen) request(selfTest bool) (Request, string, fyne.Focusable) {
	l := s.z.lang
	r := Request{Address: strings.TrimSpace(s.address.Text), SelfTest: selfTest}
	switch {
	case selfTest:
		r.Address = ""
	case r.Address == "":
		// No silent self-test that would claim the network works.
		return r, l.T("window.address.needed"), s.address
	default:
		if _, err := engine.ParseTarget(r.Address); err != nil {
			return r, l.addressError(err), s.address
		}
	}
	hs, bad := parseHeaders(s.headers.Text)
	if bad > 0 {
		return r, l.T("window.advanced.headers_bad", "line", bad), s.headers
	}
	r.Headers = hs
	r.Cookie = strings.TrimSpace(s.cookie.Text)
	switch s.proxy.Selected {
	case l.T("window.advanced.proxy_none"):
		r.Proxy = ProxyNone
	case l.T("window.advanced.proxy_url"):
		r.Proxy, r.ProxyURL = ProxyURL, strings.TrimSpace(s.proxyURL.Text)
		if !validProxyURL(r.ProxyURL) {
			return r, l.T("window.advanced.proxy_url_bad"), s.proxyURL
		}
	default:
		r.Proxy = ProxySystem
	}
	r.ProxyUser, r.ProxyPassword = strings.TrimSpace(s.proxyUser.Text), s.proxyPassword.Text
	r.ClientCert = strings.TrimSpace(s.clientCert.Text)
	r.ClientKey = strings.TrimSpace(s.clientKey.Text)
	if (r.ClientCert == "") != (r.ClientKey == "") {
		return r, l.T("window.advanced.cert_without_key"), s.clientKey
	}
	r.CAFile = strings.TrimSpace(s.caFile.Text)
	if s.z.eng.Idle != nil && s.idle.SelectedIndex() >= 0 {
		r.IdleTest = idleChoices[s.idle.SelectedIndex()]
	}
	return r, "", nil
}

// submit is the big button: check the input, then look at the connection
// or start the check.
func (s *welcomeScreen) submit() { s.send(false) }

// submitSelfTest is Test this computer only: the self-test, with the
// advanced settings as they are.
func (s *welcomeScreen) submitSelfTest() { s.send(true) }

// send checks the input and then looks at the connection or starts the
// check.
func (s *welcomeScreen) send(selfTest bool) {
	req, problem, at := s.request(selfTest)
	s.advError.Hide()
	if problem != "" {
		if at == s.address {
			s.hint.Importance = widget.DangerImportance
			s.hint.SetText(problem)
		} else {
			s.advanced.Open(0)
			s.advError.SetText(problem)
			s.advError.Show()
		}
		s.z.Window.Canvas().Focus(at)
		return
	}
	s.z.begin(req)
}

// heading is a screen's title.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// wrapped is a label that wraps at word boundaries.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(breakable(text))
	l.Wrapping = fyne.TextWrapWord
	return l
}

// gap is a little vertical air between groups.
func gap() fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(1, theme.Padding()*3))
	return r
}

// updateDuration says how long a check takes: a few seconds, the run's
// deadline at most, and the idle test chosen after it.
func (s *welcomeScreen) updateDuration() {
	l := s.z.lang
	most := l.Span(engine.DefaultDeadline)
	idle := time.Duration(0)
	if i := s.idle.SelectedIndex(); i >= 0 && i < len(idleChoices) && s.z.eng.Idle != nil {
		idle = idleChoices[i]
	}
	if idle > 0 {
		s.duration.SetText(l.T("window.welcome.duration_idle", "most", most, "idle", l.Span(idle)))
		return
	}
	s.duration.SetText(l.T("window.welcome.duration", "most", most))
}
