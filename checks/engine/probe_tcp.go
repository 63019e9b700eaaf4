package engine

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Codes the tcp probe gives besides those of Classify.
const (
	// CodePartial: some addresses connect and some do not.
	CodePartial = "partial"
	// CodeNoAddress: there was no address to connect to.
	CodeNoAddress = "no_address"
)

// TCPProbe connects to the target's port on every address the dns probe
// found, so one dead address family (a broken IPv6 route, say) shows next
// to the one that works instead of hiding behind it. The addresses of one
// family are dialled at the same time; with both families, IPv6 first and
// IPv4 familyStagger later or as soon as IPv6 has failed (RFC 8305). Once
// one address connects, the others get familyGrace more to show their
// fate, then count as "timeout": the probe never waits its whole timeout
// on a dead family when the other one works. The addresses that connected
// are put first for the probes that dial after it. Every connection is
// closed at once; nothing is sent.
//
// Status: pass when every address connects; warn with code "partial" when
// some connect and some do not; fail when none does, with the code Classify
// gives the most telling failure ("refused", "reset", "timeout",
// "unreachable", ...; a host that answers beats one that is silent, which
// beats one with no route) and that failure's error verbatim. Code
// "no_address" when there is nothing to dial.
//
// Evidence:
//   - "port": the TCP port.
//   - "connect <ip>" for each address, in the order dialled (IPv6 first):
//     the outcome code ("ok", "refused", "timeout", ...) and the time it
//     took, e.g. "ok 0.41ms" or "refused 0.12ms".
//   - "error <ip>": the raw error, for each address that failed (for one
//     given up on familyGrace after another connected, says so).
//   - "connect_ipv6" and "connect_ipv4", for each family present: "ok" when
//     all its addresses connect, "partial" when some do, else the code of
//     its most telling failure.
func TCPProbe() Probe {
	return Probe{Name: ProbeTCP, Needs: []string{ProbeDNS}, Run: probeTCP}
}

// connectOutcome is what dialling one address gave.
type connectOutcome struct {
	addr netip.Addr
	err  error
	code string
	took time.Duration
}

func probeTCP(ctx context.Context, r *ProbeRun) Result {
	res := r.Result()
	port := strconv.Itoa(r.Target.Port)
	res.Evidence.Set(KeyPort, port)
	addrs := r.Addrs()
	if len(addrs) == 0 {
		res.Status, res.Code = Fail, CodeNoAddress
		res.Reason = "no address to connect to"
		return res
	}

	end := r.Begin(PhaseConnect)
	outs := r.dialFamilies(ctx, addrs, port)
	end()
	if works := workingFirst(outs); len(works) == len(addrs) {
		// The probes that dial after this one try what worked first.
		r.SetAddrs(works)
	}

	var ok, failed []connectOutcome
	for _, o := range outs {
		res.Evidence.Set("connect "+o.addr.String(), o.code+" "+formatMillis(o.took))
		if o.err != nil {
			res.Evidence.Set("error "+o.addr.String(), o.err.Error())
			failed = append(failed, o)
		} else {
			ok = append(ok, o)
		}
	}
	fams := familySummary(outs)
	for _, f := range fams {
		res.Evidence.Set("connect_"+f.name, f.value)
	}

	switch {
	case len(failed) == 0:
		res.Status, res.Code = Pass, CodeOK
		res.Reason = fmt.Sprintf("port %s connects on %d address(es)", port, len(ok))
	case len(ok) > 0:
		worst := mostTelling(failed)
		res.Status, res.Code, res.Error = Warn, CodePartial, worst.err.Error()
		var dead, alive []string
		for _, f := range fams {
			switch f.value {
			case CodeOK:
				alive = append(alive, familyLabel(f.name))
			case CodePartial:
			default:
				dead = append(dead, familyLabel(f.name)+" ("+f.value+")")
			}
		}
		if len(dead) > 0 && len(alive) > 0 {
			res.Reason = fmt.Sprintf("%s fails on port %s while %s connects", strings.Join(dead, " and "), port, strings.Join(alive, " and "))
		} else {
			res.Reason = fmt.Sprintf("%d of %d addresses connect on port %s; %s fails (%s)", len(ok), len(outs), port, worst.addr, worst.code)
		}
	default:
		worst := mostTelling(failed)
		res.Status, res.Code, res.Error = Fail, worst.code, worst.err.Error()
		res.Reason = fmt.Sprintf("no address connects on port %s (%s)", port, worst.code)
	}
	return res
}

type family struct{ name, value string }

// familySummary sums the outcomes up per address family, IPv6 first.
func familySummary(outs []connectOutcome) []family {
	var fams []family
	for _, name := range []string{"ipv6", "ipv4"} {
		var ok, failed []connectOutcome
		for _, o := range outs {
			if (name == "ipv6") != (o.addr.Is6() && !o.addr.Is4In6()) {
				continue
			}
			if o.err == nil {
				ok = append(ok, o)
			} else {
				failed = append(failed, o)
			}
		}
		switch {
		case len(ok)+len(failed) == 0:
			continue
		case len(failed) == 0:
			fams = append(fams, family{name, CodeOK})
		case len(ok) == 0:
			fams = append(fams, family{name, mostTelling(failed).code})
		default:
			fams = append(fams, family{name, CodePartial})
		}
	}
	return fams
}

func familyLabel(name string) string {
	if name == "ipv6" {
		return "IPv6"
	}
	return "IPv4"
}

// tellingRank orders failure codes by how much they say about the target: a
// host that answers (refused, reset) says more than one that is silent
// (timeout), and a silent one more than a route this machine lacks
// (unreachable is often just "no IPv6 here").
func tellingRank(code string) int {
	switch code {
	case CodeRefused:
		return 0
	case CodeReset:
		return 1
	case CodeTimeout:
		return 2
	case CodeUnreachable:
		return 4
	case CodeCancelled:
		return 5
	}
	return 3
}

// mostTelling picks the failure whose code says most, the first on ties.
func mostTelling(failed []connectOutcome) connectOutcome {
	best := failed[0]
	for _, o := range failed[1:] {
		if tellingRank(o.code) < tellingRank(best.code) {
			best = o
		}
	}
	return best
}

// formatMillis writes a duration in milliseconds with enough digits that a
// loopback connect does not read "0.0ms".
func formatMillis(d time.Duration) string {
	ms := Millis(d)
	switch {
	case ms < 1:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	case ms < 100:
		return strconv.FormatFloat(ms, 'f', 1, 64) + "ms"
	}
	return strconv.FormatFloat(ms, 'f', 0, 64) + "ms"
}
