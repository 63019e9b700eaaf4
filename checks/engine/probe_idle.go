package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// maxPongWait bounds how long a ping may go unanswered before its connection
// is taken for silently dead: a pong comes back within a round trip, and by
// 5 s TCP has resent a lost segment twice. Shorter ping intervals shorten it
// to the interval, so that one ping is out at a time.
const maxPongWait = 5 * time.Second

// IdleResolution is how finely the idle probe pins down an idle limit that
// ends connections silently (one that closes them is timed to the
// millisecond).
const IdleResolution = time.Second

// idleRungs is how many ladder connections look for a silent limit. With the
// idle, ping and keep-alive connections, the probe holds at most
// idleRungs+3 connections to the server.
const idleRungs = 6

// maxRungDials bounds the ladder connections opened in all: a rung that
// dies testing a period is replaced by a fresh one while it lasts.
const maxRungDials = 3 * idleRungs

// busyEvery is how often the busy connection sends a small data message
// (or the ping interval, when shorter): a middle box that counts only data
// as traffic keeps it open, and ends the silent and the pinged ones.
const busyEvery = 5 * time.Second

// busyStagger is how long after the others the busy connection is opened.
// Connections that all end at the same age (a maximum lifetime) then end at
// different instants, while connections that all end at the same instant
// (the server or the network went away) end at ages this far apart: the
// two are told apart by more than IdleResolution either way.
const busyStagger = 2 * time.Second

// idleCloseWait bounds the goodbye at the end: close frames go out at once
// on a working connection, and a dead one is closed anyway.
const idleCloseWait = time.Second

// Codes of the idle probe, besides CodeOK, CodeCancelled and the upgrade
// probe's handshake codes (when its own connections cannot be opened).
const (
	// CodeIdleLimit: an idle WebSocket was ended after limit_s seconds.
	CodeIdleLimit = "idle_limit"
	// CodeDropped: a WebSocket in use (the ping connection) was ended,
	// which no idle limit explains.
	CodeDropped = "dropped"
	// CodeMaxLifetime: every connection, busy or not, was ended at the
	// same age (lifetime_s) after it opened.
	CodeMaxLifetime = "max_lifetime"
	// CodePingsIgnored: the idle and the pinged connections were ended
	// after limit_s, the busy one (small data messages) lived on: the
	// network counts data, not pings.
	CodePingsIgnored = "pings_not_enough"
)

// How a connection of the idle probe ended ("<role>_end" evidence).
const (
	EndOpen       = "open"        // still open at the end
	EndCloseFrame = "close_frame" // a WebSocket close frame came
	EndFIN        = "fin"         // the TCP connection was closed, no close frame
	EndReset      = "reset"       // the TCP connection was reset
	EndSilent     = "silent"      // a ping got no answer in time
	EndError      = "error"       // another read or write error
)

// IdleProbe measures how long this network keeps an idle WebSocket open.
// It needs a working upgrade, then holds its own connections open for
// Options.Idle and watches how each ends:
//
//   - "idle": fully idle (no pings, TCP keep-alive off). A blocked read sees
//     a close frame, FIN or reset the moment it comes, so a limit that
//     closes connections is timed exactly. At the end it pings once: no
//     answer means it died silently.
//   - "ping": pings every Options.PingInterval; a pong must come within
//     min(interval, 5 s), else it is silently dead. Whether it outlives the
//     idle one says whether keep-alive pings fix the problem. When the limit
//     turns out shorter than the interval, and time is left to outlive it,
//     a "ping_retry" connection pings at half the limit, so the answer is
//     still known ("ping_interval_ok" then says the app's interval is not).
//   - "busy": opened busyStagger after the others, it sends a small text
//     message every busyEvery (or the ping interval, when shorter) and
//     awaits its echo within the pong wait. Whether it outlives the others
//     says whether data keeps a connection open where pings do not; when
//     all three end at the same age, whatever their traffic, the network
//     limits a connection's lifetime. A service that never echoes leaves
//     it unjudged ("busy_echoes" 0): only a loud end counts then.
//   - "keepalive": idle, with TCP keep-alive at the ping interval (where the
//     connection is a TCP one; "keepalive" evidence says), as some NAT and
//     firewall timers count it and proxies do not.
//   - a ladder of idleRungs connections for silent limits. A middle box that
//     forgets a connection tells nobody; only a write after the limit shows
//     it, by getting no answer. So each rung pings once when its idle age
//     reaches a target, which tests one idle period: a pong proves it
//     survives (and makes the rung fresh again), silence proves it does not.
//     The targets first split the length evenly, then, as answers come, the
//     bracket between the longest period that survived and the shortest that
//     did not, oldest rung to the longest target; a rung older than a known
//     limit is dead and closed. The search stops at IdleResolution (1 s).
//     Each round needs rungs of the right age, so the bracket shrinks to 1 s
//     when the limit is within about the first half of the length; past it
//     "limit_min_s"/"limit_max_s" say how close it got. Loud endings need no
//     ladder: every rung that dies loudly times the limit too.
//
// It never runs in a quick check: the runner adds it when Options.Idle is
// set, as a Long probe bounded by the handshake, the length and a last
// pong wait, and cancelling the run closes every connection at once.
//
// Codes: "ok" (pass: every connection lived to the end); "idle_limit" (the
// idle connection ended early: warn when sooner than Options.IdleRequired,
// else pass); "max_lifetime" (the idle, ping and busy connections all
// ended loudly at the same age, lifetime_s: warn or pass the same way);
// "pings_not_enough" (the idle and the ping connections ended, the busy
// one lived on: warn or pass by limit_s); "dropped" (fail: the ping connection, in use, ended for a
// reason no idle limit explains); "cancelled"; the upgrade probe's codes
// when its own handshake failed.
//
// Evidence: "length_s", "required_s", "ping_interval_s", "pong_wait_s";
// "limit_s" (the idle limit, one decimal: exact for a loud ending, the
// middle of the bracket for a silent one), "limit_min_s", "limit_max_s";
// "survived_s" (the longest idle period verified to survive); "ended_by"
// (how the idle limit showed: close_frame, fin, reset, silent), "closed_by"
// ("remote": the far end of the TCP connection, server or proxy, closed it;
// "nobody": it went dead silently), "close_code" and "close_reason";
// "pings_help" (yes, no, or unknown when the pings were further apart than
// the limit and no time was left to retry) and "ping_interval_ok" (whether
// the configured interval did), "keepalive_helps" (yes or no), all set when
// the idle connection ended; "ping_retry_interval_s"; "lifetime_s" (max_lifetime);
// "data_helps" (yes, no, unknown: whether the busy connection outlived the
// idle one); "busy_interval_s", "busy_opened_s" (after the idle one),
// "busy_messages", "busy_echoes"; per connection ("idle", "ping",
// "keepalive", "ping_retry", "busy"): "<role>_end" (open,
// close_frame, fin, reset, silent, error), "<role>_end_s" (seconds after it
// opened that the end was seen), "<role>_idle_s" (its idle age then),
// "<role>_close_code", "<role>_close_reason", "<role>_error"; "ping_pings",
// "ping_pongs" (and "ping_retry_..."); "keepalive" (on, or unavailable); "ladder" (the periods
// tested: "3.0:ok 4.5:dead ..."); "connections" (opened in all).
func IdleProbe() Probe {
	return Probe{Name: ProbeIdle, Needs: []string{ProbeUpgrade}, Run: probeIdle, Timeout: idleTimeout, Long: true}
}

