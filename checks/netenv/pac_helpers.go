package netenv

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// pacHelpers are the functions the PAC standard gives a script, written in
// Go so that DNS and the clock come from PACEnv.
type pacHelpers struct {
	ctx context.Context
	env *PACEnv
	vm  *goja.Runtime
}

func (h *pacHelpers) install() error {
	fns := map[string]func(goja.FunctionCall) goja.Value{
		"isPlainHostName":     h.isPlainHostName,
		"dnsDomainIs":         h.dnsDomainIs,
		"localHostOrDomainIs": h.localHostOrDomainIs,
		"isResolvable":        h.isResolvable,
		"isInNet":             h.isInNet,
		"dnsResolve":          h.dnsResolve,
		"myIpAddress":         h.myIpAddress,
		"dnsDomainLevels":     h.dnsDomainLevels,
		"shExpMatch":          h.shExpMatch,
		"weekdayRange":        h.weekdayRange,
		"dateRange":           h.dateRange,
		"timeRange":           h.timeRange,
		"alert":               func(goja.FunctionCall) goja.Value { return goja.Undefined() },
		// Microsoft's IPv6 extensions, which Windows scripts use.
		"isResolvableEx":    h.isResolvableEx,
		"dnsResolveEx":      h.dnsResolveEx,
		"myIpAddressEx":     h.myIpAddressEx,
		"isInNetEx":         h.isInNetEx,
		"sortIpAddressList": h.sortIpAddressList,
		"getClientVersion":  func(goja.FunctionCall) goja.Value { return h.vm.ToValue("1.0") },
	}
	for name, fn := range fns {
		if err := h.vm.Set(name, fn); err != nil {
			return err
		}
	}
	return nil
}

func (h *pacHelpers) arg(c goja.FunctionCall, i int) string {
	v := c.Argument(i)
	if goja.IsUndefined(v) || goja.IsNull(v) {
		return ""
	}
	return v.String()
}

func (h *pacHelpers) val(v any) goja.Value { return h.vm.ToValue(v) }

func (h *pacHelpers) isPlainHostName(c goja.FunctionCall) goja.Value {
	return h.val(!strings.Contains(h.arg(c, 0), "."))
}

func (h *pacHelpers) dnsDomainIs(c goja.FunctionCall) goja.Value {
	return h.val(strings.HasSuffix(h.arg(c, 0), h.arg(c, 1)))
}

func (h *pacHelpers) localHostOrDomainIs(c goja.FunctionCall) goja.Value {
	host, hostdom := h.arg(c, 0), h.arg(c, 1)
	return h.val(host == hostdom || strings.HasPrefix(hostdom, host+"."))
}

func (h *pacHelpers) resolve(host string, want4 bool) []netip.Addr {
	if host == "" {
		return nil
	}
	addrs, err := h.env.lookup(h.ctx, host)
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, a := range addrs {
		a = a.Unmap()
		if !want4 || a.Is4() {
			out = append(out, a)
		}
	}
	return out
}

func (h *pacHelpers) isResolvable(c goja.FunctionCall) goja.Value {
	return h.val(len(h.resolve(h.arg(c, 0), true)) > 0)
}

func (h *pacHelpers) isResolvableEx(c goja.FunctionCall) goja.Value {
	return h.val(len(h.resolve(h.arg(c, 0), false)) > 0)
}

func (h *pacHelpers) dnsResolve(c goja.FunctionCall) goja.Value {
	a := h.resolve(h.arg(c, 0), true)
	if len(a) == 0 {
		return goja.Null()
	}
	return h.val(a[0].String())
}

func (h *pacHelpers) dnsResolveEx(c goja.FunctionCall) goja.Value {
	return h.val(joinAddrs(h.resolve(h.arg(c, 0), false)))
}

func (h *pacHelpers) myIpAddress(goja.FunctionCall) goja.Value {
	for _, a := range h.env.myAddrs() {
		if a.Is4() && !a.IsLoopback() {
			return h.val(a.String())
		}
	}
	return h.val("127.0.0.1")
}

func (h *pacHelpers) myIpAddressEx(goja.FunctionCall) goja.Value {
	var out []netip.Addr
	for _, a := range h.env.myAddrs() {
		if !a.IsLoopback() {
			out = append(out, a)
		}
	}
	return h.val(joinAddrs(out))
}

