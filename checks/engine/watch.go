package engine

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// ProbeWatch names the watch when it runs as a probe (WatchProbe).
const ProbeWatch = "watch"

// WatchOptions are a watch's settings.
type WatchOptions struct {
	// For is how long to watch; zero watches until the context ends.
	For time.Duration
	// PingEvery is the ping connection's interval, DataEvery the busy
	// connection's; zero means DefaultWatchEvery.
	PingEvery, DataEvery time.Duration
}

// DefaultWatchEvery is the ping and busy connections' interval when none
// is given: what many apps and Socket.IO use.
const DefaultWatchEvery = 25 * time.Second

const (
	// maxWatchWait bounds how long a pong or an echo may take: the wait is
	// min(interval, maxWatchWait).
	maxWatchWait = 10 * time.Second
	// watchTick is how often the loop wakes at the least, to notice that
	// the computer slept (a wall-clock jump) in good time.
	watchTick = 10 * time.Second
	// sleepJump is how far the wall clock must run ahead of the monotonic
	// one between two wake-ups to count as a sleep.
	sleepJump = 5 * time.Second
	// watchBackoffMax caps the wait between reconnect attempts.
	watchBackoffMax = 60 * time.Second
	// maxSilentTest caps the idle period the silent connection tests.
	maxSilentTest = 30 * time.Minute
	// watchTimingsKept bounds the handshake timings kept by a long watch.
	watchTimingsKept = 32
	// watchLookEvery is how often, while every connection is down, the
	// watch looks whether the path is back (lookPath); watchLookTimeout
	// bounds one look.
	watchLookEvery   = time.Second
	watchLookTimeout = 2 * time.Second
)

// WatchProbe is the watch as a Long probe: it keeps the three watch
// connections (WatchSilent, WatchPing, WatchBusy) open to the target
// through the run's route (proxy, TLS, headers and credentials as the
// check's), for w.For or until the run's context ends, and calls log
// (from the probe's goroutine, in time order) with each event: start,
// open, drop, retry_failed, sleep, stop.
//
//   - silent: sends nothing but a ping now and then that tests one idle
//     period, as the idle test's ladder does: the app's ping interval
//     first, then twice the longest period that survived (up to 30 min),
//     or, once one has died, the middle of the bracket until it is 1 s
//     wide; then the shortest that died, again and again, so that a
//     network that forgets idle connections shows as repeated drops of
//     the silent connection at its limit (WatchEvent.Idle).
//   - ping: a ping every PingEvery, its pong awaited.
//   - busy: a small text message every DataEvery, its echo awaited. A
//     service that never echoed is not judged by its echoes (the message
//     goes on, only a loud end counts).
//
// A pong or echo not back within min(interval, 10 s) is a silent drop
// (EndSilent). After a drop the connection is dialled again at once, then
// after 1 s, 2 s, 4 s ... up to 60 s between failed attempts; each failed
// attempt is a retry_failed event, the success an open event (Took: from
// the drop).
//
// While all three are down, the watch looks once a second whether the
// path is back: a TCP connection to where the watch's connections go (the
// target, or the route's first proxy), closed at once. When one connects
// after one failed, the path has come back: every connection is dialled
// again at once (one still dialling, most likely stuck on a SYN sent while
// the path was away, is given up and dialled anew) and the backoff starts
// over, so an outage ends in the log (the first open) within a second or
// so of the path's return, not up to a backoff step after it. A path that
// connects from the first look (a server that turns WebSockets away, a
// proxy that is up when what lies behind it is not) changes nothing.
//
// Socket.IO apps (FallbackApplies): their server closes a connection that
// does not answer its heartbeat in Socket.IO's own protocol, and takes a
// plain message as a protocol error. For such a target every connection
// joins the main namespace and answers the server's Engine.IO pings, as
// the app's own client does (so the silent one is as quiet as the app
// lets a connection be: the server pings every 25 s or so), and the busy
// connection sends nothing (an event of ours would reach the app's code);
// the log's start event says so (Detail "socket.io").
//
// The result is Pass with code "ok" when no drop was seen, else Warn
// with code "dropped"; evidence "drops", "watched_s".
func WatchProbe(w WatchOptions, log func(WatchEvent)) Probe {
	return Probe{
		Name: ProbeWatch, Long: true,
		Run: func(ctx context.Context, r *ProbeRun) Result { return runWatch(ctx, r, w, log) },
		Timeout: func(o Options) time.Duration {
			if w.For <= 0 {
				return 100 * 365 * 24 * time.Hour
			}
			return w.For + o.upgradeTimeout() + idleCloseWait
		},
	}
}

