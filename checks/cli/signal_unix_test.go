//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C (SIGINT) and SIGTERM both stop a check that a hostile server holds
// (it answers every request, a plain GET too, with 101 and then nothing),
// and the check still writes its partial report, within a second. The
// check runs as a process of its own: this test binary as the command line
// (see TestMain).
func TestSignalsWritePartialReport(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			go func() {
				if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
					io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
				}
				<-quit
			}()
		}
	}()
	t.Cleanup(func() { close(quit); ln.Close(); <-done })

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(exe, "check", "ws://"+ln.Addr().String()+"/ws", "--proxy", "none",
				"--deadline", "2m", "--timeout", "1m", "--json", "--quiet")
			cmd.Env = append(os.Environ(), cliHelperEnv+"=1", "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.WaitDelay = time.Second
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Well into the check: the plain GET is reading the 101's body.
			time.Sleep(2 * time.Second)
			sent := time.Now()
			cmd.Process.Signal(sig)
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			var werr error
			select {
			case werr = <-exited:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("the check did not stop within 20 s of %s\n%s", sig, stderr.String())
			}
			// Within 1 s, with slack for a loaded machine.
			if took := time.Since(sent); took > 3*time.Second {
				t.Errorf("the check took %s to stop after %s", took.Round(time.Millisecond), sig)
			}
			var exit *exec.ExitError
			if !errors.As(werr, &exit) || exit.ExitCode() != ExitInterrupted {
				t.Errorf("exit %v after %s, want %d\n%s", werr, sig, ExitInterrupted, stderr.String())
			}
			var rep map[string]any
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil || rep["results"] == nil {
				t.Errorf("no partial report on stdout after %s (%v):\n%s\nstderr:\n%s", sig, err, stdout.String(), stderr.String())
			}
		})
	}
}