func joinAddrs(a []netip.Addr) string {
	s := make([]string, len(a))
	for i, ip := range a {
		s[i] = ip.String()
	}
	return strings.Join(s, ";")
}

// isInNet(host, pattern, mask): host (resolved if it is a name) is in the
// IPv4 network pattern/mask.
func (h *pacHelpers) isInNet(c goja.FunctionCall) goja.Value {
	host := h.arg(c, 0)
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Is4() {
		a := h.resolve(host, true)
		if len(a) == 0 {
			return h.val(false)
		}
		ip = a[0]
	}
	pat, err1 := netip.ParseAddr(h.arg(c, 1))
	mask, err2 := netip.ParseAddr(h.arg(c, 2))
	if err1 != nil || err2 != nil || !pat.Is4() || !mask.Is4() {
		return h.val(false)
	}
	a, p, m := ip.As4(), pat.As4(), mask.As4()
	for i := range 4 {
		if a[i]&m[i] != p[i]&m[i] {
			return h.val(false)
		}
	}
	return h.val(true)
}

// isInNetEx(host, "prefix/bits"), for IPv4 and IPv6.
func (h *pacHelpers) isInNetEx(c goja.FunctionCall) goja.Value {
	p, err := netip.ParsePrefix(h.arg(c, 1))
	if err != nil {
		return h.val(false)
	}
	host := h.arg(c, 0)
	addrs := h.resolve(host, false)
	for _, a := range addrs {
		if p.Contains(a) {
			return h.val(true)
		}
	}
	return h.val(false)
}

func (h *pacHelpers) sortIpAddressList(c goja.FunctionCall) goja.Value {
	var addrs []netip.Addr
	for _, s := range strings.Split(h.arg(c, 0), ";") {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return h.val(false)
		}
		addrs = append(addrs, a)
	}
	slices.SortStableFunc(addrs, func(a, b netip.Addr) int {
		switch {
		case a.Is6() && !b.Is6():
			return -1
		case !a.Is6() && b.Is6():
			return 1
		}
		return a.Compare(b)
	})
	return h.val(joinAddrs(addrs))
}

func (h *pacHelpers) dnsDomainLevels(c goja.FunctionCall) goja.Value {
	return h.val(strings.Count(h.arg(c, 0), "."))
}

func (h *pacHelpers) shExpMatch(c goja.FunctionCall) goja.Value {
	return h.val(shExpMatch(h.arg(c, 0), h.arg(c, 1)))
}

// timeArgs returns the arguments without a trailing "GMT", and the clock's
// time in the zone they ask for.
func (h *pacHelpers) timeArgs(c goja.FunctionCall) ([]string, time.Time) {
	args := make([]string, len(c.Arguments))
	for i := range c.Arguments {
		args[i] = h.arg(c, i)
	}
	now := h.env.now()
	if n := len(args); n > 0 && strings.EqualFold(args[n-1], "GMT") {
		return args[:n-1], now.UTC()
	}
	return args, now
}