// Watch watches target (see WatchProbe) with the system's dialer, resolver
// and proxy settings. It returns the watch's result when w.For is over or
// ctx ends; the error is for options no run can honour.
func Watch(ctx context.Context, t Target, o Options, w WatchOptions, log func(WatchEvent)) (Result, error) {
	return (&Runner{}).Watch(ctx, t, o, w, log)
}

// Watch is the package's Watch with rn's edges (dialer, resolver, clock,
// route); rn.Probes is not used.
func (rn *Runner) Watch(ctx context.Context, t Target, o Options, w WatchOptions, log func(WatchEvent)) (Result, error) {
	r := *rn
	r.Probes = []Probe{WatchProbe(w, log)}
	out, err := r.Run(ctx, t, o)
	if err != nil {
		return Result{}, err
	}
	res, _ := out.Result(ProbeWatch)
	return res, nil
}

// watchSlot is one of the three watch connections across its reconnects.
type watchSlot struct {
	role     string
	interval time.Duration // ping and busy: how often they send
	c        *idleConn     // nil while down

	down    time.Time // when it dropped; zero before the first open
	attempt int       // dial attempts since it went down
	steps   int       // failed attempts since it went down or the path came back: the backoff's
	retryAt time.Time // the next attempt; zero: none waiting
	dialing bool
	// gen numbers s's dials; a dial of an older one was given up (the
	// path came back) and its outcome is thrown away. cancel gives up the
	// current one.
	gen    int
	cancel context.CancelFunc
	// fresh: the current dial began when the path came back; it is not
	// given up when the path comes back again (a flapping path would
	// otherwise never let a handshake finish).
	fresh bool

	echoes bool // busy: an echo ever came (the service echoes)
	mute   bool // busy: sends nothing (a Socket.IO app)

	// The silent connection's idle periods: the longest that survived,
	// the shortest that died (zero: none yet), the one it tests now.
	lo, hi, test time.Duration
}

// watchDialed is a dial's outcome for slot s.
type watchDialed struct {
	s     *watchSlot
	c     *idleConn
	err   error
	start time.Time
	gen   int
}

// watcher is one watch: its slots, and the readers and dials working for
// it. Only the loop's goroutine changes it, but for open, which closeAll
// reads when ctx ends.
type watcher struct {
	r     *ProbeRun
	w     WatchOptions
	log   func(WatchEvent)
	slots []*watchSlot
	seq   int
	drops int

	// unit is the first backoff (1 s; tests shorten it); dial opens a
	// connection for a slot (dialWS through the route; tests fake it).
	unit time.Duration
	dial func(ctx context.Context, s *watchSlot) (*idleConn, error)
	// While every connection is down: look runs every lookEvery (tests
	// shorten it) to see whether the path is back (lookPath; tests fake
	// it); looking while one runs; lookAt is when the next is due (zero:
	// none); pathLost says a look failed since the connections went
	// down (so the next that connects is the path coming back).
	look      func(ctx context.Context) error
	lookEvery time.Duration
	looked    chan error
	looking   bool
	lookAt    time.Time
	pathLost  bool
	// socketIO: the target is a Socket.IO app (see WatchProbe).
	socketIO bool
	// clock reads the wall clock and the monotonic one (since any fixed
	// instant), which stops while the computer sleeps; tests fake it.
	clock func() (wall time.Time, mono time.Duration)

	mu   sync.Mutex
	open map[*idleConn]bool

	events  chan idleEvent
	dialed  chan watchDialed
	quit    chan struct{}
	dialCtx context.Context
	stopDl  context.CancelFunc
	wg      sync.WaitGroup
}

// watchWait is how long a pong or an echo may take on a connection
// sending every interval.
func watchWait(interval time.Duration) time.Duration { return min(interval, maxWatchWait) }

// watchBackoff is the wait after the attempt-th failed reconnect attempt:
// unit, twice that, four times ... up to watchBackoffMax.
func watchBackoff(unit time.Duration, attempt int) time.Duration {
	d := unit
	for i := 1; i < attempt && d < watchBackoffMax; i++ {
		d *= 2
	}
	return min(d, watchBackoffMax)
}