// IdleProbes are the probes of the background idle run the GUI starts after
// the quick verdict: what the idle probe needs, and the probe itself.
func IdleProbes() []Probe {
	return []Probe{DNSProbe(), UpgradeProbe(), IdleProbe()}
}

// idleTimeout bounds the idle probe: its handshakes, the length, the last
// pong wait and the goodbye.
func idleTimeout(o Options) time.Duration {
	return o.upgradeTimeout() + o.Idle + pongWait(o) + idleCloseWait
}

func pongWait(o Options) time.Duration { return min(o.pingInterval(), maxPongWait) }

// idleConn is one connection of the idle probe, or of the watch.
type idleConn struct {
	role string // idle, ping, keepalive, rung, ping_retry, busy; the watch's silent, ping, busy
	ws   *websocket.Conn

	interval time.Duration // a ping connection's

	born   time.Time     // its connection was up (a lifetime counts from it)
	opened time.Time     // its handshake ended
	last   time.Time     // its last traffic: opened, a ping's pong
	target time.Duration // a rung's next test: the idle age to ping at
	final  bool          // the end-of-run ping was sent

	ping   string    // the payload of the ping awaiting its pong
	pingAt time.Time // when it was sent
	nextAt time.Time // the ping connection's next ping

	pings, pongs int
	maxOK        time.Duration // the longest idle period it survived

	// socketIO: the watch's connection to a Socket.IO app, whose reader
	// joins the main namespace ("40" to the open packet) and answers
	// Engine.IO's heartbeat ("3" to "2"), as the app's client would.
	socketIO bool

	ended     bool
	how       string // EndCloseFrame, ...
	endedAt   time.Time
	age       time.Duration // idle age when it ended
	closeCode int
	closeText string
	err       error
}

// writePing sends c.ping as a ping, within deadline. The idle test and
// the watch (watch.go) share idleConn: its reader (idleReader), its
// writes and how its end is named (endOf, writeEnd).
func (c *idleConn) writePing(deadline time.Time) error {
	return c.ws.WriteControl(websocket.PingMessage, []byte(c.ping), deadline)
}

// writeData sends c.ping as a small text message, whose echo the reader
// reports as its pong (role "busy"), within deadline.
func (c *idleConn) writeData(deadline time.Time) error {
	c.ws.SetWriteDeadline(deadline)
	return c.ws.WriteMessage(websocket.TextMessage, []byte(c.ping))
}

// writeEnd names how a connection ended whose write failed with err.
func writeEnd(err error) string {
	switch Classify(err) {
	case CodeReset:
		return EndReset
	case CodeTimeout:
		return EndSilent
	case CodeEOF:
		return EndFIN
	}
	return EndError
}

// idleEvent is what a connection's reader saw: a pong, or the end.
type idleEvent struct {
	c    *idleConn
	pong *string
	err  error
	code int
	text string
	at   time.Time
}

