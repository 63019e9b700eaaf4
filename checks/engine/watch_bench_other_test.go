//go:build !unix

package engine

import "time"

func usage() (cpu time.Duration, maxRSS int64, ok bool) { return 0, 0, false }

func childCPU() time.Duration { return 0 }
