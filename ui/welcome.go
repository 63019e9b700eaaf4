package ui

import (
	"fmt"
	"image/color"
	"net/url"
	"strings"

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
	advError                 *widget.Label
}

func newWelcome(z *Wizard) *welcomeScreen {
	s := &welcomeScreen{z: z}
	pre := z.eng.Preset
	title := heading(T.WelcomeTitle)
	if pre.ProductName != "" {
		title.SetText(fmt.Sprintf(T.WelcomeTitleFor, pre.ProductName))
	}
	intro := wrapped(T.WelcomeIntro)

	s.address = newEntry(z.escape)
	s.address.SetPlaceHolder(T.AddressExample)
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

	s.check = newButton(T.CheckButton, s.submit, z.escape)
	s.check.Importance = widget.HighImportance
	s.check.Icon = theme.MediaPlayIcon()
	s.selfTest = newButton(T.SelfTestButton, s.submitSelfTest, z.escape)
	s.selfTest.Importance = widget.LowImportance
	s.selfTest.Icon = theme.ComputerIcon()
	big := container.NewVBox(container.New(layout.NewCenterLayout(), container.NewGridWrap(fyne.NewSize(340, 64), s.check)),
		container.New(layout.NewCenterLayout(), s.selfTest))

	s.headers = newMultiLineEntry(z.escape)
	s.headers.SetPlaceHolder("Origin: https://app.example.com")
	s.headers.SetMinRowsVisible(3)
	s.cookie = newEntry(z.escape)
	s.cookie.Password = true
	s.proxyURL = newEntry(z.escape)
	s.proxyURL.SetPlaceHolder(T.ProxyURLHint)
	s.proxyURL.Disable()
	s.proxy = widget.NewRadioGroup([]string{T.ProxySystem, T.ProxyNone, T.ProxyURL}, func(v string) {
		setEnabled(s.proxyURL, v == T.ProxyURL)
	})
	s.proxy.Required = true
	s.proxy.SetSelected(T.ProxySystem)
	s.proxyUser = newEntry(z.escape)
	s.proxyUser.SetPlaceHolder(`CORP\ann`)
	s.proxyPassword = newEntry(z.escape)
	s.proxyPassword.Password = true
	s.clientCert = newEntry(z.escape)
	s.clientCert.SetPlaceHolder(T.ClientCertHint)
	s.clientKey = newEntry(z.escape)
	s.caFile = newEntry(z.escape)
	s.caFile.SetPlaceHolder(T.CAFileHint)
	s.advError = wrapped("")
	s.advError.Importance = widget.DangerImportance
	s.advError.Hide()

	form := widget.NewForm(
		widget.NewFormItem(T.HeadersLabel, s.headers),
		widget.NewFormItem(T.CookieLabel, s.cookie),
		widget.NewFormItem(T.ProxyLabel, container.NewVBox(s.proxy, s.proxyURL)),
		widget.NewFormItem(T.ProxyUserLabel, s.proxyUser),
		widget.NewFormItem(T.ProxyPasswordLabel, s.proxyPassword),
		widget.NewFormItem(T.ClientCertLabel, s.withChooser(s.clientCert)),
		widget.NewFormItem(T.ClientKeyLabel, s.withChooser(s.clientKey)),
		widget.NewFormItem(T.CAFileLabel, s.withChooser(s.caFile)),
	)
	form.Items[0].HintText = T.HeadersHint
	form.Items[1].HintText = T.CookieHint
	form.Items[3].HintText = T.ProxyUserHint
	s.idle = widget.NewSelect(T.IdleChoices, nil)
	for i, d := range idleChoices {
		if d == idleFor(pre.IdleRequired) {
			s.idle.SetSelectedIndex(i)
		}
	}
	if z.eng.Idle != nil {
		form.Append(T.IdleLabel, s.idle)
	}
	s.advanced = widget.NewAccordion(widget.NewAccordionItem(T.Advanced, container.NewVBox(form, s.advError)))

	addrLabel := widget.NewLabelWithStyle(T.AddressLabel, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
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
		box.Add(widget.NewLabelWithStyle(T.TargetLabel, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		box.Add(s.target)
	}
	box.Add(addrLabel)
	box.Add(s.address)
	box.Add(s.hint)
	box.Add(big)
	box.Add(s.advanced)
	if support := supportLine(pre); support != nil {
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

// supportLine says who set this copy up and how to reach them: the
// preset's support e-mail and help page; nil when it names neither.
func supportLine(p Preset) fyne.CanvasObject {
	if p.SupportEmail == "" && p.SupportURL == "" {
		return nil
	}
	who := firstOf(p.ProductName, T.YourSupportTeam)
	parts := []fyne.CanvasObject{widget.NewLabel(fmt.Sprintf(T.SupportBy, who))}
	if p.SupportEmail != "" {
		parts = append(parts, widget.NewHyperlink(p.SupportEmail, &url.URL{Scheme: "mailto", Opaque: p.SupportEmail}))
	}
	if u, err := url.Parse(p.SupportURL); err == nil && p.SupportURL != "" {
		parts = append(parts, widget.NewHyperlink(T.SupportPage, u))
	}
	return container.NewHBox(parts...)
}

// withChooser puts a "Choose…" button after a file entry.
func (s *welcomeScreen) withChooser(e *entry) fyne.CanvasObject {
	b := newButton(T.ChooseFile, func() {
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
	text := strings.TrimSpace(s.address.Text)
	s.hint.Importance = widget.MediumImportance
	switch _, err := engine.ParseTarget(text); {
	case text == "":
		s.hint.SetText(T.AddressNeeded)
	case err != nil:
		s.hint.Importance = widget.DangerImportance
		s.hint.SetText(addressError(err))
	case s.isPreset(text):
		s.hint.SetText(T.AddressPreset)
	default:
		s.hint.SetText(T.AddressOK)
	}
}

// request reads the screen into a Request, or says what is wrong; the
// self-test needs no address.
func (s *welcomeScreen) request(selfTest bool) (Request, string, fyne.Focusable) {
	r := Request{Address: strings.TrimSpace(s.address.Text), SelfTest: selfTest}
	switch {
	case selfTest:
		r.Address = ""
	case r.Address == "":
		// No silent self-test that would claim the network works.
		return r, T.AddressNeeded, s.address
	default:
		if _, err := engine.ParseTarget(r.Address); err != nil {
			return r, addressError(err), s.address
		}
	}
	hs, bad := parseHeaders(s.headers.Text)
	if bad > 0 {
		return r, fmt.Sprintf(T.HeadersBad, bad), s.headers
	}
	r.Headers = hs
	r.Cookie = strings.TrimSpace(s.cookie.Text)
	switch s.proxy.Selected {
	case T.ProxyNone:
		r.Proxy = ProxyNone
	case T.ProxyURL:
		r.Proxy, r.ProxyURL = ProxyURL, strings.TrimSpace(s.proxyURL.Text)
		if !validProxyURL(r.ProxyURL) {
			return r, T.ProxyURLBad, s.proxyURL
		}
	default:
		r.Proxy = ProxySystem
	}
	r.ProxyUser, r.ProxyPassword = strings.TrimSpace(s.proxyUser.Text), s.proxyPassword.Text
	r.ClientCert = strings.TrimSpace(s.clientCert.Text)
	r.ClientKey = strings.TrimSpace(s.clientKey.Text)
	if (r.ClientCert == "") != (r.ClientKey == "") {
		return r, T.AdvancedMismatch, s.clientKey
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
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// gap is a little vertical air between groups.
func gap() fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(1, theme.Padding()*3))
	return r
}