// probeIdle runs the idle test in its phases: open the connections
// (openIdle), watch them and search the ladder until the length is over
// (watch), then settle the verdict (settle).
func probeIdle(ctx context.Context, r *ProbeRun) Result {
	res := r.Result()
	length, interval, wait := r.Options.Idle, r.Options.pingInterval(), pongWait(r.Options)
	res.Evidence.Set("length_s", secs(length))
	res.Evidence.Set("required_s", secs(r.Options.idleRequired()))
	if src := r.Options.IdleNeedSource; src != "" {
		res.Evidence.Set("required_from", src)
	}
	res.Evidence.Set("ping_interval_s", secs(interval))
	res.Evidence.Set("pong_wait_s", secs(wait))
	if length <= 0 {
		res.Status, res.Reason = Skip, "no idle test asked for"
		return res
	}
	if socketIOApp(r.Target, r.Options) {
		// A Socket.IO app closes a connection that misses its heartbeat
		// and takes plain messages as protocol errors: the silent, pinged
		// and busy connections would measure the app, not the network
		// (and blame the network for it). Its own heartbeat keeps its
		// connections busy.
		res.Status, res.Code = Skip, CodeNotApplicable
		res.Reason = "a Socket.IO app keeps its connections alive itself; the idle test does not speak Socket.IO yet"
		return res
	}
	t := openIdle(ctx, r, &res)
	if t == nil {
		return res
	}
	defer t.stop()
	if !t.watch(ctx) {
		res.Status, res.Code = Fail, CodeCancelled
		if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
			res.Code = stopCode(ctx)
		}
		res.Reason = "stopped before the idle test ended"
		idleEvidence(&res.Evidence, t.lad, t.watched())
		return res
	}
	t.settle(&res)
	return res
}

// idleTest is one run of the idle probe: its connections, the ladder, and
// the readers and replacement dials working for it in the background. Only
// the probe's own goroutine changes it, but for live, which closeAll reads
// when the run is cancelled.
type idleTest struct {
	r                      *ProbeRun
	length, interval, wait time.Duration
	end                    time.Time // the end of the length

	// idle, pinger and keeper (nil when it could not be opened) are the
	// connections of those roles; retry the ping_retry one and busy the
	// busy one, once open.
	idle, pinger, keeper, retry, busy *idleConn
	busyAt                            time.Time // when to open the busy one

	liveMu sync.Mutex  // live grows as rungs are replaced
	live   []*idleConn // every connection opened, in order
	opened int         // how many: evidence "connections"

	lad *ladder
	seq int // numbers the pings

	events    chan idleEvent  // from the readers
	dialed    chan idleDialed // from the replacement dials
	quit      chan struct{}   // closed when the probe ends: readers stop
	dialCtx   context.Context // the replacement dials'
	stopDials context.CancelFunc
	wg        sync.WaitGroup // the readers and the replacement dials
	stopClose func() bool    // ends the AfterFunc that closes on cancel

	// rungDials counts the rungs opened; rungDialing, the rungs being
	// dialled; retryDialing, whether the ping_retry connection is.
	rungDials, rungDialing     int
	retryDialing, retryStarted bool
	busyDialing, busyStarted   bool
}

// idleDialed is a replacement dial's connection of role, or nil when it
// could not be opened.
type idleDialed struct {
	role string
	c    *idleConn
}

// keepAlive is the TCP keep-alive of an idle test's connection: off, as
// they must be idle to the last byte, but on the keepalive one, which
// probes every interval.
func keepAlive(on bool, interval time.Duration) net.KeepAliveConfig {
	if on {
		return net.KeepAliveConfig{Enable: true, Idle: interval, Interval: interval, Count: 3}
	}
	return net.KeepAliveConfig{Enable: false, Idle: -1, Interval: -1, Count: -1}
}

// setKeepAlive sets c's TCP keep-alive, and reports whether it could (c is
// a TCP connection).
func setKeepAlive(c net.Conn, cfg net.KeepAliveConfig) bool {
	ka, ok := c.(interface {
		SetKeepAliveConfig(net.KeepAliveConfig) error
	})
	return ok && ka.SetKeepAliveConfig(cfg) == nil
}

