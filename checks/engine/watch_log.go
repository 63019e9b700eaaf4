package engine

import (
	"time"
)

// The watch (issue 24) keeps three connections open to a target for a long
// time, through the route the check took, and writes down everything that
// happens to them and under them: a WatchLog. The log is the one thing the
// front ends show (the window's timeline, the report's SVG, the CSV), and
// the diagnosis reads (checks/diagnose: the pattern rules are pure
// functions of it). Watch (watch.go) fills it; checks/session adds the
// machine's changes (netenv.Sample) to it.

// The watch's connections, by what they carry: the same three the idle
// test opens.
const (
	WatchSilent = "silent" // nothing at all after the handshake
	WatchPing   = "ping"   // a ping every WatchOptions.PingEvery, its pong awaited
	WatchBusy   = "busy"   // a small data message every WatchOptions.DataEvery, its echo awaited
)

// WatchConns are the connection names in the order they are drawn.
var WatchConns = []string{WatchSilent, WatchPing, WatchBusy}

// WatchKind is what a WatchEvent says happened.
type WatchKind string

const (
	// WatchStart and WatchStop bracket the watch (Detail: why it stopped:
	// "length", "cancelled", "error: ...").
	WatchStart WatchKind = "start"
	WatchStop  WatchKind = "stop"
	// WatchOpen: Conn opened (Took: its handshake, from the first dial
	// attempt after a drop; Attempt: how many attempts that took).
	WatchOpen WatchKind = "open"
	// WatchDrop: Conn ended (Age, EndedBy, CloseCode, CloseReason, Detail:
	// the error).
	WatchDrop WatchKind = "drop"
	// WatchRetryFailed: a reconnect attempt for Conn failed (Attempt,
	// Detail: the error's code, e.g. "timeout", "refused", "dns"; Took: how
	// long the attempt took); the next one comes after the backoff.
	WatchRetryFailed WatchKind = "retry_failed"
	// WatchChange: something under the connections changed (What, From,
	// To). Conn is empty.
	WatchChange WatchKind = "change"
	// WatchSleep: the computer slept: the wall clock jumped ahead of the
	// monotonic one by Took. Conn is empty.
	WatchSleep WatchKind = "sleep"
)

// What a WatchChange is about (netenv.Sample's fields).
const (
	ChangeRoute     = "route"     // the default route's gateway
	ChangeInterface = "interface" // the default route's interface
	ChangeWiFi      = "wifi"      // the Wi-Fi network name
	ChangeVPN       = "vpn"       // VPN up or down, or another VPN
	ChangeProxy     = "proxy"     // the proxy settings
	ChangePAC       = "pac"       // the PAC script's answer for the host
	ChangeDNS       = "dns"       // the host's addresses
)

// How a watch connection ended (WatchEvent.EndedBy): the idle test's
// EndCloseFrame, EndFIN, EndReset, EndSilent (an echo or pong did not come
// back in time), EndError, and EndTLSAlert.
const EndTLSAlert = "tls_alert"

// WatchEvent is one line of the timeline.
type WatchEvent struct {
	At   time.Time `json:"at"`
	Conn string    `json:"conn,omitempty"`
	Kind WatchKind `json:"kind"`

	// Age is how long the connection had been open (drop).
	Age time.Duration `json:"age_ns,omitempty"`
	// Idle is how long the connection had been quiet when it ended (drop;
	// added by the watch, helper A): since its last answered ping or echo,
	// or since it opened. For a silent end it is the idle period its last
	// ping tested. The silent connection pings only to test an idle
	// period (watch.go), so its drops' Idle is the network's idle limit
	// where Age is how long it had lived.
	Idle time.Duration `json:"idle_ns,omitempty"`
	// EndedBy, CloseCode and CloseReason: how it ended (drop).
	EndedBy     string `json:"ended_by,omitempty"`
	CloseCode   int    `json:"close_code,omitempty"`
	CloseReason string `json:"close_reason,omitempty"`

	// Took: the handshake (open), the attempt (retry_failed) or the sleep
	// (sleep). Attempt counts reconnect attempts since the drop.
	Took    time.Duration `json:"took_ns,omitempty"`
	Attempt int           `json:"attempt,omitempty"`

	// What, From and To: a change.
	What string `json:"what,omitempty"`
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`

	// Detail: an error's words, redacted of secrets by who writes it.
	Detail string `json:"detail,omitempty"`
}

// WatchLogCap bounds the events a WatchLog keeps: beyond it the oldest go,
// counted in Summary, so a 24-hour watch stays small.
const WatchLogCap = 4096

// WatchLog is a watch's timeline: its newest WatchLogCap events, in time
// order, and counts over all of them.
type WatchLog struct {
	Target string    `json:"target"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end,omitempty"` // zero while it runs
	// PingEvery and DataEvery: the ping and busy connections' intervals.
	PingEvery time.Duration `json:"ping_every_ns"`
	DataEvery time.Duration `json:"data_every_ns"`

	Events []WatchEvent `json:"events"`
	// Left is how many events, the oldest, are no longer in Events.
	Left    int          `json:"left,omitempty"`
	Summary WatchSummary `json:"summary"`
}

// WatchSummary counts over the whole watch, the events that left the log
// included.
type WatchSummary struct {
	Drops   map[string]int `json:"drops,omitempty"`    // by connection
	EndedBy map[string]int `json:"ended_by,omitempty"` // drops by how they ended
	Changes map[string]int `json:"changes,omitempty"`  // changes by What
	Sleeps  int            `json:"sleeps,omitempty"`
	// RetriesFailed counts failed reconnect attempts.
	RetriesFailed int `json:"retries_failed,omitempty"`
}

// Add appends e (events come in time order) and counts it; the oldest
// event leaves when the log is full.
func (l *WatchLog) Add(e WatchEvent) {
	s := &l.Summary
	switch e.Kind {
	case WatchDrop:
		s.Drops = inc(s.Drops, e.Conn)
		s.EndedBy = inc(s.EndedBy, e.EndedBy)
	case WatchChange:
		s.Changes = inc(s.Changes, e.What)
	case WatchSleep:
		s.Sleeps++
	case WatchRetryFailed:
		s.RetriesFailed++
	}
	if len(l.Events) >= WatchLogCap {
		n := copy(l.Events, l.Events[1:])
		l.Events = l.Events[:n]
		l.Left++
	}
	l.Events = append(l.Events, e)
}

// DropCount is how many drops the whole watch saw.
func (l *WatchLog) DropCount() int {
	n := 0
	for _, v := range l.Summary.Drops {
		n += v
	}
	return n
}

// Copy is a deep copy of l, safe to hand to another goroutine.
func (l *WatchLog) Copy() WatchLog {
	c := *l
	c.Events = append([]WatchEvent(nil), l.Events...)
	c.Summary.Drops = copyCounts(l.Summary.Drops)
	c.Summary.EndedBy = copyCounts(l.Summary.EndedBy)
	c.Summary.Changes = copyCounts(l.Summary.Changes)
	return c
}

func inc(m map[string]int, k string) map[string]int {
	if m == nil {
		m = map[string]int{}
	}
	m[k]++
	return m
}

func copyCounts(m map[string]int) map[string]int {
	if m == nil {
		return nil
	}
	c := make(map[string]int, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
