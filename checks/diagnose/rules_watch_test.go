package diagnose_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// A watch's log written by hand, on a fake clock: the rules read only the
// events' At, so a 24-hour watch is a loop. Times are in time.Local, so the
// clock times the findings show ("10:05:00") read the same on every
// machine.

// watchStart is when every fixture watch begins.
var watchStart = time.Date(2026, 3, 4, 10, 0, 0, 0, time.Local)

// wlog builds a WatchLog through its own Add, as the watch does.
type wlog struct{ l engine.WatchLog }

func newWatch() *wlog {
	w := &wlog{l: engine.WatchLog{Target: "wss://app.example.com/socket", Start: watchStart,
		PingEvery: 25 * time.Second, DataEvery: 25 * time.Second}}
	w.l.Add(engine.WatchEvent{At: watchStart, Kind: engine.WatchStart})
	for _, c := range engine.WatchConns {
		w.l.Add(engine.WatchEvent{At: watchStart, Conn: c, Kind: engine.WatchOpen, Took: 40 * time.Millisecond})
	}
	return w
}

// at is the time s after the watch's start.
func at(s time.Duration) time.Time { return watchStart.Add(s) }

func (w *wlog) drop(s time.Duration, conn string, age time.Duration, endedBy string, code int) *wlog {
	w.l.Add(engine.WatchEvent{At: at(s), Conn: conn, Kind: engine.WatchDrop, Age: age, EndedBy: endedBy, CloseCode: code})
	return w
}

func (w *wlog) open(s time.Duration, conn string) *wlog {
	w.l.Add(engine.WatchEvent{At: at(s), Conn: conn, Kind: engine.WatchOpen, Took: 50 * time.Millisecond})
	return w
}

func (w *wlog) retry(s time.Duration, conn string, n int) *wlog {
	w.l.Add(engine.WatchEvent{At: at(s), Conn: conn, Kind: engine.WatchRetryFailed, Attempt: n, Detail: "timeout"})
	return w
}

func (w *wlog) change(s time.Duration, what, from, to string) *wlog {
	w.l.Add(engine.WatchEvent{At: at(s), Kind: engine.WatchChange, What: what, From: from, To: to})
	return w
}

func (w *wlog) sleep(s, took time.Duration) *wlog {
	w.l.Add(engine.WatchEvent{At: at(s), Kind: engine.WatchSleep, Took: took})
	return w
}

// all drops every connection at s (a second apart), with their ages.
func (w *wlog) all(s time.Duration, endedBy string, code int) *wlog {
	for i, c := range engine.WatchConns {
		w.drop(s+time.Duration(i)*time.Second, c, s, endedBy, code)
	}
	return w
}

// reopenAll opens every connection again at s.
func (w *wlog) reopenAll(s time.Duration) *wlog {
	for _, c := range engine.WatchConns {
		w.open(s, c)
	}
	return w
}

func (w *wlog) stop(s time.Duration) *engine.WatchLog {
	w.l.Add(engine.WatchEvent{At: at(s), Kind: engine.WatchStop, Detail: "length"})
	w.l.End = at(s)
	l := w.l
	return &l
}

const sec, minute = time.Second, time.Minute

// cycles: conns each live for age, reconnect in a second, over length.
func cycles(w *wlog, length, age time.Duration, conns ...string) *wlog {
	for t := age; t < length; t += age + sec {
		for _, c := range conns {
			w.drop(t, c, age, engine.EndFIN, 0)
		}
		for _, c := range conns {
			w.open(t+sec, c)
		}
	}
	return w
}

// outageAt: every connection drops at s, reconnecting fails until s+down.
func outageAt(w *wlog, s, down time.Duration) *wlog {
	w.all(s, engine.EndSilent, 0)
	for t, n := s+5*sec, 1; t < s+down; t, n = t+10*sec, n+1 {
		w.retry(t, engine.WatchBusy, n)
	}
	return w.reopenAll(s + down)
}

func watchIn(l *engine.WatchLog) diagnose.Input {
	return diagnose.Input{Outcome: wssWorks, Watch: l}
}