// openIdle opens every connection of the idle test at once, each within
// the upgrade's bound (idle, ping, keepalive and the rungs), sets the first
// ladder and starts the readers. When the idle or the ping connection
// cannot be opened it closes the others, says why in res and returns nil.
func openIdle(ctx context.Context, r *ProbeRun, res *Result) *idleTest {
	interval := r.Options.pingInterval()
	roles := []string{"idle", "ping", "keepalive"}
	for range idleRungs {
		roles = append(roles, "rung")
	}
	dials, keepalive := dialIdle(ctx, r, roles, interval)
	res.Evidence.Set("keepalive", keepalive)
	conns := make([]*idleConn, len(roles))
	for i, d := range dials {
		if d.err == nil {
			conns[i] = &idleConn{role: roles[i], ws: d.ws, born: bornOf(d), opened: d.done, last: d.done}
		}
	}
	if conns[0] == nil || conns[1] == nil {
		for _, c := range conns {
			if c != nil {
				c.ws.Close()
			}
		}
		d := dials[0]
		if conns[0] != nil {
			d = dials[1]
		}
		idleOpenFailed(ctx, res, d)
		return nil
	}
	if conns[2] == nil {
		res.Evidence.Set("keepalive", "unavailable")
	}
	t := &idleTest{
		r: r, length: r.Options.Idle, interval: interval, wait: pongWait(r.Options),
		idle: conns[0], pinger: conns[1], keeper: conns[2],
		lad: &ladder{length: r.Options.Idle}, rungDials: idleRungs,
	}
	for _, c := range conns {
		if c != nil {
			t.live = append(t.live, c)
		}
	}
	t.opened = len(t.live)

	// Cancelling ends everything at once: the readers fail on the closed
	// connections, replacement dials stop, and the loop sees ctx done.
	t.stopClose = context.AfterFunc(ctx, t.closeAll)
	t.events = make(chan idleEvent, 4*(len(t.live)+maxRungDials))
	t.dialed = make(chan idleDialed, maxRungDials+1)
	t.quit = make(chan struct{})
	t.dialCtx, t.stopDials = context.WithCancel(ctx)
	for _, c := range t.live {
		t.wg.Add(1)
		go idleReader(r, c, t.events, t.quit, &t.wg)
	}

	t.end = r.Now().Add(t.length)
	t.busyAt = t.idle.opened.Add(busyStagger)
	t.pinger.interval = interval
	t.pinger.nextAt = t.pinger.opened.Add(interval)
	// The first ladder: the rungs' tests spread evenly over the length.
	k := 0
	for _, c := range t.live {
		if c.role == "rung" {
			k++
			c.target = t.length * time.Duration(k) / time.Duration(idleRungs+1)
		}
	}
	return t
}

// dialIdle opens a connection for each role at once, each within the
// upgrade's bound, with TCP keep-alive off but on the keepalive one.
// keepalive is "on", or "unavailable" when that one's could not be set.
func dialIdle(ctx context.Context, r *ProbeRun, roles []string, interval time.Duration) (dials []wsDial, keepalive string) {
	dials = make([]wsDial, len(roles))
	keepalive = "on"
	var wg sync.WaitGroup
	dctx, cancel := context.WithTimeout(ctx, r.Options.upgradeTimeout())
	defer cancel()
	for i, role := range roles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dials[i] = r.dialWS(dctx, func(c net.Conn) {
				if !setKeepAlive(c, keepAlive(role == "keepalive", interval)) && role == "keepalive" {
					keepalive = "unavailable"
				}
			})
		}()
	}
	wg.Wait()
	return dials, keepalive
}

// idleOpenFailed says in res why the idle test could not open its
// connections: d is the idle or the ping connection's failed dial.
func idleOpenFailed(ctx context.Context, res *Result, d wsDial) {
	res.Status, res.Error = Fail, d.err.Error()
	if d.resp != nil {
		res.Code = fmt.Sprintf("status_%d", d.resp.StatusCode)
		res.Reason = "the idle test's handshake was answered " + d.resp.Status
		return
	}
	var why string
	res.Code, why = transportFailure(ctx, d.err, d.reached, !d.firstByte.IsZero())
	res.Reason = "the idle test could not open its connections: " + why
}

// closeAll closes every connection.
func (t *idleTest) closeAll() {
	t.liveMu.Lock()
	defer t.liveMu.Unlock()
	for _, c := range t.live {
		c.ws.Close()
	}
}

// stop ends the background work: the readers and the replacement dials,
// whose late connections it closes.
func (t *idleTest) stop() {
	t.stopDials()
	close(t.quit)
	t.closeAll()
	t.wg.Wait()
	// Replacements dialled too late: every dial has ended.
	for range len(t.dialed) {
		if d := <-t.dialed; d.c != nil {
			d.c.ws.Close()
		}
	}
	t.stopClose()
}

// redial replaces a dead rung with a fresh connection, or opens the
// ping_retry one pinging every every, in the background, while the budget
// lasts and there is something to learn.
func (t *idleTest) redial(role string, every time.Duration) {
	switch role {
	case "rung":
		t.rungDials++
		t.rungDialing++
	case "busy":
		t.busyDialing = true
	default:
		t.retryDialing = true
	}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		dctx, cancel := context.WithTimeout(t.dialCtx, t.r.Options.upgradeTimeout())
		defer cancel()
		d := t.r.dialWS(dctx, func(c net.Conn) { setKeepAlive(c, keepAlive(false, 0)) })
		var c *idleConn
		if d.err == nil {
			c = &idleConn{role: role, ws: d.ws, born: bornOf(d), opened: d.done, last: d.done, interval: every}
			c.nextAt = d.done.Add(every)
		}
		t.dialed <- idleDialed{role, c}
	}()
}

// endConn marks c ended and closes it; the first ending counts.
func (t *idleTest) endConn(c *idleConn, how string, at time.Time, age time.Duration, err error) {
	if c.ended {
		return
	}
	c.ended, c.how, c.endedAt, c.age, c.err = true, how, at, age, err
	c.ws.Close()
}

// sendPing pings c; a ping that cannot be written ends it.
func (t *idleTest) sendPing(c *idleConn, now time.Time) {
	t.seq++
	c.ping, c.pingAt = "wsdoctor-idle-"+strconv.Itoa(t.seq), now
	c.pings++
	if err := c.writePing(now.Add(t.wait)); err != nil {
		t.endConn(c, writeEnd(err), t.r.Now(), now.Sub(c.last), err)
	}
}

