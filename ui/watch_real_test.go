package ui

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// realWatchEvery are the ping and busy connections' intervals in the
// window's tests with a real watch: well under the relay's idle limit.
const realWatchEvery = 500 * time.Millisecond

// TestKeepWatchingReal is Keep watching with the real session and real
// sockets on loopback, in Fyne's test driver: the reference server behind
// a relay that forgets connections quiet for 2 s, as a NAT does. The
// check works; the watch, until stopped, draws the quiet connection's
// drops on the timeline as they happen and counts them in the window's
// title; Stop ends it within seconds with the run diagnosed again with
// the watch's log, the title given back and the timeline kept; a new
// check clears the timeline.
func TestKeepWatchingReal(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	ref, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	u, err := url.Parse(ref.URL)
	if err != nil {
		t.Fatal(err)
	}
	relay := checktest.NewDropRelay(t, u.Host, 2*time.Second)
	c := &session.Checker{Tool: report.Tool{Name: "wsdoctor", Version: "test"},
		ReadVPN:       func(context.Context) netenv.VPN { return netenv.VPN{} },
		ReadOSVersion: func(context.Context) string { return "Test OS" },
		ReadCaptive:   func(context.Context) netenv.Captive { return netenv.CaptiveUnknown }}
	h := newHarness(t, Engine{Check: c.Check,
		Watch: func(ctx context.Context, run *session.Run, length time.Duration, onEvent func(engine.WatchEvent)) *session.Run {
			return c.Watch(ctx, run, session.WatchRequest{For: length, PingEvery: realWatchEvery, DataEvery: realWatchEvery}, onEvent)
		}})
	z, l := h.z, h.z.lang
	const title = "WebSocket Doctor"
	h.w.SetTitle(title)
	z.title = title
	z.welcome.proxy.SetSelected(l.T("window.advanced.proxy_none"))
	z.welcome.address.SetText("ws://" + relay.Addr + u.Path)
	test.Tap(z.welcome.check)
	h.until("the result", func() bool { return z.step == StepResult && !z.running && z.run != nil })
	if !z.run.Verdict.Works() {
		t.Fatalf("the check through the relay says %s", z.run.Verdict)
	}
	b := z.result.watch
	if !b.offer.Visible() {
		t.Fatal("Keep watching is not offered")
	}
	b.length.SetSelectedIndex(len(watchChoices) - 1) // until I stop
	test.Tap(b.start)
	started := time.Now()

	// The quiet connection's ping ladder finds the 2 s limit within
	// seconds (0.5, 1, 2, 4 s of quiet); a minute is ample under load.
	wait := func(what string, limit time.Duration, cond func() bool) {
		t.Helper()
		end := time.After(limit)
		for !cond() {
			select {
			case f := <-h.q:
				f()
			case <-end:
				t.Fatalf("no %s within %v (title %q, %d events)", what, limit, h.w.Title(), len(b.log.Events))
			}
		}
	}
	wait("drop of the quiet connection", time.Minute, func() bool { return b.log.Summary.Drops[engine.WatchSilent] > 0 })
	n := b.log.DropCount()
	t.Logf("the first drop of the quiet connection after %v (%d drops; %s)", time.Since(started).Round(100*time.Millisecond), n, b.words.Text)
	if want := l.N("window.watch.window_title", n, "title", title); h.w.Title() != want {
		t.Errorf("title %q, want %q", h.w.Title(), want)
	}
	drops, _ := marks(b.line)
	if len(drops) != n {
		t.Fatalf("the timeline draws %d drop marks for %d drops", len(drops), n)
	}
	lane := l.T("window.watch.lane." + engine.WatchSilent)
	test.Tap(drops[0])
	if !strings.Contains(b.line.tip, lane) {
		t.Errorf("the first drop's tip %q does not name the quiet connection", b.line.tip)
	}
	if !strings.Contains(b.words.Text, lane) {
		t.Errorf("the words under the timeline do not count the quiet connection's drops: %q", b.words.Text)
	}

	stopped := time.Now()
	test.Tap(b.stop)
	wait("end of the watch after Stop", 10*time.Second, func() bool { return !b.busy })
	if took := time.Since(stopped); took > 5*time.Second {
		t.Errorf("Stop took %v", took)
	}
	if w := z.run.Session.Watch; w == nil || w.DropCount() < n {
		t.Errorf("the run on screen does not carry the watch's log (%v)", w)
	}
	if h.w.Title() != title {
		t.Errorf("after Stop the title reads %q", h.w.Title())
	}
	if drops, _ := marks(b.line); len(drops) < n || !b.live.Visible() {
		t.Errorf("after Stop the timeline shows %d drops (live %v)", len(drops), b.live.Visible())
	}

	test.Tap(z.result.again)
	h.until("the new result", func() bool { return z.step == StepResult && !z.running && z.run != nil })
	if drops, bands := marks(b.line); len(drops)+len(bands) > 0 || b.live.Visible() || h.w.Title() != title {
		t.Errorf("the new check's result shows the last watch: %d marks, live %v, title %q", len(drops)+len(bands), b.live.Visible(), h.w.Title())
	}
}