func orEvery(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultWatchEvery
	}
	return d
}

func newWatcher(r *ProbeRun, w WatchOptions, log func(WatchEvent)) *watcher {
	w.PingEvery, w.DataEvery = orEvery(w.PingEvery), orEvery(w.DataEvery)
	if log == nil {
		log = func(WatchEvent) {}
	}
	wt := &watcher{r: r, w: w, log: log, unit: time.Second, lookEvery: watchLookEvery, open: map[*idleConn]bool{}}
	wt.slots = []*watchSlot{
		{role: WatchSilent},
		{role: WatchPing, interval: w.PingEvery},
		{role: WatchBusy, interval: w.DataEvery},
	}
	wt.dial = wt.dialWS
	wt.look = wt.lookPath
	base := time.Now()
	wt.clock = func() (time.Time, time.Duration) {
		now := time.Now()
		return now.Round(0), now.Sub(base)
	}
	return wt
}

// runWatch is the watch probe's Run.
func runWatch(ctx context.Context, r *ProbeRun, w WatchOptions, log func(WatchEvent)) Result {
	res := r.Result()
	// The watch closes its own connections when ctx ends; binding each
	// of a day's reconnects to the run's life would keep them all.
	r.life = nil
	wt := newWatcher(r, w, log)
	if FallbackApplies(r.Target, r.Options) {
		wt.socketIO, wt.slots[2].mute = true, true
	}
	start := r.Now()
	why := wt.run(ctx)
	res.Evidence.Set("drops", strconv.Itoa(wt.drops))
	res.Evidence.Set("watched_s", secs(r.Now().Sub(start)))
	res.Evidence.Set("stopped", why)
	res.Status, res.Code = Pass, CodeOK
	res.Reason = "no connection dropped"
	if wt.drops > 0 {
		res.Status, res.Code = Warn, CodeDropped
		res.Reason = fmt.Sprintf("connections dropped %d times while watched", wt.drops)
	}
	res.Timings = firstTimings(r)
	return res
}

// dialWS opens a watch connection through the run's route, within the
// upgrade's bound, TCP keep-alive off (the silent one must be silent to
// the last byte).
func (wt *watcher) dialWS(ctx context.Context, s *watchSlot) (*idleConn, error) {
	dctx, cancel := context.WithTimeout(ctx, wt.r.Options.upgradeTimeout())
	defer cancel()
	d := wt.r.dialWS(dctx, func(c net.Conn) { setKeepAlive(c, keepAlive(false, 0)) })
	wt.trimTimings()
	if d.err != nil {
		if d.resp != nil {
			return nil, fmt.Errorf("status_%d: %w", d.resp.StatusCode, d.err)
		}
		return nil, d.err
	}
	return &idleConn{role: s.role, ws: d.ws, born: bornOf(d), opened: d.done, last: d.done, interval: s.interval, socketIO: wt.socketIO}, nil
}

// lookPath is a look at whether the watch's path is there: a TCP
// connection, with the run's dialer, to where the watch's connections go
// first (the route's first proxy, or the target), closed at once.
func (wt *watcher) lookPath(ctx context.Context) error {
	r := wt.r
	ctx, cancel := context.WithTimeout(ctx, watchLookTimeout)
	defer cancel()
	var c net.Conn
	var err error
	if route := r.Route(); !r.direct && !route.Direct() {
		c, err = r.Dial(ctx, "tcp", route.Proxies[0].Host)
	} else {
		c, err = r.dialAddrs(ctx)
	}
	if err != nil {
		return err
	}
	return c.Close()
}

// trimTimings keeps the run's handshake timings bounded over a long watch:
// the first ones are kept (firstTimings reports them).
func (wt *watcher) trimTimings() {
	r := wt.r
	r.mu.Lock()
	if len(r.timings) > watchTimingsKept {
		r.timings = r.timings[:watchTimingsKept/2]
	}
	r.mu.Unlock()
}

func (wt *watcher) emit(e WatchEvent) {
	if e.Kind == WatchDrop {
		wt.drops++
	}
	wt.log(e)
}