// sendData sends the busy connection its next small message, whose echo
// it then awaits like a pong; a message that cannot be written ends it.
func (t *idleTest) sendData(c *idleConn, now time.Time) {
	t.seq++
	c.ping, c.pingAt = "wsdoctor-busy-"+strconv.Itoa(t.seq), now
	c.pings++
	if err := c.writeData(now.Add(t.wait)); err != nil {
		t.endConn(c, writeEnd(err), t.r.Now(), now.Sub(c.last), err)
	}
}

// startBusy opens the busy connection once, busyStagger after the others,
// while the length lasts.
func (t *idleTest) startBusy(now time.Time) {
	if !t.busyStarted && !now.Before(t.busyAt) && now.Before(t.end) {
		t.busyStarted = true
		t.redial("busy", min(busyEvery, t.interval))
	}
}

// replan gives the free rungs their next tests, retires those past a
// known limit, and dials new rungs for the dead ones.
func (t *idleTest) replan(now time.Time) {
	var free []*idleConn
	var ages, current []time.Duration
	for _, c := range t.live {
		if c.role == "rung" && !c.ended && c.ping == "" {
			free = append(free, c)
			ages = append(ages, now.Sub(c.last))
			current = append(current, c.target)
		}
	}
	targets, retire := t.lad.plan(ages, current, t.end.Sub(now))
	for i, c := range free {
		c.target = targets[i]
		if retire[i] {
			// Past a known limit, or nothing left to learn:
			// closing it is kinder to the server.
			c.ws.Close()
			c.ended, c.how, c.endedAt = true, EndOpen, now
		}
	}
	rungs := t.rungDialing
	for _, c := range t.live {
		if c.role == "rung" && !c.ended {
			rungs++
		}
	}
	for ; rungs < idleRungs && t.rungDials < maxRungDials && !t.lad.done() && now.Before(t.end) && t.lad.hi > 0; rungs++ {
		t.redial("rung", 0)
	}
}

// watch is the ladder loop: it sends the pings that are due and takes the
// pongs, endings and replacement connections as they come, until the
// length is over, or nothing is left to watch, and no answer is awaited.
// It reports false when ctx ended first.
func (t *idleTest) watch(ctx context.Context) bool {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := t.r.Now()
		next, changed, pending := t.due(now)
		if changed {
			t.replan(now)
			continue
		}
		t.retryCloser(now)
		t.startBusy(now)
		if !pending && t.over(now) {
			return true
		}
		if now.Before(t.end) {
			next = earlier(next, t.end)
			if !t.busyStarted {
				next = earlier(next, t.busyAt)
			}
		}
		timer.Reset(max(next.Sub(now), 0))
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
		case d := <-t.dialed:
			t.took(ctx, d)
		case ev := <-t.events:
			t.saw(ev)
		}
	}
}

