//go:build unix

package engine

import (
	"runtime"
	"syscall"
	"time"
)

// usage is this process's CPU time (user and system) and peak resident
// memory in bytes.
func usage() (cpu time.Duration, maxRSS int64, ok bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, 0, false
	}
	return tv(ru.Utime) + tv(ru.Stime), rss(ru.Maxrss), true
}

// childCPU is the CPU time of the children waited for.
func childCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) != nil {
		return 0
	}
	return tv(ru.Utime) + tv(ru.Stime)
}

func tv(t syscall.Timeval) time.Duration {
	return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
}

// rss is ru_maxrss in bytes: kilobytes on Linux and the BSDs, bytes on
// macOS.
func rss(v int64) int64 {
	if runtime.GOOS == "darwin" {
		return v
	}
	return v * 1024
}
