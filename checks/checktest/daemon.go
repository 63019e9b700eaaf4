package checktest

import (
	"bytes"
	"net"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// daemonStartTimeout bounds a daemon's start: nginx, haproxy and the small
// proxies listen within milliseconds and squid within a second; a loaded
// CI machine takes a few.
const daemonStartTimeout = 15 * time.Second

// daemonStopTimeout bounds how long a daemon may take to exit once asked
// to: squid takes one to two seconds (with shutdown_lifetime 0 it still
// stops at a later turn of its event loop), mitmdump up to two, the others
// milliseconds. One that takes longer is killed.
const daemonStopTimeout = 10 * time.Second

// binDirs are where findBinary looks after PATH: the sbin directories a
// user's PATH often lacks, where Debian puts the daemons.
var binDirs = []string{"/usr/sbin", "/usr/local/sbin", "/usr/bin"}

// needBinary is the path of the program name, as findBinary finds it; when
// it is missing, the test is skipped with a message that names pkg, the
// Debian package that installs it.
func needBinary(tb testing.TB, name, pkg string) string {
	tb.Helper()
	bin, err := findBinary(name)
	if err != nil {
		tb.Skipf("%s is not installed (Debian package %s: apt-get install %s); skipping the test that needs a real %s", name, pkg, pkg, name)
	}
	return bin
}

// Installed reports whether the program name (haproxy, nginx) can be
// found as the functions that start it find it, for tests that set several
// up before they run and skip case by case.
func Installed(name string) bool {
	_, err := findBinary(name)
	return err == nil
}

// findBinary looks name up in PATH, then in binDirs.
func findBinary(name string) (string, error) {
	bin, err := exec.LookPath(name)
	if err == nil {
		return bin, nil
	}
	for _, d := range binDirs {
		if p, err := exec.LookPath(filepath.Join(d, name)); err == nil {
			return p, nil
		}
	}
	return "", err
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startDaemon starts cmd in a process group of its own, waits at most
// within until dial (nil: a TCP dial from this process) reaches addr, and
// stops the whole group when the test ends (see stop). A daemon that exits
// before it listens, or does not listen in time, fails the test with its
// output.
func startDaemon(tb testing.TB, cmd *exec.Cmd, addr string, within time.Duration, dial func(addr string, timeout time.Duration) (net.Conn, error)) {
	tb.Helper()
	if dial == nil {
		dial = func(addr string, timeout time.Duration) (net.Conn, error) {
			return net.DialTimeout("tcp", addr, timeout)
		}
	}
	d := &daemon{cmd: cmd, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &d.out, &d.out
	ownGroup(cmd)
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", cmd, err)
	}
	go func() {
		d.err = cmd.Wait()
		close(d.exited)
	}()
	tb.Cleanup(func() { d.stop(tb) })
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		if c, err := dial(addr, time.Second); err == nil {
			c.Close()
			return
		}
		select {
		case <-d.exited:
			tb.Fatalf("%s exited before listening on %s: %v\n%s", cmd, addr, d.err, d.out.String())
		case <-deadline.C:
			d.stop(tb)
			tb.Fatalf("%s did not listen on %s within %s\n%s", cmd, addr, within, d.out.String())
		case <-tick.C:
		}
	}
}

// daemon is a program startDaemon started.
type daemon struct {
	cmd *exec.Cmd
	out syncBuffer
	// exited is closed when cmd.Wait has returned err.
	exited chan struct{}
	err    error
}

// stop ends the daemon, unless it has exited already: SIGTERM to its
// process group, then, if it has not exited within daemonStopTimeout,
// SIGKILL. Stopping it as its service manager would lets it clean up:
// squid killed with SIGKILL leaves its shared memory segments behind
// (/dev/shm/squid-cf__*.shm, owned by its user proxy when started as
// root), and a later squid started by another user, unable to remove
// them, stops with "shm_open(/squid-cf__metadata.shm): File exists".
func (d *daemon) stop(tb testing.TB) {
	select {
	case <-d.exited:
		return
	default:
	}
	terminate(d.cmd)
	t := time.NewTimer(daemonStopTimeout)
	defer t.Stop()
	select {
	case <-d.exited:
		return
	case <-t.C:
	}
	tb.Logf("%s did not exit within %s of SIGTERM; killing it", d.cmd, daemonStopTimeout)
	killGroup(d.cmd)
	<-d.exited
}

// syncBuffer collects a daemon's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