// earlier is the earlier of a and b, where a may be zero (none yet).
func earlier(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// due does what is due at now, silences first, then pings. It returns
// when the next thing falls due (zero for nothing), whether a connection
// ended, and whether a pong is awaited.
func (t *idleTest) due(now time.Time) (next time.Time, changed, pending bool) {
	for _, c := range t.live {
		if c.ended {
			continue
		}
		if c.ping != "" && c.role == "busy" && c.pongs == 0 && !now.Before(c.pingAt.Add(t.wait)) {
			// No echo ever: a service that does not echo. The busy
			// connection goes on sending, unjudged.
			c.ping = ""
		}
		if c.ping != "" {
			if due := c.pingAt.Add(t.wait); !now.Before(due) {
				age := c.pingAt.Sub(c.last)
				t.endConn(c, EndSilent, now, age, fmt.Errorf("idle: no pong within %s of a ping sent after %s idle", t.wait, age.Round(time.Millisecond)))
				if c.role == "idle" || c.role == "rung" {
					t.lad.failed(age)
				}
				changed = true
			} else {
				next = earlier(next, due)
				pending = true
			}
			continue
		}
		var due time.Time
		switch {
		case c.role == "ping" || c.role == "ping_retry" || c.role == "busy":
			due = c.nextAt
		case c.role == "rung" && c.target > 0:
			due = c.last.Add(c.target)
		case (c.role == "idle" || c.role == "keepalive") && !c.final:
			due = t.end
		}
		if due.IsZero() || due.After(t.end) {
			continue
		}
		if now.Before(due) {
			next = earlier(next, due)
			continue
		}
		if c.role == "idle" || c.role == "keepalive" {
			c.final = true
		}
		if c.interval > 0 {
			c.nextAt = now.Add(c.interval)
		}
		if c.role == "busy" {
			t.sendData(c, now)
		} else {
			t.sendPing(c, now)
		}
		if c.ended {
			changed = true
		} else {
			next = earlier(next, c.pingAt.Add(t.wait))
			pending = true
		}
	}
	return next, changed, pending
}

// retryCloser opens the ping_retry connection once: pings further apart
// than the limit cannot show whether pings help, so once the limit is
// known and time is left to outlive it, one more connection pings at half
// of it.
func (t *idleTest) retryCloser(now time.Time) {
	bound := max(t.lad.exact, t.lad.hi)
	if !t.retryStarted && bound > 0 && t.interval > bound-IdleResolution/2 && t.end.Sub(now) >= bound+IdleResolution {
		t.retryStarted = true
		t.redial("ping_retry", max(bound/2, IdleResolution/2).Round(100*time.Millisecond))
	}
}

// over reports whether the test is finished: the length is over, or
// nothing is left to watch.
func (t *idleTest) over(now time.Time) bool {
	rest := t.retryDialing || t.busyDialing
	for _, c := range t.live {
		rest = rest || !c.ended
	}
	return !now.Before(t.end) || !rest
}

// took puts a replacement dial's connection to work, or closes it when the
// ladder no longer needs it.
func (t *idleTest) took(ctx context.Context, d idleDialed) {
	c := d.c
	switch d.role {
	case "rung":
		t.rungDialing--
	case "busy":
		t.busyDialing = false
	default:
		t.retryDialing = false
	}
	if c == nil {
		return
	}
	switch {
	case c.role == "ping_retry":
		t.retry = c
	case c.role == "busy":
		t.busy = c
	case t.lad.done() || ctx.Err() != nil:
		c.ws.Close()
		return
	}
	t.liveMu.Lock()
	t.live = append(t.live, c)
	t.liveMu.Unlock()
	t.opened++
	t.wg.Add(1)
	go idleReader(t.r, c, t.events, t.quit, &t.wg)
	t.replan(t.r.Now())
}

// saw takes what a reader saw: a pong, which proves the period since the
// connection's last traffic survived, or the end of the connection.
func (t *idleTest) saw(ev idleEvent) {
	c := ev.c
	if c.ended {
		return
	}
	if ev.pong != nil {
		if *ev.pong != c.ping {
			return
		}
		age := c.pingAt.Sub(c.last)
		c.ping, c.last = "", ev.at
		c.pongs++
		c.maxOK = max(c.maxOK, age)
		switch c.role {
		case "idle", "rung":
			t.lad.survived(age)
		case "ping", "ping_retry":
			t.lad.lo = max(t.lad.lo, age)
		}
		// Keep-alive may hold a NAT open that would close an idle
		// WebSocket: it is not the ladder's.
		if c.role == "rung" {
			t.replan(ev.at)
		}
		return
	}
	how := endOf(ev.err, ev.code)
	age := ev.at.Sub(c.last)
	switch {
	case c.ping != "":
		// It ended on our ping: the box had forgotten it by then, so
		// the ping's age is the failed period.
		age = c.pingAt.Sub(c.last)
		if c.role == "idle" || c.role == "rung" {
			t.lad.failed(age)
		}
	case c.role == "idle":
		// The idle connection times a loud limit exactly.
		t.lad.exact = age
		t.lad.log = append(t.lad.log, secs(age)+":"+how)
	case c.role == "rung":
		t.lad.log = append(t.lad.log, secs(age)+":"+how)
	}
	c.closeCode, c.closeText = ev.code, ev.text
	t.endConn(c, how, ev.at, age, ev.err)
	t.replan(ev.at)
}

// watched are the connections whose ends the evidence tells, by role:
// idle, ping, keepalive, ping_retry and busy (nil when not opened).
func (t *idleTest) watched() []*idleConn {
	return []*idleConn{t.idle, t.pinger, t.keeper, t.retry, t.busy}
}

// settle closes what is still open with a goodbye, writes the evidence and
// decides the verdict of a test that ran its course.
func (t *idleTest) settle(res *Result) {
	res.Evidence.Set("connections", strconv.Itoa(t.opened))
	for _, c := range t.live {
		if !c.ended {
			c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), t.r.Now().Add(idleCloseWait))
		}
	}
	idleEvidence(&res.Evidence, t.lad, t.watched())
	idleVerdict(res, t.lad, t.watched(), t.r.Options.idleRequired())
	res.Timings = firstTimings(t.r)
}

// firstTimings are the first timing of each phase: every connection of the
// idle probe times its own handshake, and one of each says enough.
func firstTimings(r *ProbeRun) []Timing {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Timing
	seen := map[Phase]bool{}
	for _, t := range r.timings {
		if !seen[t.Phase] {
			seen[t.Phase] = true
			out = append(out, t)
		}
	}
	return out
}

// idleReader reads c until it ends, reporting pongs and the end.
func idleReader(r *ProbeRun, c *idleConn, events chan<- idleEvent, quit <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	send := func(ev idleEvent) {
		select {
		case events <- ev:
		case <-quit:
		}
	}
	var code int
	var text string
	c.ws.SetPongHandler(func(s string) error {
		send(idleEvent{c: c, pong: &s, at: r.Now()})
		return nil
	})
	c.ws.SetCloseHandler(func(cd int, t string) error {
		code, text = cd, t
		c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(cd, ""), time.Now().Add(closeWriteWait))
		return nil
	})
	mr := newMsgReader(c.ws, maxEchoRead, MaxConnRead)
	for {
		_, msg, err := mr.Next()
		if err != nil {
			send(idleEvent{c: c, err: err, code: code, text: text, at: r.Now()})
			return
		}
		if c.socketIO {
			if answer := engineIOReply(msg); answer != "" {
				c.ws.SetWriteDeadline(time.Now().Add(closeWriteWait))
				c.ws.WriteMessage(websocket.TextMessage, []byte(answer))
			}
			continue
		}
		if c.role == "busy" {
			// The echo of a busy message counts as its pong.
			s := string(msg)
			send(idleEvent{c: c, pong: &s, at: r.Now()})
		}
	}
}

