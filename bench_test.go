package main

import (
	"crypto/tls"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// The figures of issue 26 for the command-line build, as whole processes
// (start-up included), each against its yardstick run in turn with it so a
// drifting machine moves both: make bench prints them.

// buildStatic builds pkg as make build-cli does (no cgo, the tag
// nodesktop, stripped) into dir.
func buildStatic(b *testing.B, dir, pkg string) string {
	b.Helper()
	bin := filepath.Join(dir, "wsdoctor-cli")
	if pkg != "." {
		bin = filepath.Join(dir, filepath.Base(pkg))
	}
	cmd := exec.Command("go", "build", "-tags", "nodesktop", "-trimpath", "-ldflags", "-s -w", "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// paired runs a and b in turn b.N times each, with env added to the
// environment, and reports each one's mean in ms and the ratio a/b.
func paired(b *testing.B, env []string, aName string, a []string, bName string, y []string) {
	b.Helper()
	var ta, tb time.Duration
	run := func(args []string) time.Duration {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), env...)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %v\n%s", args, err, out)
		}
		return time.Since(start)
	}
	run(a) // warm the page cache
	run(y)
	b.ResetTimer()
	for b.Loop() {
		ta += run(a)
		tb += run(y)
	}
	n := float64(b.N)
	b.ReportMetric(float64(ta.Microseconds())/n/1000, aName+"-ms")
	b.ReportMetric(float64(tb.Microseconds())/n/1000, bName+"-ms")
	b.ReportMetric(float64(ta)/float64(tb), "ratio")
}

// BenchmarkStartup: `wsdoctor-cli version` against a bare static Go
// program that prints a line (testdata/bare); then, for scale, the floor's
// own start-up (a program with gorilla, net/http and crypto/tls linked in,
// printing a line) against the same.
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	cli := buildStatic(b, dir, ".")
	bare := buildStatic(b, dir, "./testdata/bare")
	floor := buildStatic(b, dir, "./testdata/floor")
	b.Run("cli", func(b *testing.B) { paired(b, nil, "cli", []string{cli, "version"}, "bare", []string{bare}) })
	b.Run("floor", func(b *testing.B) { paired(b, nil, "floor", []string{floor, "version"}, "bare", []string{bare}) })
}

// BenchmarkCheckProcess: a whole `wsdoctor-cli check` (every probe, no
// idle test) of an echo server 50 ms away each way, against the floor: one
// gorilla handshake and one echo, as a process too (testdata/floor). For
// wss:// the test authority is the machine's (SSL_CERT_FILE), as a
// service's is: neither is given a CA file to read first. The no-ladder
// runs are the same check without the integrity ladder, whose
// 2 MiB each way cost a round trip more than one echo by their nature.
func BenchmarkCheckProcess(b *testing.B) {
	dir := b.TempDir()
	cli := buildStatic(b, dir, ".")
	floor := buildStatic(b, dir, "./testdata/floor")
	for _, secure := range []bool{false, true} {
		name := "ws"
		if secure {
			name = "wss"
		}
		b.Run(name, func(b *testing.B) {
			var cfg *tls.Config
			var env []string
			if secure {
				ca := checktest.NewCA(b)
				cfg = &tls.Config{Certificates: []tls.Certificate{ca.Valid(b)}}
				env = []string{"SSL_CERT_FILE=" + ca.WriteFile(b), "SSL_CERT_DIR=" + b.TempDir()}
			}
			srv, err := refserver.StartTLS("127.0.0.1:0", cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { srv.Close() })
			relay := checktest.NewRelay(b, srv.Addr, 50*time.Millisecond)
			url := name + "://" + relay.Addr + "/ws"
			check := []string{cli, "check", url, "--quiet", "--timeout", "10s"}
			bare := []string{floor, url}
			b.Run("full", func(b *testing.B) { paired(b, env, "check", check, "floor", bare) })
			b.Run("no-ladder", func(b *testing.B) {
				paired(b, env, "check", append(check[:len(check):len(check)], "--no-ladder"), "floor", bare)
			})
		})
	}
}
