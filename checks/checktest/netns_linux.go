//go:build linux

package checktest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// netnsCommandTimeout bounds one ip or iptables command: they take
// milliseconds.
const netnsCommandTimeout = 10 * time.Second

// netnsCount tells apart the namespaces one test binary makes.
var netnsCount atomic.Int64

// Netns is a network namespace a test made, with only its own loopback:
// nothing sent in it can reach a real network, and a name lookup in it
// reaches only the name server SetResolvConf names. The test's in-process
// servers listen in it with Do; programs run in it with Command.
type Netns struct {
	// Name is its name for ip netns (ip netns exec NAME ...).
	Name string
	ip   string
}

// NewNetns makes a network namespace with ip netns add (Debian package
// iproute2), brings its loopback up, and deletes it when the test ends
// (register it before the daemons that run in it, so they are stopped
// first). It skips the test when not run as root, which namespaces need.
func NewNetns(tb testing.TB) *Netns {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("making a network namespace needs root (ip netns add); skipping the scenario that runs in one")
	}
	n := &Netns{
		Name: fmt.Sprintf("wsdoctor-test-%d-%d", os.Getpid(), netnsCount.Add(1)),
		ip:   needBinary(tb, "ip", "iproute2"),
	}
	n.cmd(tb, n.ip, "netns", "add", n.Name)
	tb.Cleanup(func() {
		if out, err := exec.Command(n.ip, "netns", "delete", n.Name).CombinedOutput(); err != nil {
			tb.Errorf("ip netns delete %s: %v\n%s", n.Name, err, out)
		}
		os.RemoveAll(filepath.Join("/etc/netns", n.Name))
		os.Remove("/etc/netns") // only when no other namespace has files there
	})
	n.Run(tb, "ip", "link", "set", "lo", "up")
	return n
}

// Command is name with args, to run inside the namespace; ending ctx
// kills it (ip netns exec becomes the program, so the program itself).
func (n *Netns) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, n.ip, append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Run runs a command inside the namespace ("iptables", "-t", "nat", ...),
// bounded, and fails the test with its output when it fails.
func (n *Netns) Run(tb testing.TB, name string, args ...string) {
	tb.Helper()
	n.cmd(tb, n.ip, append([]string{"netns", "exec", n.Name, name}, args...)...)
}

func (n *Netns) cmd(tb testing.TB, name string, args ...string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), netnsCommandTimeout)
	defer cancel()
	if out, err := exec.CommandContext(ctx, name, args...).CombinedOutput(); err != nil {
		tb.Fatalf("%s %v: %v\n%s", filepath.Base(name), args, err, out)
	}
}

// Do runs f on a thread of its own that has entered the namespace, and
// returns what f returns. Sockets f opens (net.Listen, net.ListenPacket,
// net.Dial) belong to the namespace for their whole life, whichever
// goroutine uses them afterwards. f must not call t.Fatal, and must not
// start goroutines that open sockets. The thread is thrown away
// afterwards, so the namespace never leaks into the rest of the test.
func (n *Netns) Do(f func() error) error {
	errc := make(chan error, 1)
	go func() {
		// Never unlocked: the runtime ends a thread whose goroutine exits
		// locked, and with it the namespace it entered.
		runtime.LockOSThread()
		fd, err := unix.Open(filepath.Join("/run/netns", n.Name), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("open namespace %s: %w", n.Name, err)
			return
		}
		err = unix.Setns(fd, unix.CLONE_NEWNET)
		unix.Close(fd)
		if err != nil {
			errc <- fmt.Errorf("enter namespace %s: %w", n.Name, err)
			return
		}
		errc <- f()
	}()
	return <-errc
}

// Listen opens a TCP listener on addr inside the namespace, closed when
// the test ends.
func (n *Netns) Listen(tb testing.TB, addr string) net.Listener {
	tb.Helper()
	var ln net.Listener
	if err := n.Do(func() (err error) {
		ln, err = net.Listen("tcp", addr)
		return err
	}); err != nil {
		tb.Fatalf("listen in namespace %s: %v", n.Name, err)
	}
	tb.Cleanup(func() { ln.Close() })
	return ln
}