// engineIOReply is what a Socket.IO client answers to an Engine.IO
// packet: the connect to the main namespace after the open packet, the
// pong to a ping; "" for nothing.
func engineIOReply(msg []byte) string {
	switch {
	case len(msg) > 0 && msg[0] == '0':
		return "40"
	case string(msg) == "2":
		return "3"
	}
	return ""
}

// endOf names how a read ended; code is a close frame's code, or 0.
func endOf(err error, code int) string {
	var ce *websocket.CloseError
	switch {
	case code != 0:
		return EndCloseFrame
	case Classify(err) == CodeReset:
		return EndReset
	case Classify(err) == CodeTimeout:
		// TCP keep-alive probes went unanswered.
		return EndSilent
	case errors.As(err, &ce) && ce.Code == websocket.CloseAbnormalClosure, Classify(err) == CodeEOF:
		return EndFIN
	case errors.As(err, &ce):
		return EndCloseFrame
	}
	return EndError
}

// idleEvidence writes what the connections (idle, ping, keepalive,
// ping_retry; nil when not opened) and the ladder saw.
func idleEvidence(e *Evidence, lad *ladder, conns []*idleConn) {
	for _, c := range conns {
		if c == nil {
			continue
		}
		p := c.role + "_"
		if !c.ended {
			e.Set(p+"end", EndOpen)
			continue
		}
		e.Set(p+"end", c.how)
		e.Set(p+"end_s", secs(c.endedAt.Sub(c.opened)))
		e.Set(p+"idle_s", secs(c.age))
		if c.closeCode != 0 {
			e.Set(p+"close_code", strconv.Itoa(c.closeCode))
			e.Set(p+"close_reason", clip(c.closeText, maxHeaderValue))
		}
		if c.err != nil {
			e.Set(p+"error", c.err.Error())
		}
	}
	for _, p := range conns[:4] {
		if p != nil && p.interval > 0 {
			e.Set(p.role+"_pings", strconv.Itoa(p.pings))
			e.Set(p.role+"_pongs", strconv.Itoa(p.pongs))
		}
	}
	if p := conns[3]; p != nil {
		e.Set("ping_retry_interval_s", secs(p.interval))
	}
	if b := conns[4]; b != nil {
		e.Set("busy_interval_s", secs(b.interval))
		e.Set("busy_opened_s", secs(b.opened.Sub(conns[0].opened)))
		e.Set("busy_messages", strconv.Itoa(b.pings))
		e.Set("busy_echoes", strconv.Itoa(b.pongs))
	}
	if len(lad.log) > 0 {
		e.Set("ladder", strings.Join(lad.log, " "))
	}
}

// lifeOf is how long c lived: from when its connection was up (where a
// middle box starts counting its age; the handshakes after it take their
// own time, longer on a busy machine) to when its end was seen.
func lifeOf(c *idleConn) time.Duration { return c.endedAt.Sub(c.born) }

// bornOf is when d's connection was up, or its handshake's end when not
// known.
func bornOf(d wsDial) time.Time {
	if d.connectedAt.IsZero() {
		return d.done
	}
	return d.connectedAt
}

// sameAge reports whether every one of cs ended loudly (a silent end is
// seen only at the next write, up to an interval late) at the same age
// after it opened, within IdleResolution.
func sameAge(cs ...*idleConn) bool {
	var lo, hi time.Duration
	for i, c := range cs {
		if c == nil || !c.ended || c.how == EndSilent || c.how == EndOpen {
			return false
		}
		l := lifeOf(c)
		if i == 0 || l < lo {
			lo = l
		}
		hi = max(hi, l)
	}
	return hi-lo <= IdleResolution
}