// watchRuleCases are TestRules' cases of a watch (issue 24): each
// pattern, mixed logs, a long one summarised beyond the log's bound, no
// drop, and a drop too far from a change to be its doing.
func watchRuleCases() []ruleCase {
	quiet := newWatch().stop(30 * minute)
	outage := outageAt(newWatch(), 5*minute, 40*sec).stop(30 * minute)
	wifi := newWatch().change(10*minute, engine.ChangeWiFi, "Home", "Office").all(10*minute+4*sec, engine.EndReset, 0).
		reopenAll(10*minute + 6*sec).stop(30 * minute)
	vpnDown := newWatch().change(10*minute, engine.ChangeVPN, "WireGuard", "").all(10*minute-3*sec, engine.EndSilent, 0).
		reopenAll(10*minute + 2*sec).stop(30 * minute)
	slept := newWatch().sleep(20*minute, 45*minute).all(20*minute+3*sec, engine.EndReset, 0).
		retry(20*minute+8*sec, engine.WatchBusy, 1).reopenAll(20*minute + 15*sec).stop(60 * minute)
	mixed := outageAt(newWatch().sleep(20*minute, 45*minute).all(20*minute+3*sec, engine.EndReset, 0).reopenAll(20*minute+5*sec),
		40*minute, 95*sec).stop(60 * minute)
	lifetime := cycles(newWatch(), 40*minute, 300*sec, engine.WatchConns...).stop(40 * minute)
	shortLife := cycles(newWatch(), 20*minute, 60*sec, engine.WatchConns...).stop(20 * minute)
	idle := cycles(newWatch(), 30*minute, 60*sec, engine.WatchSilent).stop(30 * minute)
	pings := cycles(newWatch(), 30*minute, 90*sec, engine.WatchSilent, engine.WatchPing).stop(30 * minute)
	random := newWatch().drop(3*minute+7*sec, engine.WatchBusy, 187*sec, "", 1006).open(3*minute+8*sec, engine.WatchBusy).
		drop(11*minute+40*sec, engine.WatchPing, 700*sec, engine.EndReset, 0).open(11*minute+42*sec, engine.WatchPing).
		drop(26*minute+2*sec, engine.WatchBusy, 894*sec, "", 1006).open(26*minute+3*sec, engine.WatchBusy).stop(30 * minute)
	farFromChange := newWatch().change(10*minute, engine.ChangeWiFi, "Home", "Office").
		drop(10*minute+40*sec, engine.WatchBusy, 640*sec, "", 1006).open(10*minute+41*sec, engine.WatchBusy).stop(30 * minute)
	// The namespace test's link down: the route and its interface go,
	// reconnects fail, both come back as they were.
	linkDown := newWatch().change(5*minute+3*sec, engine.ChangeRoute, "10.200.0.1", "").change(5*minute+3*sec, engine.ChangeInterface, "veth0", "")
	linkDown = outageAt(linkDown, 5*minute, 40*sec).change(5*minute+33*sec, engine.ChangeRoute, "", "10.200.0.1").change(5*minute+33*sec, engine.ChangeInterface, "", "veth0")
	// The default route moved to the other link: a change of network.
	routeMoved := newWatch().change(8*minute, engine.ChangeRoute, "10.200.0.1", "10.201.0.1").change(8*minute, engine.ChangeInterface, "veth0", "veth1").
		all(8*minute+6*sec, engine.EndSilent, 0).reopenAll(8*minute + 7*sec)
	long, longQuiet := longWatches()
	// The watch's quiet connection tests longer and longer quiet times
	// (WatchEvent.Idle), then the shortest that ended, again and again:
	// its ages differ, its quiet time at the end does not.
	ladder := newWatch()
	t, life := time.Duration(0), time.Duration(0)
	for _, q := range []time.Duration{100, 75, 62, 61, 61, 61, 61} {
		life = 25*sec + q*sec // a 25 s test that survived, then this one
		t += life
		ladder.l.Add(engine.WatchEvent{At: at(t), Conn: engine.WatchSilent, Kind: engine.WatchDrop, Age: life, Idle: q * sec, EndedBy: engine.EndSilent})
		t += sec
		ladder.open(t, engine.WatchSilent)
	}
	ladderLog := ladder.stop(30 * minute)
	return []ruleCase{
		{
			name:     "a watch with no drop says so where WebSockets work",
			in:       watchIn(quiet),
			want:     []string{"websocket-ok ok sure"},
			verdict:  diagnose.Works,
			contains: []string{"watched for 30 minutes: none of them dropped"},
		},
		{
			name: "all three drop together, reconnects fail for 40 s: network-outage, not the service's fault",
			in:   watchIn(outage),
			want: []string{"network-outage warning sure", "websocket-ok ok sure"},
			// An app that reconnects still works: a warning.
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"outages: 1, at 10:05:00–10:05:40", "the longest lasted 40 seconds", "drops over the whole watch: 3 (silent 1, ping 1, busy 1)"},
			lacks:    []string{"drops-unexplained", "for no visible reason"},
		},
		{
			// Helper A's TestWatchCuts: a relay cuts every connection at
			// 5 s and 14 s and turns reconnects away for a while.
			name:     "two cuts 9 s apart, each with failed reconnects: two outages, not one",
			in:       watchIn(outageAt(outageAt(newWatch(), 5*sec, 7*sec), 14*sec, 7*sec).stop(30 * sec)),
			want:     []string{"network-outage warning sure", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"outages: 2, at 10:00:05–10:00:12, 10:00:14–10:00:21; the longest lasted 7 seconds"},
		},
		{
			name:     "the link goes down and comes back as it was: network-outage, its own link lost, not a change of network",
			in:       watchIn(linkDown.stop(30 * minute)),
			want:     []string{"network-outage warning sure", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"the longest lasted 40 seconds", "This computer itself lost its network connection", "lost its default route"},
			lacks:    []string{"when the network changed"},
		},
		{
			name:     "the default route moves to another link: drops-on-network-change",
			in:       watchIn(routeMoved.stop(30 * minute)),
			want:     []string{"drops-on-network-change warning sure", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerYou,
			contains: []string{"the first time at 10:08:00: the computer's way into the internet changed"},
			lacks:    []string{"The network was down"},
		},
		{
			name:     "drops 4 s after the Wi-Fi changed: drops-on-network-change names it",
			in:       watchIn(wifi),
			want:     []string{"drops-on-network-change warning sure", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerYou,
			contains: []string{"the first time at 10:10:00: the Wi-Fi network changed from Home to Office", "within 15 seconds"},
			lacks:    []string{"for no visible reason", "The network was down"},
		},
		{
			name:     "drops just before the VPN is seen gone: the VPN went down",
			in:       watchIn(vpnDown),
			want:     []string{"drops-on-network-change warning sure", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerYou,
			contains: []string{"the VPN WireGuard went down"},
		},
		{
			name: "drops as the computer wakes, reconnects failing a moment: only drops-after-sleep, nobody's fault",
			in:   watchIn(slept),
			want: []string{"websocket-ok ok sure", "drops-after-sleep info sure"},
			// Expected, and the app reconnected: WebSockets work.
			verdict:  diagnose.Works,
			contains: []string{"dropped as it woke up (3 in all)", "nobody's fault"},
			lacks:    []string{"The network was down", "for no visible reason"},
		},
		{
			name:     "a sleep and, later, an outage: both, each with its own drops",
			in:       watchIn(mixed),
			want:     []string{"network-outage warning sure", "websocket-ok ok sure", "drops-after-sleep info sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"(3 in all)", "outages: 1, at 10:40:00–10:41:35", "the longest lasted 95 seconds", "drops over the whole watch: 6 (silent 2, ping 2, busy 2)"},
		},
		{
			name:     "every connection ends 300 s after it opens: connection-max-lifetime, long enough for the app",
			in:       watchIn(lifetime),
			want:     []string{"connection-max-lifetime warning sure", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"ended 300 seconds after it opens", "(drops: 21): every connection it ended had been open about 300 seconds", "Maximum connection lifetime measured"},
		},
		{
			name:     "every connection ends 60 s after it opens: shorter than the app needs, it does not work for it",
			in:       watchIn(shortLife),
			want:     []string{"connection-max-lifetime problem sure", "websocket-ok ok sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"Your network ends every live connection 60 seconds after it opens", "(drops: 57)"},
		},
		{
			name:     "only the quiet connection drops, after 60 s: proxy-idle-timeout with the watch's age",
			in:       watchIn(idle),
			want:     []string{"proxy-idle-timeout problem sure", "websocket-ok ok sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"cut after 60 seconds", "each time the quiet connection was ended once it had stayed quiet about 60 seconds", "sent small keep-alive signals stayed open longer", "closed quietly"},
		},
		{
			name:     "the watch's quiet connection ends after 61 s of quiet, whatever its age: proxy-idle-timeout at 61 s",
			in:       watchIn(ladderLog),
			want:     []string{"proxy-idle-timeout problem sure", "websocket-ok ok sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"silently drops quiet live connections after 61 seconds", "(drops: 7)", "went dead without any notice"},
		},
		{
			name:     "the quiet and the pinged connections drop after 90 s, the busy one never: pings-not-enough",
			in:       watchIn(pings),
			want:     []string{"pings-not-enough problem sure", "websocket-ok ok sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"ended after 90 seconds", "at least every 45 seconds", "while the one carrying messages stayed open"},
		},
		{
			name:     "drops at random, closed 1006 or reset, nothing changing: drops-unexplained with times and endings for IT",
			in:       watchIn(random),
			want:     []string{"drops-unexplained warning likely", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"(drops: 3)", "at 10:03:07, 10:11:40, 10:26:02", "close 1006 ×2, reset ×1"},
		},
		{
			name:     "a drop 40 s after a change is not the change's doing",
			in:       watchIn(farFromChange),
			want:     []string{"drops-unexplained warning likely", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"at 10:10:40"},
			lacks:    []string{"Home to Office"},
		},
		{
			name:     "a 24-hour watch beyond the log's bound: the pattern of what it kept, the totals of the whole",
			in:       watchIn(long),
			want:     []string{"proxy-idle-timeout problem sure", "websocket-ok ok sure"},
			verdict:  diagnose.DoesNotWork,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"stayed quiet about 20 seconds", "busy 30)"},
			lacks:    []string{"none of them dropped"},
		},
		{
			name:     "a long watch whose kept events hold no drop, but whose summary does: never 'no drop'",
			in:       watchIn(longQuiet),
			want:     []string{"drops-unexplained warning likely", "websocket-ok ok sure"},
			verdict:  diagnose.WorksWithWarnings,
			who:      diagnose.FixerNetworkAdmin,
			contains: []string{"(drops: 30)", "30 of these drops happened earlier"},
			lacks:    []string{"none of them dropped"},
		},
	}
}

// longWatches are 24-hour watches whose events overflow the log: one
// with 30 busy drops at random in its first hour, then a quiet
// connection cut every 20 s; one with the same first hour, then only
// the proxy script's answer changing back and forth.
func longWatches() (idle, quiet *engine.WatchLog) {
	first := func() *wlog {
		w := newWatch()
		for i := range 30 {
			t := time.Duration(i)*2*minute + 17*sec
			w.drop(t, engine.WatchBusy, t, "", 1006).open(t+sec, engine.WatchBusy)
		}
		return w
	}
	w := first()
	for t := time.Hour; t < 24*time.Hour; t += 21 * sec {
		w.drop(t, engine.WatchSilent, 20*sec, engine.EndFIN, 0).open(t+sec, engine.WatchSilent)
	}
	idle = w.stop(24 * time.Hour)
	q := first()
	answers := []string{"PROXY proxy.corp.example:3128", "DIRECT"}
	for i, t := 0, time.Hour; t < 24*time.Hour; i, t = i+1, t+10*sec {
		q.change(t, engine.ChangePAC, answers[i%2], answers[(i+1)%2])
	}
	quiet = q.stop(24 * time.Hour)
	return idle, quiet
}

// TestWatchLogsOverflow: the long fixtures are beyond WatchLogCap, so
// the rules meet a log that left events out.
func TestWatchLogsOverflow(t *testing.T) {
	idle, quiet := longWatches()
	for _, l := range []*engine.WatchLog{idle, quiet} {
		if l.Left == 0 || len(l.Events) != engine.WatchLogCap {
			t.Fatalf("the log kept %d events, left %d: the fixture does not overflow", len(l.Events), l.Left)
		}
		if l.Summary.Drops[engine.WatchBusy] != 30 {
			t.Fatalf("summary %v", l.Summary.Drops)
		}
		for _, e := range l.Events {
			if e.Kind == engine.WatchDrop && e.Conn == engine.WatchBusy {
				t.Fatalf("a busy drop is still in the log: the fixture tests nothing")
			}
		}
	}
}

// TestWatchWindows: a drop's distance from a change or a sleep decides
// what explains it; the edges of the windows, both sides.
func TestWatchWindows(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    *wlog
		want string
	}{
		{"15 s after a change", newWatch().change(10*minute, engine.ChangeRoute, "192.0.2.1", "192.0.2.254").drop(10*minute+15*sec, engine.WatchBusy, 615*sec, engine.EndReset, 0), "drops-on-network-change"},
		{"a busy connection's silent end 40 s after a change: it died at the change, noticed at its next echo", newWatch().change(10*minute, engine.ChangeWiFi, "Home", "Office").drop(10*minute+40*sec, engine.WatchBusy, 640*sec, engine.EndSilent, 0), "drops-on-network-change"},
		{"a busy connection's silent end 50 s after a change: too late", newWatch().change(10*minute, engine.ChangeWiFi, "Home", "Office").drop(10*minute+51*sec, engine.WatchBusy, 651*sec, engine.EndSilent, 0), "drops-unexplained"},
		{"16 s after a change", newWatch().change(10*minute, engine.ChangeRoute, "192.0.2.1", "192.0.2.254").drop(10*minute+16*sec, engine.WatchBusy, 616*sec, engine.EndReset, 0), "drops-unexplained"},
		{"15 s before a change", newWatch().drop(10*minute-15*sec, engine.WatchBusy, 585*sec, engine.EndReset, 0).change(10*minute, engine.ChangeProxy, "", "http://proxy.corp.example:3128"), "drops-on-network-change"},
		{"60 s after waking", newWatch().sleep(10*minute, time.Hour).drop(11*minute, engine.WatchPing, 660*sec, engine.EndSilent, 0), "drops-after-sleep"},
		{"61 s after waking", newWatch().sleep(10*minute, time.Hour).drop(11*minute+sec, engine.WatchPing, 661*sec, engine.EndSilent, 0), "drops-unexplained"},
		{"all three together, reopened at once: a cut, not an outage", newWatch().all(10*minute, engine.EndReset, 0).reopenAll(10*minute + 3*sec), "drops-unexplained"},
		{"the quiet connection dropped once: not yet a limit", newWatch().drop(60*sec, engine.WatchSilent, 60*sec, engine.EndFIN, 0).open(61*sec, engine.WatchSilent), "drops-unexplained"},
		// The quiet connection says nothing for minutes: a short outage
		// may not end it.
		{"the pinged and the busy one drop 30 s apart, reconnects fail: an outage", newWatch().drop(10*minute, engine.WatchBusy, 600*sec, engine.EndSilent, 0).drop(10*minute+30*sec, engine.WatchPing, 630*sec, engine.EndSilent, 0).retry(10*minute+35*sec, engine.WatchBusy, 1).open(10*minute+50*sec, engine.WatchBusy).open(10*minute+51*sec, engine.WatchPing), "network-outage"},
		{"two drop 45 s apart: not together", newWatch().drop(10*minute, engine.WatchBusy, 600*sec, engine.EndSilent, 0).drop(10*minute+45*sec, engine.WatchPing, 645*sec, engine.EndSilent, 0).retry(10*minute+50*sec, engine.WatchBusy, 1).open(10*minute+55*sec, engine.WatchBusy).open(10*minute+56*sec, engine.WatchPing), "drops-unexplained"},
		{"one drops, its reconnects fail: no sign of the network", newWatch().drop(10*minute, engine.WatchBusy, 600*sec, engine.EndSilent, 0).retry(10*minute+5*sec, engine.WatchBusy, 1).open(10*minute+20*sec, engine.WatchBusy), "drops-unexplained"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := diagnose.Diagnose(watchIn(tc.w.stop(30 * minute)))
			var ids []string
			for _, f := range d.Findings {
				ids = append(ids, f.ID)
			}
			if !slices.Contains(ids, tc.want) {
				t.Errorf("findings %v, want %s", ids, tc.want)
			}
			for _, other := range []string{"drops-on-network-change", "drops-after-sleep", "drops-unexplained", "network-outage"} {
				if other != tc.want && slices.Contains(ids, other) {
					t.Errorf("findings %v: %s too", ids, other)
				}
			}
		})
	}
}

// TestWatchIsPure: the same log gives the same diagnosis, and the log is
// not changed by it.
func TestWatchIsPure(t *testing.T) {
	l := outageAt(newWatch(), 5*minute, 40*sec).stop(30 * minute)
	before := fmt.Sprintf("%+v", *l)
	a, b := diagnose.Diagnose(watchIn(l)), diagnose.Diagnose(watchIn(l))
	if allWords(a) != allWords(b) {
		t.Error("two diagnoses of one log differ")
	}
	if fmt.Sprintf("%+v", *l) != before {
		t.Error("the diagnosis changed the log")
	}
}

// TestWatchInEveryLanguage: each watch finding reads in every language
// with every placeholder filled.
func TestWatchInEveryLanguage(t *testing.T) {
	var ins []diagnose.Input
	for _, tc := range watchRuleCases() {
		ins = append(ins, tc.in)
	}
	for _, lang := range []string{"en", "de", "fr", "es", "ja", "pt-BR", "zh-Hans"} {
		c := diagnose.MustCatalogue(lang)
		for _, in := range ins {
			in.Catalogue, in.AdminCatalogue = c, c
			d := diagnose.Diagnose(in)
			if w := allWords(d); strings.ContainsAny(w, "{}") {
				t.Errorf("%s: a placeholder was left unfilled:\n%s", lang, w)
			}
		}
	}
}

// watchGoldenCases are full diagnoses of watches, kept as English text:
// an evening of everything (a sleep, a Wi-Fi change, an outage and drops
// nothing explains), and a quiet connection cut every 60 s behind a
// proxy.
func watchGoldenCases() []struct {
	name string
	in   diagnose.Input
} {
	evening := newWatch().
		sleep(20*minute, 50*minute).all(20*minute+2*sec, engine.EndReset, 0).reopenAll(20*minute+6*sec).
		change(35*minute, engine.ChangeWiFi, "Home", "Home-5G").all(35*minute+3*sec, engine.EndSilent, 0).reopenAll(35*minute+9*sec).
		drop(47*minute+12*sec, engine.WatchBusy, 719*sec, "", 1006).open(47*minute+13*sec, engine.WatchBusy)
	evening = outageAt(evening, 70*minute, 3*minute+20*sec).
		drop(101*minute+50*sec, engine.WatchPing, 1770*sec, engine.EndReset, 0).open(101*minute+52*sec, engine.WatchPing)
	idle := cycles(newWatch(), 60*minute, 60*sec, engine.WatchSilent).stop(60 * minute)
	return []struct {
		name string
		in   diagnose.Input
	}{
		{"watch-evening", watchIn(evening.stop(120 * minute))},
		{"watch-idle", diagnose.Input{Outcome: wssWorks, Watch: idle,
			Env: diagnose.Environment{ProxyURL: "http://proxy.corp.example:3128", ProxySource: "env", ProxyOrigin: "HTTPS_PROXY"}}},
	}
}

func TestGoldenWatch(t *testing.T) {
	for _, tc := range watchGoldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			d := diagnose.Diagnose(tc.in)
			var b strings.Builder
			fmt.Fprintf(&b, "%s\n%s\n%s\n%s\n\n", d.Verdict, d.Headline, d.CauseText, d.WhoCanFixText)
			for _, f := range d.Findings {
				fmt.Fprintf(&b, "[%s %s %s] %s (%s)\n  %s\n", f.Severity, f.Confidence, f.WhoCanFix, f.Title, f.ID, f.Explanation)
				for i, s := range f.Steps {
					fmt.Fprintf(&b, "  %d. %s\n", i+1, s)
				}
				for _, e := range f.Evidence {
					fmt.Fprintf(&b, "  evidence %s.%s = %s\n", e.Probe, e.Key, e.Value)
				}
				b.WriteString("\n")
			}
			b.WriteString(d.AdminNote + "\n")
			golden(t, tc.name+".txt", []byte(b.String()))
		})
	}
}
