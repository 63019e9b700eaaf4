package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"
)

// familyStagger is how long the tcp probe lets IPv6 go first before it
// dials IPv4 too (RFC 8305, section 5: 250 ms).
const familyStagger = 250 * time.Millisecond

// familyGrace is how long, once one address connected, the tcp probe still
// waits for the others to show whether they work.
const familyGrace = time.Second

// errOtherConnected ends the dials still running familyGrace after another
// address connected.
var errOtherConnected = errors.New("no answer within 1 s after another address connected")

// dialFamilies dials every address: IPv6 ones at once, IPv4 ones
// familyStagger later or as soon as every IPv6 dial failed (all at once
// when there is one family), and gives up on those still running
// familyGrace after the first connected. The outcomes are in the order of
// addrs; every connection is closed.
func (r *ProbeRun) dialFamilies(ctx context.Context, addrs []netip.Addr, port string) []connectOutcome {
	dctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var first, second []int
	for i, a := range addrs {
		if is6(a) {
			first = append(first, i)
		} else {
			second = append(second, i)
		}
	}
	if len(first) == 0 || len(second) == 0 {
		first, second = append(first, second...), nil
	}

	outs := make([]connectOutcome, len(addrs))
	var (
		mu        sync.Mutex
		connected bool
		firstLeft = len(first)
		grace     *time.Timer
		wg        sync.WaitGroup
	)
	goSecond := make(chan struct{})
	var once sync.Once
	startSecond := func() { once.Do(func() { close(goSecond) }) }
	dial := func(i int) {
		a := addrs[i]
		t0 := r.Now()
		c, err := r.Dial(dctx, "tcp", net.JoinHostPort(a.String(), port))
		o := connectOutcome{addr: a, err: err, code: Classify(err), took: r.Since(t0)}
		if c != nil {
			c.Close()
		}
		if err != nil && errors.Is(context.Cause(dctx), errOtherConnected) {
			o.code, o.err = CodeTimeout, fmt.Errorf("connect %s: %w", a, errOtherConnected)
		}
		outs[i] = o
		mu.Lock()
		defer mu.Unlock()
		if err == nil && !connected {
			connected = true
			grace = time.AfterFunc(familyGrace, func() { cancel(errOtherConnected) })
			startSecond()
		}
		if is6(a) && len(second) > 0 {
			if firstLeft--; firstLeft == 0 {
				startSecond()
			}
		}
	}
	for _, i := range first {
		wg.Go(func() { dial(i) })
	}
	if len(second) > 0 {
		stagger := time.NewTimer(familyStagger)
		select {
		case <-goSecond:
		case <-stagger.C:
		case <-dctx.Done():
		}
		stagger.Stop()
		for _, i := range second {
			wg.Go(func() { dial(i) })
		}
	}
	wg.Wait()
	mu.Lock()
	if grace != nil {
		grace.Stop()
	}
	mu.Unlock()
	return outs
}

// is6 reports whether a is an IPv6 address (not IPv4 written as IPv6).
func is6(a netip.Addr) bool { return a.Is6() && !a.Is4In6() }

// workingFirst is the addresses of outs, those that connected first, in
// their order otherwise.
func workingFirst(outs []connectOutcome) []netip.Addr {
	var ok, rest []netip.Addr
	for _, o := range outs {
		if o.err == nil {
			ok = append(ok, o.addr)
		} else {
			rest = append(rest, o.addr)
		}
	}
	return append(ok, rest...)
}