var weekdays = sync.OnceValue(func() map[string]int {
	return map[string]int{"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}
})

var months = sync.OnceValue(func() map[string]int {
	return map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
})

// inRange is lo <= v <= hi, wrapping round when lo > hi (FRI..MON).
func inRange(v, lo, hi int) bool {
	if lo <= hi {
		return lo <= v && v <= hi
	}
	return v >= lo || v <= hi
}

// weekdayRange(wd1[, wd2][, "GMT"]).
func (h *pacHelpers) weekdayRange(c goja.FunctionCall) goja.Value {
	args, now := h.timeArgs(c)
	if len(args) < 1 || len(args) > 2 {
		return h.val(false)
	}
	d1, ok1 := weekdays()[strings.ToUpper(args[0])]
	d2, ok2 := d1, true
	if len(args) == 2 {
		d2, ok2 = weekdays()[strings.ToUpper(args[1])]
	}
	if !ok1 || !ok2 {
		return h.val(false)
	}
	return h.val(inRange(int(now.Weekday()), d1, d2))
}

// dateComponent is one argument of dateRange: a day (1-31), a month name or
// a year (four digits).
type dateComponent struct {
	kind byte // 'd', 'm' or 'y'
	v    int
}

func parseDateComponent(s string) (dateComponent, bool) {
	if m, ok := months()[strings.ToUpper(s)]; ok {
		return dateComponent{'m', m}, true
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil || n < 1:
		return dateComponent{}, false
	case n <= 31:
		return dateComponent{'d', n}, true
	case n >= 1000:
		return dateComponent{'y', n}, true
	}
	return dateComponent{}, false
}

// dateRange(day | month | year, ...) in the forms of the PAC standard:
// one component; a range of one kind (day1, day2), (month1, month2),
// (year1, year2); (day1, month1, day2, month2); (month1, year1, month2,
// year2); (day1, month1, year1, day2, month2, year2); each optionally
// followed by "GMT". Day and month ranges wrap round (DEC to JAN).
func (h *pacHelpers) dateRange(c goja.FunctionCall) goja.Value {
	args, now := h.timeArgs(c)
	var comps []dateComponent
	for _, a := range args {
		dc, ok := parseDateComponent(a)
		if !ok {
			return h.val(false)
		}
		comps = append(comps, dc)
	}
	cur := map[byte]int{'d': now.Day(), 'm': int(now.Month()), 'y': now.Year()}
	// key packs the components of one side into one comparable number,
	// most significant first.
	key := func(cs []dateComponent, kinds string) (int, bool) {
		if len(cs) != len(kinds) {
			return 0, false
		}
		k := 0
		for i, dc := range cs {
			if dc.kind != kinds[i] {
				return 0, false
			}
			k = k*10000 + dc.v
		}
		return k, true
	}
	curKey := func(kinds string) int {
		k := 0
		for i := range len(kinds) {
			k = k*10000 + cur[kinds[i]]
		}
		return k
	}
	switch len(comps) {
	case 1:
		return h.val(cur[comps[0].kind] == comps[0].v)
	case 2, 4, 6:
		half := len(comps) / 2
		// The order inside one side, most significant first.
		var kinds string
		for _, order := range []string{"y", "m", "d", "md", "ym", "ymd"} {
			if len(order) != half {
				continue
			}
			set := map[byte]bool{}
			for _, dc := range comps[:half] {
				set[dc.kind] = true
			}
			match := len(set) == half
			for i := range len(order) {
				match = match && set[order[i]]
			}
			if match {
				kinds = order
			}
		}
		if kinds == "" {
			return h.val(false)
		}
		sorted := func(cs []dateComponent) []dateComponent {
			out := slices.Clone(cs)
			slices.SortFunc(out, func(a, b dateComponent) int {
				return strings.IndexByte(kinds, a.kind) - strings.IndexByte(kinds, b.kind)
			})
			return out
		}
		lo, ok1 := key(sorted(comps[:half]), kinds)
		hi, ok2 := key(sorted(comps[half:]), kinds)
		if !ok1 || !ok2 {
			return h.val(false)
		}
		v := curKey(kinds)
		if kinds[0] == 'y' {
			return h.val(lo <= v && v <= hi) // years do not wrap
		}
		return h.val(inRange(v, lo, hi))
	}
	return h.val(false)
}

// timeRange(hour), (hour1, hour2), (h1, m1, h2, m2), (h1, m1, s1, h2, m2,
// s2), each optionally followed by "GMT". Ranges are inclusive (hour2's
// whole hour, minute2's whole minute) and wrap round midnight.
func (h *pacHelpers) timeRange(c goja.FunctionCall) goja.Value {
	args, now := h.timeArgs(c)
	n := make([]int, len(args))
	for i, a := range args {
		v, err := strconv.Atoi(a)
		if err != nil || v < 0 {
			return h.val(false)
		}
		n[i] = v
	}
	sec := now.Hour()*3600 + now.Minute()*60 + now.Second()
	var lo, hi int
	switch len(n) {
	case 1:
		return h.val(now.Hour() == n[0])
	case 2:
		lo, hi = n[0]*3600, n[1]*3600+3599
	case 4:
		lo, hi = n[0]*3600+n[1]*60, n[2]*3600+n[3]*60+59
	case 6:
		lo, hi = n[0]*3600+n[1]*60+n[2], n[3]*3600+n[4]*60+n[5]
	default:
		return h.val(false)
	}
	return h.val(inRange(sec, lo, hi))
}
