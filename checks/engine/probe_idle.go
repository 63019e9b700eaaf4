package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
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
// else pass); "dropped" (fail: the ping connection, in use, ended for a
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
// the idle connection ended; "ping_retry_interval_s"; per connection
// ("idle", "ping", "keepalive", "ping_retry"): "<role>_end" (open,
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

// idleConn is one connection of the idle probe.
type idleConn struct {
	role string // idle, ping, keepalive, rung, ping_retry
	ws   *websocket.Conn

	interval time.Duration // a ping connection's

	opened time.Time
	last   time.Time     // its last traffic: opened, a ping's pong
	target time.Duration // a rung's next test: the idle age to ping at
	final  bool          // the end-of-run ping was sent

	ping   string    // the payload of the ping awaiting its pong
	pingAt time.Time // when it was sent
	nextAt time.Time // the ping connection's next ping

	pings, pongs int
	maxOK        time.Duration // the longest idle period it survived

	ended     bool
	how       string // EndCloseFrame, ...
	endedAt   time.Time
	age       time.Duration // idle age when it ended
	closeCode int
	closeText string
	err       error
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

// ladder is the search for a silent idle limit in idle periods.
type ladder struct {
	lo     time.Duration // longest period seen to survive
	hi     time.Duration // shortest seen to fail; 0 for none yet
	exact  time.Duration // a loud ending's age; 0 for none
	length time.Duration
	log    []string
}

// done reports whether the limit is known well enough.
func (l *ladder) done() bool {
	return l.exact > 0 || (l.hi > 0 && l.hi-l.lo <= IdleResolution)
}

func (l *ladder) survived(d time.Duration) {
	l.lo = max(l.lo, d)
	l.log = append(l.log, secs(d)+":ok")
}

func (l *ladder) failed(d time.Duration) {
	if l.hi == 0 || d < l.hi {
		l.hi = d
	}
	l.log = append(l.log, secs(d)+":dead")
}

// plan gives free rungs (no ping out), by their idle ages and current
// targets, the idle age to ping at (zero: none), and says which to retire.
// left is the time to the end: no test may start after it.
//
// Before any test failed, the first ladder stands: targets evenly over the
// length, set once; a rung whose test passed is a spare, kept fresh by a
// ping whenever its age reaches the longest period known to survive (lo),
// so that it is still alive, and as old as is safe, when it is needed.
// Once a test failed (hi), every rung younger than hi gets a point of the
// bracket (lo, hi), spread evenly, the oldest rung the middle one, the next
// the points nearest it: the first answer halves the bracket, and each
// answer re-plans. A rung already older than its point pings at once, which
// tests its own age. A rung as old as hi is dead, and retired.
func (l *ladder) plan(ages, current []time.Duration, left time.Duration) (targets []time.Duration, retire []bool) {
	n := len(ages)
	targets = make([]time.Duration, n)
	retire = make([]bool, n)
	if l.done() {
		for i := range retire {
			retire[i] = true
		}
		return targets, retire
	}
	spare := func(i int) {
		if l.lo > ages[i] && l.lo-ages[i] <= left {
			targets[i] = l.lo
		}
	}
	if l.hi == 0 {
		for i := range ages {
			if current[i] > ages[i] {
				targets[i] = current[i]
			} else {
				spare(i)
			}
		}
		return targets, retire
	}
	var usable []int
	for i, a := range ages {
		if a >= l.hi {
			retire[i] = true
		} else {
			usable = append(usable, i)
		}
	}
	slices.SortFunc(usable, func(a, b int) int { return cmp.Compare(ages[b], ages[a]) })
	points := make([]time.Duration, len(usable))
	for k := range points {
		points[k] = l.lo + (l.hi-l.lo)*time.Duration(k+1)/time.Duration(len(usable)+1)
	}
	mid := (l.lo + l.hi) / 2
	slices.SortFunc(points, func(a, b time.Duration) int { return cmp.Compare((a - mid).Abs(), (b - mid).Abs()) })
	for k, i := range usable {
		p := points[k]
		switch {
		case p <= ages[i]:
			targets[i] = ages[i]
		case p-ages[i] <= left:
			targets[i] = p
		default:
			spare(i)
		}
	}
	return targets, retire
}

func probeIdle(ctx context.Context, r *Run) Result {
	res := r.Result()
	length, interval, wait := r.Options.Idle, r.Options.pingInterval(), pongWait(r.Options)
	res.Evidence.Set("length_s", secs(length))
	res.Evidence.Set("required_s", secs(r.Options.idleRequired()))
	res.Evidence.Set("ping_interval_s", secs(interval))
	res.Evidence.Set("pong_wait_s", secs(wait))
	if length <= 0 {
		res.Status, res.Reason = Skip, "no idle test asked for"
		return res
	}

	// Open every connection at once, each within the upgrade's bound.
	roles := []string{"idle", "ping", "keepalive"}
	for range idleRungs {
		roles = append(roles, "rung")
	}
	conns := make([]*idleConn, len(roles))
	dials := make([]wsDial, len(roles))
	keepalive := "on"
	var dwg sync.WaitGroup
	dctx, dcancel := context.WithTimeout(ctx, r.Options.upgradeTimeout())
	for i, role := range roles {
		dwg.Add(1)
		go func() {
			defer dwg.Done()
			dials[i] = r.dialWS(dctx, func(c net.Conn) {
				ka, ok := c.(interface {
					SetKeepAliveConfig(net.KeepAliveConfig) error
				})
				cfg := net.KeepAliveConfig{Enable: false, Idle: -1, Interval: -1, Count: -1}
				if role == "keepalive" {
					cfg = net.KeepAliveConfig{Enable: true, Idle: interval, Interval: interval, Count: 3}
				}
				if !ok || ka.SetKeepAliveConfig(cfg) != nil {
					if role == "keepalive" {
						keepalive = "unavailable"
					}
				}
			})
		}()
	}
	dwg.Wait()
	dcancel()
	res.Evidence.Set("keepalive", keepalive)
	for i, d := range dials {
		if d.err == nil {
			conns[i] = &idleConn{role: roles[i], ws: d.ws, opened: d.done, last: d.done}
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
		res.Status, res.Error = Fail, d.err.Error()
		if d.resp != nil {
			res.Code = fmt.Sprintf("status_%d", d.resp.StatusCode)
			res.Reason = "the idle test's handshake was answered " + d.resp.Status
		} else {
			var why string
			res.Code, why = transportFailure(ctx, d.err, d.reached, !d.firstByte.IsZero())
			res.Reason = "the idle test could not open its connections: " + why
		}
		return res
	}
	if conns[2] == nil {
		keepalive = "unavailable"
		res.Evidence.Set("keepalive", keepalive)
	}
	var live []*idleConn
	for _, c := range conns {
		if c != nil {
			live = append(live, c)
		}
	}
	idle, pinger := conns[0], conns[1]
	keeper := conns[2]
	opened := len(live)

	// Cancelling ends everything at once: the readers fail on the closed
	// connections, replacement dials stop, and the loop sees ctx done.
	var liveMu sync.Mutex // live grows as rungs are replaced
	closeAll := func() {
		liveMu.Lock()
		defer liveMu.Unlock()
		for _, c := range live {
			c.ws.Close()
		}
	}
	stopClose := context.AfterFunc(ctx, closeAll)
	defer stopClose()

	events := make(chan idleEvent, 4*(len(live)+maxRungDials))
	type dialResult struct {
		role string
		c    *idleConn
	}
	dialed := make(chan dialResult, maxRungDials+1)
	quit := make(chan struct{})
	rctx, rcancel := context.WithCancel(ctx)
	var rwg sync.WaitGroup
	for _, c := range live {
		rwg.Add(1)
		go idleReader(r, c, events, quit, &rwg)
	}
	defer func() {
		rcancel()
		close(quit)
		closeAll()
		rwg.Wait()
		// Replacements dialled too late: every dial has ended.
		for range len(dialed) {
			if d := <-dialed; d.c != nil {
				d.c.ws.Close()
			}
		}
	}()
	rungDials, rungDialing, retryDialing := idleRungs, 0, false
	// redial replaces a dead rung with a fresh connection, in the
	// background, while the budget lasts and there is something to learn.
	redial := func(role string, every time.Duration) {
		if role == "rung" {
			rungDials++
			rungDialing++
		} else {
			retryDialing = true
		}
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			dctx, cancel := context.WithTimeout(rctx, r.Options.upgradeTimeout())
			defer cancel()
			d := r.dialWS(dctx, func(c net.Conn) {
				if ka, ok := c.(interface {
					SetKeepAliveConfig(net.KeepAliveConfig) error
				}); ok {
					ka.SetKeepAliveConfig(net.KeepAliveConfig{Enable: false, Idle: -1, Interval: -1, Count: -1})
				}
			})
			var c *idleConn
			if d.err == nil {
				c = &idleConn{role: role, ws: d.ws, opened: d.done, last: d.done, interval: every}
				c.nextAt = d.done.Add(every)
			}
			dialed <- dialResult{role, c}
		}()
	}

	start := r.Now()
	end := start.Add(length)
	pinger.interval = interval
	pinger.nextAt = pinger.opened.Add(interval)
	var retry *idleConn
	retryStarted := false
	lad := &ladder{length: length}
	seq := 0

	endConn := func(c *idleConn, how string, at time.Time, age time.Duration, err error) {
		if c.ended {
			return
		}
		c.ended, c.how, c.endedAt, c.age, c.err = true, how, at, age, err
		c.ws.Close()
	}
	sendPing := func(c *idleConn, now time.Time) {
		seq++
		c.ping, c.pingAt = "wsdoctor-idle-"+strconv.Itoa(seq), now
		c.pings++
		if err := c.ws.WriteControl(websocket.PingMessage, []byte(c.ping), now.Add(wait)); err != nil {
			how := EndError
			switch Classify(err) {
			case CodeReset:
				how = EndReset
			case CodeTimeout:
				how = EndSilent
			case CodeEOF:
				how = EndFIN
			}
			endConn(c, how, r.Now(), now.Sub(c.last), err)
		}
	}
	replan := func(now time.Time) {
		var free []*idleConn
		var ages, current []time.Duration
		for _, c := range live {
			if c.role == "rung" && !c.ended && c.ping == "" {
				free = append(free, c)
				ages = append(ages, now.Sub(c.last))
				current = append(current, c.target)
			}
		}
		targets, retire := lad.plan(ages, current, end.Sub(now))
		for i, c := range free {
			c.target = targets[i]
			if retire[i] {
				// Past a known limit, or nothing left to learn:
				// closing it is kinder to the server.
				c.ws.Close()
				c.ended, c.how, c.endedAt = true, EndOpen, now
			}
		}
		rungs := rungDialing
		for _, c := range live {
			if c.role == "rung" && !c.ended {
				rungs++
			}
		}
		for ; rungs < idleRungs && rungDials < maxRungDials && !lad.done() && now.Before(end) && lad.hi > 0; rungs++ {
			redial("rung", 0)
		}
	}
	// The first ladder: the rungs' tests spread evenly over the length.
	k := 0
	for _, c := range live {
		if c.role == "rung" {
			k++
			c.target = length * time.Duration(k) / time.Duration(idleRungs+1)
		}
	}

	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := r.Now()
		// What is due: silences, then pings.
		var next time.Time
		soon := func(t time.Time) {
			if next.IsZero() || t.Before(next) {
				next = t
			}
		}
		changed := false
		pending := false
		for _, c := range live {
			if c.ended {
				continue
			}
			if c.ping != "" {
				if due := c.pingAt.Add(wait); !now.Before(due) {
					age := c.pingAt.Sub(c.last)
					endConn(c, EndSilent, now, age, fmt.Errorf("idle: no pong within %s of a ping sent after %s idle", wait, age.Round(time.Millisecond)))
					if c.role == "idle" || c.role == "rung" {
						lad.failed(age)
					}
					changed = true
					continue
				} else {
					soon(due)
					pending = true
					continue
				}
			}
			var due time.Time
			switch {
			case c.role == "ping" || c.role == "ping_retry":
				due = c.nextAt
			case c.role == "rung" && c.target > 0:
				due = c.last.Add(c.target)
			case (c.role == "idle" || c.role == "keepalive") && !c.final:
				due = end
			}
			if due.IsZero() || due.After(end) {
				continue
			}
			if now.Before(due) {
				soon(due)
				continue
			}
			if c.role == "idle" || c.role == "keepalive" {
				c.final = true
			}
			if c.interval > 0 {
				c.nextAt = now.Add(c.interval)
			}
			sendPing(c, now)
			if c.ended {
				changed = true
			} else {
				soon(c.pingAt.Add(wait))
				pending = true
			}
		}
		if changed {
			replan(now)
			continue
		}
		// Pings further apart than the limit cannot show whether pings
		// help: once the limit is known and time is left to outlive it,
		// one more connection pings at half of it.
		if bound := max(lad.exact, lad.hi); !retryStarted && bound > 0 && interval > bound-IdleResolution/2 && end.Sub(now) >= bound+IdleResolution {
			retryStarted = true
			redial("ping_retry", max(bound/2, IdleResolution/2).Round(100*time.Millisecond))
		}
		// Finished: the length is over, or nothing is left to watch, and
		// no answer is awaited.
		if !pending {
			rest := retryDialing
			for _, c := range live {
				rest = rest || !c.ended
			}
			if !now.Before(end) || !rest {
				break
			}
		}
		if now.Before(end) {
			soon(end)
		}
		timer.Reset(max(next.Sub(now), 0))
		select {
		case <-ctx.Done():
			res.Status, res.Code = Fail, CodeCancelled
			if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
				res.Code = stopCode(ctx)
			}
			res.Reason = "stopped before the idle test ended"
			idleEvidence(&res.Evidence, lad, append(conns[:3:3], retry), keeper)
			return res
		case <-timer.C:
		case d := <-dialed:
			c := d.c
			if d.role == "rung" {
				rungDialing--
			} else {
				retryDialing = false
			}
			if c == nil {
				continue
			}
			if c.role == "ping_retry" {
				retry = c
			} else if lad.done() || ctx.Err() != nil {
				c.ws.Close()
				continue
			}
			liveMu.Lock()
			live = append(live, c)
			liveMu.Unlock()
			opened++
			rwg.Add(1)
			go idleReader(r, c, events, quit, &rwg)
			replan(r.Now())
		case ev := <-events:
			c := ev.c
			if c.ended {
				continue
			}
			if ev.pong != nil {
				if *ev.pong != c.ping {
					continue
				}
				age := c.pingAt.Sub(c.last)
				c.ping, c.last = "", ev.at
				c.pongs++
				c.maxOK = max(c.maxOK, age)
				switch c.role {
				case "idle", "rung":
					lad.survived(age)
				case "ping", "ping_retry":
					lad.lo = max(lad.lo, age)
				}
				// Keep-alive may hold a NAT open that would close an
				// idle WebSocket: it is not the ladder's.
				if c.role == "rung" {
					replan(ev.at)
				}
				continue
			}
			how := endOf(ev.err, ev.code)
			age := ev.at.Sub(c.last)
			switch {
			case c.ping != "":
				// It ended on our ping: the box had forgotten it by
				// then, so the ping's age is the failed period.
				age = c.pingAt.Sub(c.last)
				if c.role == "idle" || c.role == "rung" {
					lad.failed(age)
				}
			case c.role == "idle":
				// The idle connection times a loud limit exactly.
				lad.exact = age
				lad.log = append(lad.log, secs(age)+":"+how)
			case c.role == "rung":
				lad.log = append(lad.log, secs(age)+":"+how)
			}
			c.closeCode, c.closeText = ev.code, ev.text
			endConn(c, how, ev.at, age, ev.err)
			replan(ev.at)
		}
	}

	res.Evidence.Set("connections", strconv.Itoa(opened))
	// Say goodbye on what is still open.
	for _, c := range live {
		if !c.ended {
			c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), r.Now().Add(idleCloseWait))
		}
	}
	idleEvidence(&res.Evidence, lad, append(conns[:3:3], retry), keeper)
	idleVerdict(&res, lad, idle, pinger, retry, interval, r.Options.idleRequired())
	res.Timings = firstTimings(r)
	return res
}