// run watches until w.For is over or ctx ends, and says which ("length",
// "cancelled"). Everything it started has ended when it returns.
func (wt *watcher) run(ctx context.Context) string {
	wt.events = make(chan idleEvent, 16)
	wt.dialed = make(chan watchDialed, len(wt.slots))
	wt.looked = make(chan error, 1)
	wt.quit = make(chan struct{})
	wt.dialCtx, wt.stopDl = context.WithCancel(ctx)
	stopClose := context.AfterFunc(ctx, wt.closeAll)
	defer func() {
		stopClose()
		wt.stop()
	}()

	start := wt.r.Now()
	ev := WatchEvent{At: start, Kind: WatchStart}
	if wt.slots[2].mute {
		ev.Detail = "socket.io"
	}
	wt.emit(ev)
	// The length is the wall clock's: a computer that sleeps through
	// part of an 8-hour watch ends it 8 hours after it began.
	var end time.Time
	if wt.w.For > 0 {
		end = start.Round(0).Add(wt.w.For)
	}
	for _, s := range wt.slots {
		wt.startDial(s)
	}
	why := "cancelled"
	defer func() { wt.emit(WatchEvent{At: wt.r.Now(), Kind: WatchStop, Detail: why}) }()

	timer := time.NewTimer(watchTick)
	defer timer.Stop()
	lastWall, lastMono := wt.clock()
	for {
		if ctx.Err() != nil {
			return why
		}
		now := wt.r.Now()
		// A sleep: the wall clock went on, the monotonic one did not.
		wall, mono := wt.clock()
		if jump := wall.Sub(lastWall) - (mono - lastMono); jump > sleepJump {
			wt.emit(WatchEvent{At: now, Kind: WatchSleep, Took: jump})
		}
		lastWall, lastMono = wall, mono
		if !end.IsZero() && !now.Round(0).Before(end) {
			why = "length"
			return why
		}
		next := wt.due(now)
		if at := wt.lookDue(now); !at.IsZero() {
			next = earlier(next, at)
		}
		next = earlier(next, now.Add(watchTick))
		wait := next.Sub(now)
		if !end.IsZero() {
			wait = min(wait, end.Sub(now.Round(0)))
		}
		timer.Reset(max(wait, time.Millisecond))
		select {
		case <-ctx.Done():
			return why
		case e := <-wt.events:
			wt.saw(e)
		case d := <-wt.dialed:
			wt.took(d)
		case err := <-wt.looked:
			wt.lookedAt(err)
		case <-timer.C:
		}
	}
}

// closeAll closes every open connection: ctx ended.
func (wt *watcher) closeAll() {
	wt.mu.Lock()
	defer wt.mu.Unlock()
	for c := range wt.open {
		c.ws.Close()
	}
}

// stop ends the readers and the dials, closing what is open with a
// goodbye and what was dialled too late.
func (wt *watcher) stop() {
	wt.stopDl()
	for _, s := range wt.slots {
		if s.c != nil {
			s.c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(idleCloseWait))
		}
	}
	close(wt.quit)
	wt.closeAll()
	wt.wg.Wait()
	for range len(wt.dialed) {
		if d := <-wt.dialed; d.c != nil {
			d.c.ws.Close()
		}
	}
}

// startDial dials s in the background.
func (wt *watcher) startDial(s *watchSlot) {
	s.dialing, s.retryAt = true, time.Time{}
	s.attempt++
	s.gen++
	s.fresh = false
	d := watchDialed{s: s, start: wt.r.Now(), gen: s.gen}
	ctx, cancel := context.WithCancel(wt.dialCtx)
	s.cancel = cancel
	wt.wg.Add(1)
	go func() {
		defer wt.wg.Done()
		defer cancel()
		d.c, d.err = wt.dial(ctx, s)
		select {
		case wt.dialed <- d:
		case <-wt.quit:
			// The watch is over, and a given-up dial may find the
			// channel full.
			if d.c != nil {
				d.c.ws.Close()
			}
		}
	}()
}

