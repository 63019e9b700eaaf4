package diagnose

// The rules of a watch (issue 24): the pattern of the drops in a
// WatchLog. They are pure functions of the log: no clock is read, every
// time comes from the events' At, so a 24-hour log is tested in a
// millisecond.
//
// Each drop the log still holds is explained by at most one thing, the
// first of: the computer slept just before it (drops-after-sleep: nobody's
// fault), the network changed under it (drops-on-network-change),
// every connection dropped at once and reconnecting failed for a while
// (network-outage), a limit every such drop keeps to (the idle test's
// connection-max-lifetime, pings-not-enough or proxy-idle-timeout, with
// the watch's numbers), or nothing (drops-unexplained, with the counts,
// times and endings IT can match with their logs). Counts over the whole
// watch come from its Summary, which still holds the drops that left a
// long watch's log.

import (
	"cmp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// The windows that tie a drop to what happened around it.
const (
	// changeWindow: a drop this close to a network change (either side:
	// the change is sampled every 10 s, a dead connection is noticed at
	// its next message) is the change's doing; one further away is not
	// attributed.
	changeWindow = 15 * time.Second
	// sleepBefore and sleepAfter: the sleep is noticed at the first
	// sample after waking (up to 10 s late), the drops at the
	// connections' next read or message (up to an interval, 25 s, and
	// its answer's wait later).
	sleepBefore = 15 * time.Second
	sleepAfter  = 60 * time.Second
	// sameAge: drops that end connections of the same age, give or take
	// this, keep to one limit (a relay's or proxy's timer and ours start
	// a handshake apart, more on a loaded machine).
	sameAge = 2 * time.Second
	// answerWait is how long the watch waits for a pong or an echo
	// before it calls the connection dead (engine's maxWatchWait).
	answerWait = 10 * time.Second
	// togetherSlack is added to the longest message interval to make the
	// window in which connections "drop together": a dead path is
	// noticed by each connection at its next message, once its answer's
	// wait (10 s at most) is over.
	togetherSlack = 15 * time.Second
	// limitSeen is how many times a limit must end a connection before
	// it is called one: once, all three dropping at the same age is a
	// cut (a restart, a failover) as much as a limit.
	limitSeen = 2
	// defaultWatchEvery is the ping and data interval when the log does
	// not say.
	defaultWatchEvery = 25 * time.Second
	// timesShown and outagesShown bound the lists in a finding (a
	// placeholder holds maxPlaceholder runes).
	timesShown   = 6
	outagesShown = 3
)

// The evidence a watch finding points at (EvidenceRef.Probe).
const (
	evidenceWatch = "watch"
	// keyWatch* are the evidence keys of the watch's findings; drops is
	// the whole watch's count (its Summary), by connection.
	keyWatchDrops   = "drops"
	keyWatchOutages = "outages"
	keyWatchChange  = "change"
	keyWatchLost    = "link_lost"
	keyWatchSleeps  = "sleeps"
	keyWatchAge     = "age_s"
	keyWatchTimes   = "times"
	keyWatchEnds    = "ended_by"
	keyWatchLength  = "length_min"
	keyWatchEarlier = "drops_earlier"
	// keyWatchTied: how many of the watch's drops the finding explains.
	keyWatchTied = "drops_explained"
)

// Why a drop of the log happened, as the rules decided.
const (
	becauseSleep   = "sleep"
	becauseChange  = "change"
	becauseOutage  = "outage"
	becauseLimit   = "limit"
	becauseUnknown = ""
)

// outage is a time every connection was down: from the first of the
// drops to the first connection that opened again (or the watch's end,
// open set, when none did).
type outage struct {
	from, to time.Time
	open     bool
	// lost: this computer's own link went away meanwhile (losses).
	lost bool
}

// watchFacts is what the rules found in a watch's log.
type watchFacts struct {
	log    *engine.WatchLog
	length time.Duration
	drops  []engine.WatchEvent
	// because says, for each of drops, what explains it.
	because []string

	sleepDrops  int
	change      engine.WatchEvent // the first change a drop is tied to
	changeDrops int
	losses      []engine.WatchEvent // the link gone and back (changes)
	outages     []outage

	// limit is the one that explains drops (IDMaxLifetime,
	// IDPingsNotEnough, IDProxyIdleTimeout) or ""; limitAge the
	// connections' age when it ended them, limitDrops how many it ended,
	// limitEnded how the quiet connection was ended.
	limit      string
	limitAge   time.Duration
	limitDrops int
	limitEnded string
	pingsHelp  bool

	unexplained []engine.WatchEvent
	// earlier is how many drops left a long watch's log (Summary counts
	// them, Events no longer holds them).
	earlier int
}

// readWatch finds the pattern of l's drops; nil when there is no log.
func readWatch(l *engine.WatchLog) *watchFacts {
	if l == nil {
		return nil
	}
	w := &watchFacts{log: l, length: watchLength(l)}
	w.drops = w.events(engine.WatchDrop)
	w.earlier = max(l.DropCount()-len(w.drops), 0)
	w.because = make([]string, len(w.drops))
	w.bySleep()
	w.byChange()
	w.byOutage()
	w.byLimit()
	for i, d := range w.drops {
		if w.because[i] == becauseUnknown {
			w.unexplained = append(w.unexplained, d)
		}
	}
	return w
}

// watchLength is how long the watch ran: to its End, or to its last
// event while it runs.
func watchLength(l *engine.WatchLog) time.Duration {
	end := l.End
	if end.IsZero() && len(l.Events) > 0 {
		end = l.Events[len(l.Events)-1].At
	}
	if end.Before(l.Start) {
		return 0
	}
	return end.Sub(l.Start)
}

// events are the log's events of kind k.
func (w *watchFacts) events(k engine.WatchKind) []engine.WatchEvent {
	var out []engine.WatchEvent
	for _, e := range w.log.Events {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// bySleep ties the drops noticed around a wake-up to the sleep.
func (w *watchFacts) bySleep() {
	sleeps := w.events(engine.WatchSleep)
	for i, d := range w.drops {
		for _, s := range sleeps {
			if !d.At.Before(s.At.Add(-sleepBefore)) && !d.At.After(s.At.Add(sleepAfter)) {
				w.because[i] = becauseSleep
				w.sleepDrops++
				break
			}
		}
	}
}

// byChange ties the drops within changeWindow of a network change to it.
// A link that went away (losses) is no change of network: its drops are
// an outage's, when they are one.
func (w *watchFacts) byChange() {
	changes, losses := w.changes()
	w.losses = losses
	for i, d := range w.drops {
		if w.because[i] != becauseUnknown {
			continue
		}
		// A pinged or busy connection's silent end is noticed once its
		// answer is overdue: it died up to an interval and the wait
		// before. (The quiet one's tests run for minutes: no such slack.)
		before := changeWindow
		if d.EndedBy == engine.EndSilent && d.Conn != engine.WatchSilent {
			before += cmp.Or(d.Idle, w.every(d.Conn)) + answerWait
		}
		for _, c := range changes {
			if !c.At.Before(d.At.Add(-before)) && !c.At.After(d.At.Add(changeWindow)) {
				w.because[i] = becauseChange
				if w.changeDrops == 0 {
					w.change = c
				}
				w.changeDrops++
				break
			}
		}
	}
}

// every is conn's message interval (ping or data).
func (w *watchFacts) every(conn string) time.Duration {
	if conn == engine.WatchBusy {
		return cmp.Or(w.log.DataEvery, defaultWatchEvery)
	}
	return cmp.Or(w.log.PingEvery, defaultWatchEvery)
}

// changes splits the log's network changes from its losses: the
// default route, its interface or the Wi-Fi network gone (To ""), and the
// same one back (From "" to what was lost). The link went down, as in an
// outage; the network did not change. A VPN that goes is a change: the
// way out changed.
func (w *watchFacts) changes() (changes, losses []engine.WatchEvent) {
	lost := map[string]string{}
	for _, c := range w.events(engine.WatchChange) {
		switch c.What {
		case engine.ChangeRoute, engine.ChangeInterface, engine.ChangeWiFi:
			switch {
			case c.From != "" && c.To == "":
				lost[c.What] = c.From
				losses = append(losses, c)
				continue
			case c.From == "" && c.To != "" && lost[c.What] == c.To:
				losses = append(losses, c)
				continue
			}
		}
		changes = append(changes, c)
	}
	return changes, losses
}

// byOutage finds the times every connection dropped together and the
// reconnects failed: the outages, from the first drop to the first
// connection that opened again.
func (w *watchFacts) byOutage() {
	together := cmp.Or(max(w.log.PingEvery, w.log.DataEvery), defaultWatchEvery) + togetherSlack
	conns := map[string]bool{}
	for _, e := range w.log.Events {
		if e.Conn != "" {
			conns[e.Conn] = true
		}
	}
	// Two connections at least: one dropping is no sign of the network.
	// Not all three: the quiet one says nothing for minutes, and a short
	// outage may not end it at all.
	const need = 2
	if len(conns) < need {
		return
	}
	for i := 0; i < len(w.drops); {
		if w.because[i] != becauseUnknown {
			i++
			continue
		}
		// The drops of a cluster: unexplained, within together of the
		// first and before any connection opened again (the network was
		// back then: a later drop is another time).
		until := w.drops[i].At.Add(together)
		if o, ok := w.openAfter(w.drops[i].At); ok && o.Before(until) {
			until = o
		}
		group, seen := []int{i}, map[string]bool{w.drops[i].Conn: true}
		j := i + 1
		for ; j < len(w.drops) && !w.drops[j].At.After(until); j++ {
			if w.because[j] == becauseUnknown {
				group = append(group, j)
				seen[w.drops[j].Conn] = true
			}
		}
		if len(seen) < need {
			i++
			continue
		}
		o, failed := w.outageFrom(w.drops[group[0]].At, w.drops[group[len(group)-1]].At)
		if !failed {
			i++
			continue // all reopened at once: a cut, not an outage
		}
		for _, k := range group {
			w.because[k] = becauseOutage
		}
		// Drops noticed while the outage lasted belong to it too.
		next := group[len(group)-1] + 1
		for ; next < len(w.drops) && w.drops[next].At.Before(o.to); next++ {
			if w.because[next] == becauseUnknown {
				w.because[next] = becauseOutage
			}
		}
		for _, l := range w.losses {
			if !l.At.Before(o.from.Add(-changeWindow)) && !l.At.After(o.to.Add(changeWindow)) {
				o.lost = true
			}
		}
		w.outages = append(w.outages, o)
		i = max(next, j)
	}
}

// openAfter is when the first connection opened after t.
func (w *watchFacts) openAfter(t time.Time) (time.Time, bool) {
	for _, e := range w.log.Events {
		if e.Kind == engine.WatchOpen && e.At.After(t) {
			return e.At, true
		}
	}
	return time.Time{}, false
}

// outageFrom is the outage that began with a drop at from, whose last
// drop was at last: it lasts to the first open after last, and failed
// says whether a reconnect failed in between.
func (w *watchFacts) outageFrom(from, last time.Time) (outage, bool) {
	o := outage{from: from, open: true}
	failed := false
	for _, e := range w.log.Events {
		if e.At.Before(from) {
			continue
		}
		switch {
		case e.Kind == engine.WatchRetryFailed:
			failed = true
		case e.Kind == engine.WatchOpen && !e.At.Before(last):
			o.to, o.open = e.At, false
			return o, failed
		}
	}
	o.to = w.log.Start.Add(watchLength(w.log)) // still down when the watch ended
	return o, failed
}

// byLimit looks for a limit the rest of the drops keep to: every
// connection ended at the same age (a maximum lifetime); the quiet and
// the pinged one at the quiet one's age, the busy one never (pings do
// not count); the quiet one only, after the same quiet time (an idle
// timeout).
func (w *watchFacts) byLimit() {
	idx := map[string][]int{}
	for i, d := range w.drops {
		if w.because[i] == becauseUnknown {
			idx[d.Conn] = append(idx[d.Conn], i)
		}
	}
	ages := func(conn string) []time.Duration {
		var out []time.Duration
		for _, i := range idx[conn] {
			out = append(out, w.drops[i].Age)
		}
		return out
	}
	silent, ping, busy := ages(engine.WatchSilent), ages(engine.WatchPing), ages(engine.WatchBusy)
	sum := w.log.Summary.Drops
	mark := func(id string, age time.Duration, conns ...string) {
		w.limit, w.limitAge = id, age
		for _, c := range conns {
			for _, i := range idx[c] {
				w.because[i] = becauseLimit
				w.limitDrops++
			}
		}
		w.limitEnded = endedMost(w.drops, idx[engine.WatchSilent])
	}
	all := slices.Concat(silent, ping, busy)
	if len(silent) >= limitSeen && len(ping) >= limitSeen && len(busy) >= limitSeen {
		if m := median(all); sameAges(all, m) {
			mark(IDMaxLifetime, m, engine.WatchConns...)
			return
		}
	}
	// Pings that do not count: the quiet connection's own pings do not
	// either, so it ends the same time after it opened, every time.
	every := cmp.Or(w.log.PingEvery, defaultWatchEvery)
	if len(silent) >= limitSeen && sameAges(silent, median(silent)) && len(ping) > 0 && sum[engine.WatchBusy] == 0 {
		// Over the whole watch the busy one never dropped (the Summary
		// counts the drops that left the log): data keeps a connection
		// open. A pinged connection the path ends at the quiet one's
		// age is noticed then, or at its next ping and its wait when
		// the path says nothing.
		m := median(silent)
		if slices.IndexFunc(ping, func(a time.Duration) bool {
			return a < m-sameAge || a > m+every+togetherSlack+sameAge
		}) < 0 {
			mark(IDPingsNotEnough, m, engine.WatchSilent, engine.WatchPing)
			return
		}
	}
	// An idle timeout: the quiet connection ends after the same quiet
	// time (WatchEvent.Idle; Age in logs without it). The watch tests
	// longer quiet times first, then the shortest that ended, again and
	// again: the limit is the shortest, seen at least twice; the longer
	// tests that ended keep to it too.
	quiet := make([]time.Duration, 0, len(idx[engine.WatchSilent]))
	for _, i := range idx[engine.WatchSilent] {
		d := w.drops[i]
		quiet = append(quiet, cmp.Or(d.Idle, d.Age))
	}
	if len(quiet) < limitSeen {
		return
	}
	m := slices.Min(quiet)
	if n := len(slices.DeleteFunc(slices.Clone(quiet), func(q time.Duration) bool { return q > m+sameAge })); n < limitSeen {
		return
	}
	// The others dropping too at other ages does not hide the limit;
	// their drops stay unexplained. Pings help when the pinged one never
	// dropped over the whole watch.
	w.pingsHelp = sum[engine.WatchPing] == 0
	mark(IDProxyIdleTimeout, m, engine.WatchSilent)
}

// endedMost is how most of the drops at idx ended.
func endedMost(drops []engine.WatchEvent, idx []int) string {
	n := map[string]int{}
	best := ""
	for _, i := range idx {
		e := drops[i].EndedBy
		n[e]++
		if n[e] > n[best] || (n[e] == n[best] && e < best) {
			best = e
		}
	}
	return best
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func sameAges(ds []time.Duration, m time.Duration) bool {
	for _, d := range ds {
		if (d - m).Abs() > sameAge {
			return false
		}
	}
	return true
}

// ruleWatch raises the findings of a watch's pattern.
func ruleWatch(f *facts, fd *found) {
	w := f.watch
	if w == nil {
		return
	}
	lengthRef := EvidenceRef{Probe: evidenceWatch, Key: keyWatchLength, Value: f.vars["watch_minutes"]}
	dropsRef := EvidenceRef{Probe: evidenceWatch, Key: keyWatchDrops, Value: f.vars["watch_drops"]}
	tied := func(n int) EvidenceRef {
		return EvidenceRef{Probe: evidenceWatch, Key: keyWatchTied, Value: strconv.Itoa(n)}
	}
	if w.log.DropCount() == 0 {
		// Nothing dropped: say so where WebSockets were found to work.
		if fd.has(IDWebSocketOK) && w.length >= time.Minute {
			fd.add(raised{id: IDWebSocketOK, cases: []string{"watch_steady"}, refs: []EvidenceRef{lengthRef, dropsRef}})
		}
		return
	}
	if w.sleepDrops > 0 {
		fd.add(raised{id: IDDropsAfterSleep, sev: SeverityInfo, conf: Sure,
			refs: []EvidenceRef{{Probe: evidenceWatch, Key: keyWatchSleeps, Value: strconv.Itoa(w.log.Summary.Sleeps)},
				tied(w.sleepDrops), dropsRef}})
	}
	if w.changeDrops > 0 {
		fd.add(raised{id: IDDropsOnNetworkChange, sev: SeverityWarning, conf: Sure, fixer: FixerYou,
			refs: []EvidenceRef{{Probe: evidenceWatch, Key: keyWatchChange, Value: describeChange(w.change)}, tied(w.changeDrops), dropsRef}})
	}
	if len(w.outages) > 0 {
		// Sure of what was seen (every connection down, reconnects
		// failing); the words say which side was "most likely" down.
		r := raised{id: IDNetworkOutage, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin,
			refs: []EvidenceRef{{Probe: evidenceWatch, Key: keyWatchOutages, Value: f.vars["outages"]}, dropsRef}}
		if slices.ContainsFunc(w.outages, func(o outage) bool { return o.lost }) {
			r.cases = append(r.cases, "lost")
			for _, l := range w.losses[:min(len(w.losses), outagesShown)] {
				r.refs = append(r.refs, EvidenceRef{Probe: evidenceWatch, Key: keyWatchLost, Value: describeChange(l)})
			}
		}
		fd.add(r)
	}
	if w.limit != "" {
		r := raised{id: w.limit, sev: SeverityWarning, conf: Sure, fixer: FixerNetworkAdmin, cases: []string{"watch"},
			refs: []EvidenceRef{{Probe: evidenceWatch, Key: keyWatchAge, Value: f.vars["watch_age"]}, tied(w.limitDrops), dropsRef}}
		forApp(f, &r, w.limitAge.Seconds())
		if r.id == IDProxyIdleTimeout {
			switch w.limitEnded {
			case engine.EndCloseFrame, engine.EndFIN, engine.EndReset, engine.EndSilent:
				r.cases = append(r.cases, w.limitEnded)
			}
			if w.pingsHelp {
				r.cases = append(r.cases, "pings_help")
			}
		}
		if f.viaProxy {
			r.cases = append(r.cases, "via_proxy")
		}
		fd.add(r)
	}
	if w.unexplainedRaised() {
		r := raised{id: IDDropsUnexplained, sev: SeverityWarning, conf: Likely, fixer: FixerNetworkAdmin,
			refs: []EvidenceRef{{Probe: evidenceWatch, Key: keyWatchTimes, Value: f.vars["unexplained_times"]},
				{Probe: evidenceWatch, Key: keyWatchEnds, Value: f.vars["unexplained_ends"]}, dropsRef}}
		if w.earlier > 0 {
			r.cases = append(r.cases, "summarised")
			r.refs = append(r.refs, EvidenceRef{Probe: evidenceWatch, Key: keyWatchEarlier, Value: strconv.Itoa(w.earlier)})
		}
		fd.add(r)
	}
}

// unexplainedRaised says whether drops-unexplained is raised: drops in
// the log nothing explains, or drops over the watch while the log (which
// kept only the latest events of a long watch) holds none.
func (w *watchFacts) unexplainedRaised() bool {
	return len(w.unexplained) > 0 || (len(w.drops) == 0 && w.earlier > 0)
}

// describeChange is a change as evidence: "wifi: Home -> Office".
func describeChange(c engine.WatchEvent) string {
	return clean(c.What + ": " + c.From + " -> " + c.To)
}

// changeKind is the label key (change.<kind>) that names a change in
// words: by what changed, and for Wi-Fi and VPN whether one came or went.
func changeKind(c engine.WatchEvent) string {
	switch c.What {
	case engine.ChangeWiFi, engine.ChangeVPN:
		switch {
		case c.From == "" && c.To == "":
			return "other" // nothing to name
		case c.From == "":
			return c.What + "_up"
		case c.To == "":
			return c.What + "_down"
		}
		return c.What
	case engine.ChangeInterface, engine.ChangeRoute, engine.ChangeProxy, engine.ChangePAC, engine.ChangeDNS:
		return c.What
	}
	return "other"
}

// changeKinds are the label keys changeKind gives; each is a required
// label (TestChangeKindsHaveWords).
var changeKinds = []string{"wifi", "wifi_up", "wifi_down", "vpn", "vpn_up", "vpn_down", "interface", "route", "proxy", "pac", "dns", "other"}

// watchPlaceholders sets the placeholders of the watch's findings, and
// the idle test's numbers from the watch where that test measured none.
func (f *facts) watchPlaceholders(v map[string]string, set func(k, val string)) {
	w := f.watch
	if w == nil {
		return
	}
	clock := func(t time.Time) string { return t.Local().Format("15:04:05") }
	set("watch_minutes", strconv.Itoa(max(int(w.length/time.Minute), 1)))
	s := w.log.Summary.Drops
	set("watch_drops", strconv.Itoa(w.log.DropCount())+" ("+engine.WatchSilent+" "+strconv.Itoa(s[engine.WatchSilent])+
		", "+engine.WatchPing+" "+strconv.Itoa(s[engine.WatchPing])+", "+engine.WatchBusy+" "+strconv.Itoa(s[engine.WatchBusy])+")")
	if len(w.outages) > 0 {
		var list []string
		longest := time.Duration(0)
		for _, o := range w.outages {
			longest = max(longest, o.to.Sub(o.from))
			to := clock(o.to)
			if o.open {
				to += "…"
			}
			list = append(list, clock(o.from)+"–"+to)
		}
		set("outage_count", strconv.Itoa(len(w.outages)))
		set("outage_longest", strconv.Itoa(int(longest.Round(time.Second)/time.Second)))
		set("outages", shortList(list, outagesShown))
	}
	if w.changeDrops > 0 {
		set("change_kind", changeKind(w.change))
		set("change_from", w.change.From)
		set("change_to", w.change.To)
		set("change_at", clock(w.change.At))
		set("change_drops", strconv.Itoa(w.changeDrops))
		set("change_window", strconv.Itoa(int(changeWindow/time.Second)))
	}
	set("sleep_drops", strconv.Itoa(w.sleepDrops))
	if w.limit != "" {
		age := strconv.Itoa(int(w.limitAge.Round(time.Second) / time.Second))
		set("watch_age", age)
		set("watch_count", strconv.Itoa(w.limitDrops))
		// The idle test's words name its numbers; without that test,
		// they are the watch's.
		switch w.limit {
		case IDMaxLifetime:
			if v["lifetime"] == "" {
				set("lifetime", age)
			}
		default:
			if v["idle_limit"] == "" {
				set("idle_limit", age)
				set("data_every", strconv.Itoa(max(int(w.limitAge/time.Second)/2, 1)))
			}
		}
	}
	if w.unexplainedRaised() {
		// The drops that left a long watch's log are counted with the
		// ones nothing explains: nothing in the log explains them either
		// (the summarised case says so).
		set("unexplained_count", strconv.Itoa(len(w.unexplained)+w.earlier))
		var times []string
		ends := map[string]int{}
		for _, d := range w.unexplained {
			times = append(times, clock(d.At))
			ends[endName(d)]++
		}
		var es []string
		for k, n := range ends {
			es = append(es, k+" ×"+strconv.Itoa(n))
		}
		sort.Strings(es)
		none := "—" // only drops that left the log: no times, no endings
		set("unexplained_times", cmp.Or(shortList(times, timesShown), none))
		set("unexplained_ends", cmp.Or(strings.Join(es, ", "), none))
		set("drops_earlier", strconv.Itoa(w.earlier))
	}
}

// endName says how a drop ended, for IT: the close code when a close
// frame came, else the engine's word (reset, fin, silent, error,
// tls_alert).
func endName(d engine.WatchEvent) string {
	if d.CloseCode != 0 {
		return "close " + strconv.Itoa(d.CloseCode)
	}
	if d.EndedBy != "" {
		return d.EndedBy
	}
	return "?"
}

// shortList joins the first n items, and says how many more there are.
func shortList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + " … (+" + strconv.Itoa(len(items)-n) + ")"
}