// FreePort is a TCP port on 127.0.0.1 inside the namespace that was free a
// moment ago.
func (n *Netns) FreePort(tb testing.TB) int {
	tb.Helper()
	ln := n.Listen(tb, "127.0.0.1:0")
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// dial connects to addr inside the namespace.
func (n *Netns) dial(addr string, timeout time.Duration) (net.Conn, error) {
	var c net.Conn
	err := n.Do(func() (err error) {
		c, err = net.DialTimeout("tcp", addr, timeout)
		return err
	})
	return c, err
}

// SetResolvConf gives the namespace its own /etc/resolv.conf: ip netns exec
// mounts /etc/netns/NAME/resolv.conf over it for the programs it starts.
// It is removed when the test ends.
func (n *Netns) SetResolvConf(tb testing.TB, text string) {
	tb.Helper()
	dir := filepath.Join("/etc/netns", n.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("namespace resolv.conf: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "resolv.conf"), []byte(text), 0o644); err != nil {
		tb.Fatalf("namespace resolv.conf: %v", err)
	}
}

// StartTransparentSquid runs squid inside the namespace as an intercepting
// proxy that the programs there do not know of, as a company or ISP gateway
// catches port 80: an iptables rule sends their connections to
// 127.0.0.1:port to squid's intercept port, and squid makes its own
// connection to 127.0.0.1:port (exempt from the rule: it runs as its user
// proxy). Squid 5 forwards a request without its Upgrade header unless
// http_upgrade_request_protocols allows the protocol, so a WebSocket
// upgrade through it reaches the server as a plain GET.
func (n *Netns) StartTransparentSquid(tb testing.TB, dst string, port int) *Proxy {
	tb.Helper()
	bin := needBinary(tb, "squid", "squid")
	iptables := needBinary(tb, "iptables", "iptables")
	dir := proxyDir(tb)
	fwd, icpt := n.FreePort(tb), n.FreePort(tb)
	conf := squidConf(tb, dir, fwd, SquidOptions{}) +
		fmt.Sprintf("http_port 127.0.0.1:%d intercept\ncache_effective_user proxy\n", icpt)
	cf := filepath.Join(dir, "squid.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		tb.Fatal(err)
	}
	// Squid opens both ports as it starts. The wait connects to the
	// forward one: a connection to the intercept port that no rule sent
	// there fails squid's NAT lookup, after which squid 5.7 stops
	// accepting on that port.
	cmd := n.Command(context.Background(), bin, "-N", "-f", cf)
	cmd.Dir = dir
	startDaemon(tb, cmd, "127.0.0.1:"+strconv.Itoa(fwd), daemonStartTimeout, n.dial)
	addr := "127.0.0.1:" + strconv.Itoa(icpt)
	n.Run(tb, iptables, "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", dst, "--dport", strconv.Itoa(port),
		"-m", "owner", "!", "--uid-owner", "proxy", "-j", "REDIRECT", "--to-ports", strconv.Itoa(icpt))
	return &Proxy{Addr: addr, Dir: dir}
}

// StartSquid runs squid inside the namespace on 127.0.0.1, as StartSquid
// does on the host, for a check in the namespace to reach through
// HTTPS_PROXY (Go never proxies the host's own loopback targets, so the
// target is an address of the namespace's).
func (n *Netns) StartSquid(tb testing.TB, opt SquidOptions) *Proxy {
	tb.Helper()
	bin := needBinary(tb, "squid", "squid")
	dir := proxyDir(tb)
	port := n.FreePort(tb)
	cf := filepath.Join(dir, "squid.conf")
	if err := os.WriteFile(cf, []byte(squidConf(tb, dir, port, opt)), 0o644); err != nil {
		tb.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := n.Command(context.Background(), bin, "-N", "-f", cf)
	cmd.Dir = dir
	startDaemon(tb, cmd, addr, daemonStartTimeout, n.dial)
	return &Proxy{Addr: addr, Dir: dir}
}