// took puts a dialled connection to work, or schedules the next attempt.
func (wt *watcher) took(d watchDialed) {
	s := d.s
	if d.gen != s.gen {
		// Given up when the path came back; s is being dialled anew.
		if d.c != nil {
			d.c.ws.Close()
		}
		return
	}
	s.dialing = false
	now := wt.r.Now()
	if d.err != nil {
		if wt.dialCtx.Err() != nil {
			return
		}
		wt.emit(WatchEvent{At: now, Conn: s.role, Kind: WatchRetryFailed, Attempt: s.attempt, Took: now.Sub(d.start), Detail: dialCode(d.err)})
		s.steps++
		s.retryAt = now.Add(watchBackoff(wt.unit, s.steps))
		return
	}
	c := d.c
	took := c.opened.Sub(d.start)
	if !s.down.IsZero() {
		took = c.opened.Sub(s.down)
	}
	wt.emit(WatchEvent{At: c.opened, Conn: s.role, Kind: WatchOpen, Took: took, Attempt: s.attempt})
	s.c, s.attempt, s.steps, s.down = c, 0, 0, time.Time{}
	if s.interval > 0 {
		c.nextAt = c.opened.Add(s.interval)
	}
	if s.role == WatchSilent {
		s.test = s.nextTest(wt.w.PingEvery)
	}
	wt.mu.Lock()
	wt.open[c] = true
	wt.mu.Unlock()
	wt.wg.Add(1)
	go idleReader(wt.r, c, wt.events, wt.quit, &wt.wg)
}

// dialCode is a failed attempt's error in one word (Classify's code; an
// HTTP answer's status_NNN).
func dialCode(err error) string {
	if code, _, ok := strings.Cut(err.Error(), ":"); ok && strings.HasPrefix(code, "status_") {
		return code
	}
	return Classify(err)
}

// nextTest is the idle period the silent connection tests next (see
// WatchProbe): every first, then doubling while they survive, then the
// bracket's middle, then the shortest that died.
func (s *watchSlot) nextTest(every time.Duration) time.Duration {
	switch {
	case s.hi == 0 && s.lo == 0:
		return every
	case s.hi == 0:
		return min(2*s.lo, maxSilentTest)
	case s.hi-s.lo > IdleResolution:
		return ((s.lo + s.hi) / 2).Round(100 * time.Millisecond)
	}
	return s.hi
}

// survived notes that the silent connection survived an idle period.
func (s *watchSlot) survived(idle time.Duration) {
	s.lo = max(s.lo, idle)
	if s.hi != 0 && s.hi <= s.lo {
		s.hi = 0 // the limit moved
	}
}

// died notes that the silent connection died testing an idle period: the
// limit is at most that.
func (s *watchSlot) died(idle time.Duration) {
	s.hi = idle
	if s.lo >= s.hi {
		s.lo = 0
	}
}

// wait is how long s's pong or echo may take.
func (wt *watcher) wait(s *watchSlot) time.Duration {
	if s.role == WatchSilent {
		return watchWait(wt.w.PingEvery)
	}
	return watchWait(s.interval)
}

// due does what is due at now (silences first, then pings, messages and
// reconnect attempts) and returns when the next thing falls due (zero:
// nothing).
func (wt *watcher) due(now time.Time) (next time.Time) {
	for _, s := range wt.slots {
		c := s.c
		if c == nil {
			if !s.dialing && !s.retryAt.IsZero() {
				if now.Before(s.retryAt) {
					next = earlier(next, s.retryAt)
				} else {
					wt.startDial(s)
				}
			}
			continue
		}
		wait := wt.wait(s)
		if c.ping != "" {
			due := c.pingAt.Add(wait)
			switch {
			case now.Before(due):
				next = earlier(next, due)
				continue
			case s.role == WatchBusy && !s.echoes:
				// A service that does not echo: the busy connection
				// goes on sending, unjudged.
				c.ping = ""
			default:
				idle := c.pingAt.Sub(c.last)
				wt.drop(s, EndSilent, now, idle, 0, "", fmt.Errorf("no answer within %s to a message sent after %s quiet", wait, idle.Round(time.Millisecond)))
				continue
			}
		}
		var due time.Time
		switch {
		case s.role == WatchSilent:
			due = c.last.Add(s.test)
		case s.mute:
			continue
		default:
			due = c.nextAt
		}
		if now.Before(due) {
			next = earlier(next, due)
			continue
		}
		if s.interval > 0 {
			c.nextAt = now.Add(s.interval)
		}
		wt.seq++
		c.ping, c.pingAt = "wsdoctor-watch-"+strconv.Itoa(wt.seq), now
		c.pings++
		var err error
		if s.role == WatchBusy {
			err = c.writeData(now.Add(wait))
		} else {
			err = c.writePing(now.Add(wait))
		}
		if err != nil {
			wt.drop(s, writeEnd(err), wt.r.Now(), now.Sub(c.last), 0, "", err)
			continue
		}
		next = earlier(next, c.pingAt.Add(wait))
	}
	return next
}

