//go:build linux

package engine_test

import (
	"errors"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// fillerTimeout is how long a filler connect may wait before the accept
// queue counts as full: a connect that gets in takes microseconds on
// loopback, one whose SYN is dropped never answers.
const fillerTimeout = 200 * time.Millisecond

// fullBacklogPort returns a loopback port whose listener never accepts and
// whose accept queue is full, so Linux drops new SYNs and a connect to it
// hangs: a genuine connect timeout without leaving loopback. net.Listen
// cannot choose the backlog, hence the raw socket.
func fullBacklogPort(t *testing.T) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatalf("listen: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	port := sa.(*syscall.SockaddrInet4).Port
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	// Connect until one hangs: from then on the queue is full.
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, fillerTimeout)
		if err == nil {
			t.Cleanup(func() { c.Close() })
			continue
		}
		if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
			return port
		}
		t.Fatalf("filling the accept queue: %v", err)
	}
	t.Skip("the accept queue never filled (SYNs not dropped on this kernel)")
	return 0
}

func TestTCPProbeTimeout(t *testing.T) {
	port := fullBacklogPort(t)
	opts := engine.Options{ProbeTimeout: 300 * time.Millisecond}
	out := runChecks(t, tcpProbes(), "ws://127.0.0.1:"+strconv.Itoa(port)+"/", opts, nil)
	r := result(t, out, "tcp")
	wantStatus(t, r, engine.Fail, "timeout")
	wantEvidence(t, r, map[string]string{"connect 127.0.0.1": "timeout *", "connect_ipv4": "timeout"})
	if r.Error == "" {
		t.Error("no raw error kept")
	}
}
