package engine

import (
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// The time limits of a check, and how they relate. Every probe is bound
// by the probe timeout; the run by its deadline, about two probe timeouts
// (probes overlap: a handshake, then the echo after it); the upgrade too
// is bound by one probe timeout, so a handshake nobody answers costs one
// timeout, and an answer after half of it is reported slow. Working out the proxy route (RouteTimeout: a
// PAC fetch and its run, or WPAD then a PAC) and reading the machine
// (MachineTimeout) run beside the probes, within the deadline. The limits
// of reading settings, PAC and WPAD are in checks/netenv/timeouts.go.

// DefaultProbeTimeout bounds one probe: long enough for a slow mobile or
// satellite link to finish a TLS handshake, short enough that a port that
// drops packets is reported while the user still watches.
const DefaultProbeTimeout = 10 * time.Second

// DefaultDeadline bounds a whole run: the probes overlap, so a run needs about
// two probe timeouts at worst (a handshake, then the echo after it).
const DefaultDeadline = 25 * time.Second

// MaxIdle bounds Options.Idle: past ten minutes nobody watches the
// countdown, and the middle boxes worth finding cut well before it.
const MaxIdle = 10 * time.Minute

// DefaultIdleRequired is how long an idle WebSocket must stay open when the
// preset does not say: the articles ask proxies for 120-180 s, and many
// default to 60-90 s.
const DefaultIdleRequired = 120 * time.Second

// DefaultPingInterval is how often the idle probe's ping connection pings
// when the options do not say: the interval many client libraries use.
const DefaultPingInterval = 20 * time.Second

// SlowUpgrade is how long an upgrade may take to be answered before it is
// reported as slow: browsers and client libraries commonly give up after
// about this long. Options.SlowUpgradeAfter overrides it; it is capped at
// half the probe timeout, the upgrade probe's bound, so that a slow answer
// is seen before the bound.
const SlowUpgrade = 10 * time.Second

// NoEchoWait is how long the echo probe waits for the next reply before it
// concludes the server does not echo: an echo comes back within a round
// trip, and even a slow link's round trip is well under it.
const NoEchoWait = 3 * time.Second

// RouteTimeout bounds working out a route: a PAC fetch and its run, or a
// WPAD discovery then a PAC, one after the other.
const RouteTimeout = netenv.PACFetchTimeout + netenv.PACEvalTimeout + netenv.WPADTimeout + time.Second

// MachineTimeout bounds reading the VPN state and the OS release beside a
// check: they take milliseconds (files, a system call, sw_vers), and a
// hung one must not hold up the report.
const MachineTimeout = 5 * time.Second
