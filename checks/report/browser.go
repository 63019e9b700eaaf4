package report

import (
	"fmt"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
)

// browserWords are the fixed texts of a report's "Your browser" section:
// what the person's own browser saw when it opened the same WebSocket.
var browserWords = struct {
	Title, Answer, Opened, NotOpened, Browser, Address                string
	OpenedAfter, FirstEcho, ClosedAfter, Echoed, ClosedWith, Error    string
	Online, OnlineYes, OnlineNo, Antivirus                            string
	EchoBoth, EchoText, EchoBinary, EchoNone, Clean, NotClean, Reason string
}{
	Title:       "Your browser",
	Answer:      "Answer",
	Opened:      "Your browser could open the live connection.",
	NotOpened:   "Your browser could not open the live connection.",
	Browser:     "Browser",
	Address:     "Address opened",
	OpenedAfter: "Opened after",
	FirstEcho:   "First echo after",
	ClosedAfter: "Closed after",
	Echoed:      "Messages echoed (1 KiB)",
	ClosedWith:  "Closed with",
	Error:       "Error in the page",
	Online:      "Browser online",
	OnlineYes:   "yes",
	OnlineNo:    "no (the browser thought it had no network)",
	Antivirus:   "Antivirus on",
	EchoBoth:    "text and binary",
	EchoText:    "text only",
	EchoBinary:  "binary only",
	EchoNone:    "none",
	Clean:       "clean",
	NotClean:    "not clean",
	Reason:      "reason",
}

// browserPairs are the lines of the "Your browser" section, or nil when the
// browser test did not run.
func browserPairs(b *browser.Result) []pair {
	if b == nil {
		return nil
	}
	w := browserWords
	answer := w.NotOpened
	if b.Works() {
		answer = w.Opened
	}
	ps := []pair{{w.Answer, answer}}
	if b.UserAgent != "" {
		ps = append(ps, pair{w.Browser, b.UserAgent})
	}
	ps = append(ps, pair{w.Address, b.Target})
	for _, t := range []struct {
		label string
		ms    float64
	}{{w.OpenedAfter, b.OpenMS}, {w.FirstEcho, b.FirstEchoMS}, {w.ClosedAfter, b.CloseMS}} {
		if t.ms > 0 {
			ps = append(ps, pair{t.label, fmtMS(t.ms)})
		}
	}
	if b.Opened {
		echoed := w.EchoNone
		switch {
		case b.EchoedText && b.EchoedBinary:
			echoed = w.EchoBoth
		case b.EchoedText:
			echoed = w.EchoText
		case b.EchoedBinary:
			echoed = w.EchoBinary
		}
		ps = append(ps, pair{w.Echoed, echoed})
	}
	if b.CloseCode != 0 {
		clean := w.NotClean
		if b.WasClean {
			clean = w.Clean
		}
		s := fmt.Sprintf("%d, %s", b.CloseCode, clean)
		if b.CloseReason != "" {
			s += ", " + w.Reason + ": " + b.CloseReason
		}
		ps = append(ps, pair{w.ClosedWith, s})
	}
	if b.Error != "" {
		ps = append(ps, pair{w.Error, b.Error})
	}
	online := w.OnlineYes
	if !b.Online {
		online = w.OnlineNo
	}
	ps = append(ps, pair{w.Online, online})
	if len(b.Antivirus) > 0 {
		ps = append(ps, pair{w.Antivirus, strings.Join(b.Antivirus, ", ")})
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
