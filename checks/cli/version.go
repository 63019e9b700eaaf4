package cli

import (
	"runtime/debug"
	"sync"
)

// stampBuildInfo fills in, once and on first use (not at start-up: the
// build information is parsed text), what -ldflags did not set from the
// build information Go records: the module version of `go install
// ...@v1.2.3`, and the commit and its time when built from a git checkout
// with VCS stamping on. Whatever reads Version, Commit or Date calls it
// first.
var stampBuildInfo = sync.OnceFunc(func() {
	if bi, ok := debug.ReadBuildInfo(); ok {
		fillFromBuildInfo(bi)
	}
})

// BuildVersion is Version, completed from the build information.
func BuildVersion() string {
	stampBuildInfo()
	return Version
}

func fillFromBuildInfo(bi *debug.BuildInfo) {
	if Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		Version = bi.Main.Version
	}
	var rev, at, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if Commit == "" && rev != "" {
		Commit = rev[:min(len(rev), 12)] + dirty
		if Date == "" {
			Date = at
		}
	}
}
