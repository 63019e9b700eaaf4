package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"time"
)

// fallbackDelay is how long a dial to one address may go unanswered before
// the next address is tried alongside it (RFC 8305 suggests 250 ms), so a
// dead IPv6 route costs a quarter second, not a timeout.
const fallbackDelay = 250 * time.Millisecond

// DialTarget opens a TCP connection to the target the way an application
// would: to the addresses the dns probe found, racing them Happy Eyeballs
// style, and returns the first that connects. The connect phase is timed.
func (r *Run) DialTarget(ctx context.Context) (net.Conn, error) {
	end := r.Begin(PhaseConnect)
	defer end()
	addrs := r.Addrs()
	if len(addrs) == 0 {
		return r.Dial(ctx, "tcp", r.Target.HostPort())
	}
	return raceDial(ctx, r.Dial, addrs, r.Target.Port)
}

// raceDial dials addrs in order, starting the next one after fallbackDelay
// or as soon as the previous one fails, and returns the first connection.
// The losers are closed; nothing is left running when it returns.
func raceDial(ctx context.Context, dial DialFunc, addrs []netip.Addr, port int) (net.Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, len(addrs))
	started, finished := 0, 0
	var errs []error
	start := func() {
		a := net.JoinHostPort(addrs[started].String(), strconv.Itoa(port))
		started++
		go func() {
			c, err := dial(ctx, "tcp", a)
			if err != nil {
				err = fmt.Errorf("connect %s: %w", a, err)
			}
			ch <- res{c, err}
		}()
	}
	start()
	timer := time.NewTimer(fallbackDelay)
	defer timer.Stop()
	var winner net.Conn
	for finished < started {
		var next <-chan time.Time
		if started < len(addrs) && winner == nil {
			next = timer.C
		}
		select {
		case <-next:
			start()
			timer.Reset(fallbackDelay)
		case r := <-ch:
			finished++
			switch {
			case r.err != nil:
				errs = append(errs, r.err)
				if winner == nil && started < len(addrs) && finished == started {
					start()
					timer.Reset(fallbackDelay)
				}
			case winner == nil:
				winner = r.c
				cancel()
			default:
				r.c.Close()
			}
		}
	}
	if winner != nil {
		return winner, nil
	}
	return nil, errors.Join(errs...)
}
