package report

import (
	"fmt"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// w0 is when the fixture watch starts: a second after the fixture check.
var w0 = t0.Add(time.Second)

func at(d time.Duration) time.Time { return w0.Add(d) }

func minutes(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }

// watchFixture is a two-hour watch built by hand: a Wi-Fi change with two
// drops and a reconnect that needed a second attempt, a six-minute outage
// (all three drop, reconnecting fails until it ends), a server's going
// away, a sleep after which all three had gone silent, a proxy change, a
// policy close whose reconnect was refused twice, a VPN coming up, and
// the end of the set time. Its free text carries secrets (a proxy's
// password, a token, a cookie) that no report may show.
func watchFixture() *engine.WatchLog {
	l := &engine.WatchLog{
		Target: "wss://chat.example.com/socket?room=42", Start: w0,
		PingEvery: 25 * time.Second, DataEvery: 25 * time.Second,
	}
	opened := map[string]time.Duration{}
	open := func(d time.Duration, conn string, took time.Duration, attempt int) {
		l.Add(engine.WatchEvent{At: at(d), Conn: conn, Kind: engine.WatchOpen, Took: took, Attempt: attempt})
		opened[conn] = d
	}
	drop := func(d time.Duration, conn string, endedBy string, code int, reason, detail string) {
		l.Add(engine.WatchEvent{At: at(d), Conn: conn, Kind: engine.WatchDrop, Age: d - opened[conn], EndedBy: endedBy, CloseCode: code, CloseReason: reason, Detail: detail})
	}
	l.Add(engine.WatchEvent{At: at(0), Kind: engine.WatchStart})
	for _, c := range engine.WatchConns {
		open(time.Second, c, 140*time.Millisecond, 1)
	}
	l.Add(engine.WatchEvent{At: at(minutes(14)), Kind: engine.WatchChange, What: engine.ChangeWiFi, From: "CorpNet", To: "CorpNet-Guest"})
	drop(minutes(14)+4*time.Second, engine.WatchBusy, engine.EndReset, 1006, "", "read tcp 10.0.0.5:51234->93.184.216.34:443: connection reset by peer")
	drop(minutes(14)+5*time.Second, engine.WatchPing, engine.EndFIN, 1006, "", "unexpected EOF")
	open(minutes(14)+6*time.Second, engine.WatchPing, 1200*time.Millisecond, 1)
	l.Add(engine.WatchEvent{At: at(minutes(14) + 10*time.Second), Conn: engine.WatchBusy, Kind: engine.WatchRetryFailed, Attempt: 1, Took: 5 * time.Second, Detail: "timeout"})
	open(minutes(14)+12*time.Second, engine.WatchBusy, 7*time.Second, 2)
	// An outage: all three drop, and reconnecting fails for six minutes,
	// the backoff growing to a minute.
	for _, c := range engine.WatchConns {
		drop(minutes(24), c, engine.EndError, 1006, "", "write: network is unreachable")
	}
	for i, s := range []int{1, 3, 7, 15, 31, 63, 123, 183, 243, 303} {
		for _, c := range engine.WatchConns {
			l.Add(engine.WatchEvent{At: at(minutes(24) + time.Duration(s)*time.Second), Conn: c, Kind: engine.WatchRetryFailed, Attempt: i + 1, Took: time.Millisecond, Detail: "unreachable"})
		}
	}
	for _, c := range engine.WatchConns {
		open(minutes(30)+5*time.Second, c, 180*time.Millisecond, 11)
	}
	drop(minutes(38), engine.WatchSilent, engine.EndCloseFrame, 1001, "going away", "")
	open(minutes(38)+time.Second, engine.WatchSilent, 150*time.Millisecond, 1)
	l.Add(engine.WatchEvent{At: at(minutes(72)), Kind: engine.WatchSleep, Took: minutes(20)})
	for _, c := range engine.WatchConns {
		drop(minutes(72)+time.Second, c, engine.EndSilent, 1006, "", "no echo within 10 s")
	}
	for _, c := range engine.WatchConns {
		open(minutes(72)+3*time.Second, c, 900*time.Millisecond, 1)
	}
	l.Add(engine.WatchEvent{At: at(minutes(95)), Kind: engine.WatchChange, What: engine.ChangeProxy, From: "none", To: "http://bob:PROXYPASSsekret0009@proxy.corp.example:3128"})
	drop(minutes(96), engine.WatchBusy, engine.EndCloseFrame, 1008, "policy: token=TOKENsekret0006 expired", "Cookie: sid=COOKIEsekret0003")
	for i, d := range []time.Duration{2 * time.Second, 5 * time.Second} {
		l.Add(engine.WatchEvent{At: at(minutes(96) + d), Conn: engine.WatchBusy, Kind: engine.WatchRetryFailed, Attempt: i + 1, Took: 3 * time.Millisecond, Detail: "refused"})
	}
	open(minutes(96)+10*time.Second, engine.WatchBusy, 10*time.Second, 3)
	l.Add(engine.WatchEvent{At: at(minutes(110)), Kind: engine.WatchChange, What: engine.ChangeVPN, From: "", To: "CorpVPN (tun0)"})
	l.Add(engine.WatchEvent{At: at(minutes(120)), Kind: engine.WatchStop, Detail: "length"})
	l.End = at(minutes(120))
	return l
}

// longWatch is a 24-hour watch past engine.WatchLogCap: a drop and a
// reconnect of one connection or another every few minutes, a network
// change every hour, a sleep at night; its oldest events have left the
// log (Left > 0).
func longWatch() *engine.WatchLog {
	l := &engine.WatchLog{
		Target: "wss://chat.example.com/socket", Start: w0,
		PingEvery: 25 * time.Second, DataEvery: 25 * time.Second,
	}
	l.Add(engine.WatchEvent{At: at(0), Kind: engine.WatchStart})
	for _, c := range engine.WatchConns {
		l.Add(engine.WatchEvent{At: at(time.Second), Conn: c, Kind: engine.WatchOpen, Took: 100 * time.Millisecond, Attempt: 1})
	}
	step := 20 * time.Second
	for i := 1; at(time.Duration(i) * step).Before(at(24 * time.Hour)); i++ {
		d := time.Duration(i) * step
		c := engine.WatchConns[i%3]
		switch {
		case i%180 == 0:
			l.Add(engine.WatchEvent{At: at(d), Kind: engine.WatchChange, What: engine.ChangeRoute, From: "192.168.1.1", To: fmt.Sprintf("10.0.%d.1", i/180)})
		case i == 2000:
			l.Add(engine.WatchEvent{At: at(d), Kind: engine.WatchSleep, Took: 40 * time.Minute})
		case i%2 == 1:
			l.Add(engine.WatchEvent{At: at(d), Conn: c, Kind: engine.WatchDrop, Age: 5 * time.Minute, EndedBy: engine.EndFIN, CloseCode: 1006, Detail: "unexpected EOF"})
		default:
			l.Add(engine.WatchEvent{At: at(d), Conn: engine.WatchConns[(i-1)%3], Kind: engine.WatchOpen, Took: 300 * time.Millisecond, Attempt: 1})
		}
	}
	l.Add(engine.WatchEvent{At: at(24 * time.Hour), Kind: engine.WatchStop, Detail: "length"})
	l.End = at(24 * time.Hour)
	return l
}

// watchedInput is the healthy run, watched for two hours after its check.
func watchedInput() Input {
	in := healthyInput()
	in.Watch = watchFixture()
	return in
}