// firstTimings are the first timing of each phase: every connection of the
// idle probe times its own handshake, and one of each says enough.
func firstTimings(r *Run) []Timing {
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
func idleReader(r *Run, c *idleConn, events chan<- idleEvent, quit <-chan struct{}, wg *sync.WaitGroup) {
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
		if _, _, err := mr.Next(); err != nil {
			send(idleEvent{c: c, err: err, code: code, text: text, at: r.Now()})
			return
		}
	}
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

// idleEvidence writes what the connections and the ladder saw.
func idleEvidence(e *Evidence, lad *ladder, conns []*idleConn, keeper *idleConn) {
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
	for _, p := range conns {
		if p != nil && p.interval > 0 {
			e.Set(p.role+"_pings", strconv.Itoa(p.pings))
			e.Set(p.role+"_pongs", strconv.Itoa(p.pongs))
		}
	}
	if p := conns[3]; p != nil {
		e.Set("ping_retry_interval_s", secs(p.interval))
	}
	if len(lad.log) > 0 {
		e.Set("ladder", strings.Join(lad.log, " "))
	}
}

// idleVerdict settles status, code and the summary evidence.
func idleVerdict(res *Result, lad *ladder, idle, pinger, retry *idleConn, interval, required time.Duration) {
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

	switch {
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
		decisive, helps := pinger, "yes"
		if retry != nil {
			decisive = retry
		}
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