// idleVerdict settles status, code and the summary evidence from the
// connections (idle, ping, keepalive, ping_retry, busy; all but idle and
// ping may be nil).
func idleVerdict(res *Result, lad *ladder, conns []*idleConn, required time.Duration) {
	idle, pinger, retry, busy := conns[0], conns[1], conns[3], conns[4]
	e := &res.Evidence
	// The limit is the idle connection's: exact when it ended loudly,
	// else the ladder's bracket, topped by the idle connection's own
	// last ping.
	lo, hi := lad.lo, lad.hi
	if lad.exact > 0 {
		lo, hi = lad.exact, lad.exact
	}
	if idle.ended && hi == 0 {
		hi = idle.age
	}
	if hi > 0 {
		lo = min(lo, hi)
	}
	limit := (lo + hi) / 2

	// The ping connection died of idleness only if it was idle longer than
	// it had ever survived (its pings were too far apart for the limit);
	// dying at an age it had survived before, it was dropped while in use.
	dropped := func(c *idleConn) bool {
		return c != nil && c.ended &&
			(!idle.ended || c.age <= c.maxOK+IdleResolution/2 || c.age < limit-IdleResolution)
	}
	if dropped(retry) {
		pinger = retry
	}
	decisive := pinger
	if retry != nil {
		decisive = retry
	}
	// The busy connection outlived the idle one; it proves it by its
	// echoes (a service that never echoes leaves it unjudged).
	dataHelps := "unknown"
	if busy != nil && idle.ended {
		switch {
		case busy.pongs == 0:
			// It never exchanged data: idle itself, it proves nothing.
		case busy.ended:
			dataHelps = "no"
		default:
			dataHelps = "yes"
		}
	}

	switch {
	case sameAge(idle, conns[1], busy) && (busy.endedAt.Sub(idle.endedAt)).Abs() > IdleResolution &&
		busy.pongs > 0 && busy.age < lifeOf(busy)-IdleResolution:
		// Busy or not, every connection ended at the same age: opened
		// busyStagger apart, they did not end at the same instant, so
		// it is not the service or the network going away; and the busy
		// one had exchanged data since it opened, so it is not idleness
		// (a lifetime shorter than the busy interval looks like an idle
		// limit).
		life := lifeOf(busy)
		res.Status, res.Code = Warn, CodeMaxLifetime
		if life >= required {
			res.Status = Pass
		}
		res.Reason = fmt.Sprintf("every WebSocket, busy or idle, ended about %s after it opened (%s)", life.Round(100*time.Millisecond), busy.how)
		e.Set(KeyLifetime, secs(life))
		e.Set(KeyDataHelps, "no")
		endEvidence(e, busy)
		e.Set(KeySurvived, secs(lad.lo))
		return
	case dataHelps == "yes" && decisive.ended && decisive.pings > 0:
		// The silent and the pinged ones ended, the busy one lives:
		// pings do not count as traffic here, data does.
		res.Status, res.Code = Warn, CodePingsIgnored
		if limit >= required {
			res.Status = Pass
		}
		res.Reason = fmt.Sprintf("an idle WebSocket ended after about %s (%s), one pinged every %s too; one sending data every %s stayed open", limit.Round(100*time.Millisecond), idle.how, decisive.interval, busy.interval)
		e.Set(KeyIdleLimit, secs(limit))
		e.Set("limit_min_s", secs(lo))
		e.Set("limit_max_s", secs(hi))
		endEvidence(e, idle)
		e.Set(KeyPingsKeptAlive, "no")
		e.Set(KeyDataHelps, dataHelps)
		e.Set(KeySurvived, secs(lo))
		return
	case dropped(pinger):
		res.Status, res.Code = Fail, CodeDropped
		res.Error = errText(pinger.err)
		res.Reason = fmt.Sprintf("a WebSocket in use (pinged every %s) ended after %s (%s)", pinger.interval, pinger.endedAt.Sub(pinger.opened).Round(100*time.Millisecond), pinger.how)
		endEvidence(e, pinger)
		e.Set(KeySurvived, secs(lad.lo))
		return
	case idle.ended:
		res.Status, res.Code = Warn, CodeIdleLimit
		if limit >= required {
			res.Status = Pass
		}
		// Whether pings help: the configured interval's answer, or,
		// when it was longer than the limit, the retry's at half of it.
		helps := "yes"
		switch {
		case decisive.ended && decisive == pinger && retry == nil && pinger.age >= limit-IdleResolution:
			helps = "unknown" // too far apart, and no time to try closer
		case decisive.ended:
			helps = "no"
		}
		help := fmt.Sprintf("pings every %s kept a connection open", decisive.interval)
		switch helps {
		case "no":
			help = fmt.Sprintf("pings every %s did not keep a connection open", decisive.interval)
		case "unknown":
			help = fmt.Sprintf("pings every %s are too far apart to tell whether pings help", decisive.interval)
		}
		res.Reason = fmt.Sprintf("an idle WebSocket ended after about %s (%s); %s", limit.Round(100*time.Millisecond), idle.how, help)
		e.Set(KeyIdleLimit, secs(limit))
		e.Set("limit_min_s", secs(lo))
		e.Set("limit_max_s", secs(hi))
		endEvidence(e, idle)
		e.Set(KeyPingsKeptAlive, helps)
		e.Set("ping_interval_ok", yesNo(!pinger.ended))
		if v, ok := e.Get("keepalive_end"); ok {
			e.Set("keepalive_helps", yesNo(v == EndOpen))
		}
		e.Set(KeyDataHelps, dataHelps)
		e.Set(KeySurvived, secs(lo))
	default:
		res.Status, res.Code = Pass, CodeOK
		res.Reason = fmt.Sprintf("idle WebSockets stayed open for %s", lad.lo.Round(100*time.Millisecond))
		e.Set(KeySurvived, secs(lad.lo))
	}
}

// endEvidence says how the connection that decided the verdict ended.
func endEvidence(e *Evidence, c *idleConn) {
	e.Set(KeyIdleEndedBy, c.how)
	if c.how == EndSilent {
		e.Set("closed_by", "nobody")
	} else {
		e.Set("closed_by", "remote")
	}
	if c.closeCode != 0 {
		e.Set(KeyCloseCode, strconv.Itoa(c.closeCode))
		e.Set(KeyCloseReason, clip(c.closeText, maxHeaderValue))
	}
}

// secs is d in seconds with one decimal, as the idle evidence shows it.
func secs(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
}
