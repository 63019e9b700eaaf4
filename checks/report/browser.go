package report

import (
	"fmt"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
)

// browserPairs are the lines of the "Your browser" section, what the
// person's own browser saw when it opened the same WebSocket, or nil when
// the browser test did not run.
func (wd wording) browserPairs(b *browser.Result) []pair {
	if b == nil {
		return nil
	}
	answer := wd.T("browser.not_opened")
	if b.Works() {
		answer = wd.T("browser.opened")
	}
	ps := []pair{{wd.T("report.browser.answer"), answer}}
	if b.UserAgent != "" {
		ps = append(ps, pair{wd.T("report.browser.browser"), b.UserAgent})
	}
	ps = append(ps, pair{wd.T("report.browser.address"), b.Target})
	for _, t := range []struct {
		key string
		ms  float64
	}{{"report.browser.opened_after", b.OpenMS}, {"report.browser.first_echo", b.FirstEchoMS}, {"report.browser.closed_after", b.CloseMS}} {
		if t.ms > 0 {
			ps = append(ps, pair{wd.T(t.key), wd.ms(t.ms)})
		}
	}
	if b.Opened {
		echoed := "report.browser.echo_none"
		switch {
		case b.EchoedText && b.EchoedBinary:
			echoed = "report.browser.echo_both"
		case b.EchoedText:
			echoed = "report.browser.echo_text"
		case b.EchoedBinary:
			echoed = "report.browser.echo_binary"
		}
		ps = append(ps, pair{wd.T("report.browser.echoed"), wd.T(echoed)})
	}
	if b.CloseCode != 0 {
		clean := wd.T("report.browser.not_clean")
		if b.WasClean {
			clean = wd.T("report.browser.clean")
		}
		s := fmt.Sprintf("%d, %s", b.CloseCode, clean)
		if b.CloseReason != "" {
			s += ", " + wd.T("report.browser.reason") + ": " + b.CloseReason
		}
		ps = append(ps, pair{wd.T("report.browser.closed_with"), s})
	}
	if b.Error != "" {
		ps = append(ps, pair{wd.T("report.browser.error"), b.Error})
	}
	online := wd.T("report.browser.online_yes")
	if !b.Online {
		online = wd.T("report.browser.online_no")
	}
	ps = append(ps, pair{wd.T("report.browser.online"), online})
	if len(b.Antivirus) > 0 {
		ps = append(ps, pair{wd.T("report.browser.antivirus"), strings.Join(b.Antivirus, ", ")})
	}
	return ps
}

// copyBrowser is a copy of b that shares nothing with it.
func copyBrowser(b *browser.Result) *browser.Result {
	if b == nil {
		return nil
	}
	c := *b
	c.Antivirus = append([]string(nil), b.Antivirus...)
	return &c
}

// redactBrowser replaces secrets in the browser's answer: the address it
// opened carries the target's, and the close reason and error are the
// server's and the browser's free text.
func redactBrowser(b *browser.Result, t func(string) string) *browser.Result {
	if b == nil {
		return nil
	}
	c := copyBrowser(b)
	c.Target, c.CloseReason, c.Error, c.UserAgent = t(c.Target), t(c.CloseReason), t(c.Error), t(c.UserAgent)
	for i, a := range c.Antivirus {
		c.Antivirus[i] = t(a)
	}
	return c
}
