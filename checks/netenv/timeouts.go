package netenv

import "time"

// The time limits of reading this computer's settings. They add up to
// checks.RouteTimeout (checks/timeouts.go), which bounds working out a
// route, and OSVersionTimeout sits within checks.MachineTimeout.
// PACFetchTimeout bounds loading a PAC file over HTTP: browsers wait about
// this long before they give up on the script and go direct.
const PACFetchTimeout = 5 * time.Second

// PACEvalTimeout bounds running a PAC script, DNS lookups included; a
// script that takes longer is broken (a loop) or waiting on a dead DNS.
const PACEvalTimeout = 3 * time.Second

// pacDNSTimeout bounds one DNS lookup made by a PAC helper.
const pacDNSTimeout = 2 * time.Second

// WPADTimeout bounds the whole DNS-based discovery: applications give up
// on it within a few seconds and go on without a proxy.
const WPADTimeout = 4 * time.Second

// commandTimeout bounds one settings command (gsettings, scutil): they
// answer in milliseconds, but a hung D-Bus must not hold up a check.
const commandTimeout = 3 * time.Second

// OSVersionTimeout bounds reading the OS release: a file, a registry key
// or one quick command (sw_vers), which must not hold up a report.
const OSVersionTimeout = commandTimeout