// saw takes what a reader saw: a pong or echo, or the end.
func (wt *watcher) saw(ev idleEvent) {
	var s *watchSlot
	for _, x := range wt.slots {
		if x.c == ev.c {
			s = x
		}
	}
	if s == nil {
		return // a connection already dropped
	}
	c := ev.c
	if ev.pong != nil {
		if *ev.pong != c.ping || c.ping == "" {
			return
		}
		idle := c.pingAt.Sub(c.last)
		c.ping, c.last = "", ev.at
		c.pongs++
		switch s.role {
		case WatchBusy:
			s.echoes = true
		case WatchSilent:
			s.survived(idle)
			s.test = s.nextTest(wt.w.PingEvery)
		}
		return
	}
	how := endOf(ev.err, ev.code)
	var alert tls.AlertError
	if how == EndError && errors.As(ev.err, &alert) {
		how = EndTLSAlert
	}
	idle := ev.at.Sub(c.last)
	if c.ping != "" {
		// It ended on our message: the network had forgotten it by
		// then, or ended it as it came.
		idle = c.pingAt.Sub(c.last)
	}
	wt.drop(s, how, ev.at, idle, ev.code, ev.text, ev.err)
}

// drop logs s's connection's end, closes it and dials again at once.
func (wt *watcher) drop(s *watchSlot, how string, at time.Time, idle time.Duration, code int, text string, err error) {
	c := s.c
	e := WatchEvent{At: at, Conn: s.role, Kind: WatchDrop, Age: at.Sub(c.born), Idle: idle, EndedBy: how,
		CloseCode: code, CloseReason: clip(text, maxHeaderValue)}
	if err != nil && code == 0 {
		e.Detail = RedactURLText(err.Error())
	}
	wt.emit(e)
	if s.role == WatchSilent && idle > 0 {
		// Silent or loud, it ended after idle quiet: the tests close in
		// on that (a cut that had nothing to do with idleness is
		// forgotten once a longer period survives).
		s.died(idle)
	}
	c.ended, c.how, c.endedAt, c.age, c.err = true, how, at, idle, err
	c.ws.Close()
	wt.mu.Lock()
	delete(wt.open, c)
	wt.mu.Unlock()
	s.c, s.down, s.attempt, s.steps = nil, at, 0, 0
	wt.startDial(s)
}

// allDown says whether every connection is down.
func (wt *watcher) allDown() bool {
	for _, s := range wt.slots {
		if s.c != nil {
			return false
		}
	}
	return true
}

// lookDue starts a look at the path when one is due (every connection
// down for lookEvery, and lookEvery since the last one began) and returns
// when the next falls due (zero: none, or one is running).
func (wt *watcher) lookDue(now time.Time) time.Time {
	switch {
	case !wt.allDown() || wt.dialCtx.Err() != nil:
		wt.lookAt, wt.pathLost = time.Time{}, false
		return time.Time{}
	case wt.looking:
		return time.Time{}
	case wt.lookAt.IsZero():
		// Not at once: after a cut that the reconnects mend at once,
		// no look at all.
		wt.lookAt = now.Add(wt.lookEvery)
	}
	if now.Before(wt.lookAt) {
		return wt.lookAt
	}
	wt.looking, wt.lookAt = true, now.Add(wt.lookEvery)
	wt.wg.Add(1)
	go func() {
		defer wt.wg.Done()
		err := wt.look(wt.dialCtx)
		select {
		case wt.looked <- err:
		case <-wt.quit:
		}
	}()
	return time.Time{}
}

// lookedAt takes a look's outcome: the path connecting after it did not
// is the path coming back, and every connection is dialled at once.
func (wt *watcher) lookedAt(err error) {
	wt.looking = false
	switch {
	case !wt.allDown() || wt.dialCtx.Err() != nil:
		return
	case err != nil:
		wt.pathLost = true
		return
	case !wt.pathLost:
		return
	}
	wt.pathLost = false
	for _, s := range wt.slots {
		s.steps = 0
		if s.dialing {
			if s.fresh {
				continue
			}
			// Most likely stuck on a SYN the outage swallowed: given
			// up, and dialled anew as the same attempt.
			s.cancel()
			s.attempt--
		}
		wt.startDial(s)
		s.fresh = true
	}
}
