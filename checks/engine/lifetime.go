package engine

import (
	"context"
	"net"
	"sync"
)

// One clock for the whole run: every connection a probe opens is closed
// when the run's context ends (its deadline, or Ctrl-C), whatever the probe
// is blocked on: a read of a body that never ends, a frame that trickles,
// a proxy that stops answering. A probe's own timeout is still the probe's
// business; this is the backstop that keeps a hostile server from holding
// the run past its deadline. A Long probe's connections live as long as
// the caller's context instead, as the probe itself does.

// lifetimes holds the registrations of one run's connections, so that Run
// can release them when it returns.
type lifetimes struct {
	mu    sync.Mutex
	stops []func() bool
}

// bind closes c when ctx ends. A nil ctx binds nothing.
func (l *lifetimes) bind(ctx context.Context, c net.Conn) {
	if ctx == nil || c == nil {
		return
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	l.mu.Lock()
	l.stops = append(l.stops, stop)
	l.mu.Unlock()
}

// release forgets every registration; the connections are the probes'
// to close (Run closes what is left).
func (l *lifetimes) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, stop := range l.stops {
		stop()
	}
	l.stops = nil
}
