package ui

import (
	"context"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// TestCancelShowsNoEarlierRun is issue 21's scenario with the real session
// and real sockets on loopback, in Fyne's test driver: a check of :A fails
// (nothing listens there) and its report is saved; then a check of :B (a
// server that takes the connection and never answers) is cancelled. No
// screen then shows :A's result, there is no report to save, and the
// saved :A report is no longer offered.
func TestCancelShowsNoEarlierRun(t *testing.T) {
	portA := checktest.FreePort(t)
	mute, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	held := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := mute.Accept()
			if err != nil {
				return
			}
			held <- c // never answered, closed at the end
		}
	}()
	defer func() {
		for len(held) > 0 {
			(<-held).Close()
		}
	}()
	c := &session.Checker{Tool: report.Tool{Name: "wsdoctor", Version: "test"},
		ReadVPN:       func(context.Context) netenv.VPN { return netenv.VPN{} },
		ReadOSVersion: func(context.Context) string { return "Test OS" },
		ReadCaptive:   func(context.Context) netenv.Captive { return netenv.CaptiveUnknown }}
	h := newHarness(t, Engine{Check: c.Check})
	z := h.z
	z.welcome.proxy.SetSelected(z.lang.T("window.advanced.proxy_none"))
	addrA := "ws://127.0.0.1:" + strconv.Itoa(portA) + "/echo"
	addrB := "ws://" + mute.Addr().String() + "/echo"

	z.welcome.address.SetText(addrA)
	test.Tap(z.welcome.check)
	h.until("the result of :A", func() bool { return z.step == StepResult && !z.running })
	if z.run == nil || z.run.Verdict.Works() {
		t.Fatalf("the check of %s did not fail", addrA)
	}
	test.Tap(z.result.shareBtn)
	test.Tap(z.share.save)
	if z.share.saved == "" || !z.share.open.Visible() {
		t.Fatal(":A's report was not saved")
	}
	savedA := z.share.saved

	test.Tap(z.back)
	for z.step != StepWelcome {
		test.Tap(z.back)
	}
	z.welcome.address.SetText(addrB)
	test.Tap(z.welcome.check)
	h.until("the check of :B to reach the server", func() bool { return len(held) > 0 })
	test.Tap(z.checking.action)
	h.until("the stop", func() bool { return !z.running })

	if z.run != nil {
		t.Fatalf("after Cancel the window keeps the result of %s", z.run.Request.Address)
	}
	if z.checking.message.Text != z.lang.T("window.checking.stopped") {
		t.Errorf("message %q, want the stopped words", z.checking.message.Text)
	}
	if z.checking.progress.Value >= z.checking.progress.Max {
		t.Errorf("after Cancel the bar reads %q", z.checking.progress.TextFormatter())
	}
	if !z.next.Disabled() && z.next.Visible() {
		t.Errorf("Next is offered after Cancel (to step %d)", z.nextTarget())
	}
	port := strconv.Itoa(portA)
	for s := StepWelcome; s < stepCount; s++ {
		text := markupText(z.screens[s])
		if s == StepChecking {
			text += markupText(z.checking.head)
		}
		if strings.Contains(text, ":"+port) {
			t.Errorf("step %d still shows :A (%s)", s, port)
		}
	}
	test.Tap(z.back)
	if z.step != StepWelcome || (z.next.Visible() && !z.next.Disabled()) {
		t.Errorf("Back went to %d and Next leads on to an old result", z.step)
	}
	// The Share screen, were it reached, has nothing to save or copy.
	z.show(StepShare)
	if !z.share.save.Disabled() || !z.share.copy.Disabled() || z.share.saved != "" || z.share.open.Visible() {
		t.Errorf("Share offers :A's report after :B was cancelled")
	}
	if data, err := os.ReadFile(savedA); err != nil || !strings.Contains(string(data), port) {
		t.Errorf("the report saved for :A (%v) is changed", err)
	}
}
