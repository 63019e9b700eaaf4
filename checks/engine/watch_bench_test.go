package engine

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// watchBenchEnv sets the length of BenchmarkWatchHour ("1h", "10m"); the
// benchmark skips without it, so that make bench stays short.
const watchBenchEnv = "WSDOCTOR_WATCH_BENCH"

// watchBenchServeEnv, set in its environment, makes the test binary the
// benchmark's echo server, in a process of its own, so that the watch's
// own CPU time and memory are measured apart from the server's.
const watchBenchServeEnv = "WSDOCTOR_WATCH_BENCH_SERVE"

// serveWatchBenchIfAsked serves the reference echo server (idle timeout
// far past any test period: a healthy path) until stdin closes, printing
// its URL, when watchBenchServeEnv asks; TestMain calls it.
func serveWatchBenchIfAsked() {
	if os.Getenv(watchBenchServeEnv) == "" {
		return
	}
	srv, err := refserver.StartConfig("127.0.0.1:0", refserver.Config{Idle: 48 * time.Hour, PerIP: 64})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(srv.URL)
	bufio.NewReader(os.Stdin).ReadString('\n')
	srv.Close()
	os.Exit(0)
}

// BenchmarkWatchHour watches a healthy loopback path (the reference
// server in a process of its own) for WSDOCTOR_WATCH_BENCH, at the
// default intervals (25 s ping and data, the silent connection's tests),
// and reports this process's CPU time and peak resident memory:
//
//	WSDOCTOR_WATCH_BENCH=1h go test ./checks/engine -run '^$' -bench WatchHour -benchtime 1x -timeout 2h
//
// cpu_s and cpu_pct are the watch's (the test binary's, the server's
// apart: server_cpu_s); peak_rss_MiB is the process's high-water mark.
func BenchmarkWatchHour(b *testing.B) {
	length, err := time.ParseDuration(os.Getenv(watchBenchEnv))
	if err != nil || length <= 0 {
		b.Skipf("set %s=1h (or 10m) to run the watch benchmark", watchBenchEnv)
	}
	for range b.N {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), watchBenchServeEnv+"=1")
		stdin, err := cmd.StdinPipe()
		if err != nil {
			b.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		url, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			b.Fatal(err)
		}
		target, err := ParseTarget(strings.TrimSpace(url))
		if err != nil {
			b.Fatal(err)
		}
		cpu0, _, ok := usage()
		if !ok {
			b.Skip("no getrusage here")
		}
		events, drops := 0, 0
		start := time.Now()
		_, err = Watch(context.Background(), target, Options{}, WatchOptions{For: length}, func(e WatchEvent) {
			events++
			if e.Kind == WatchDrop {
				drops++
				b.Logf("drop: %+v", e)
			}
		})
		wall := time.Since(start)
		cpu1, rss, _ := usage()
		stdin.Close()
		cmd.Wait()
		if err != nil {
			b.Fatal(err)
		}
		cpu := cpu1 - cpu0
		b.ReportMetric(cpu.Seconds(), "cpu_s")
		b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu_pct")
		b.ReportMetric(float64(rss)/(1<<20), "peak_rss_MiB")
		b.ReportMetric(childCPU().Seconds(), "server_cpu_s")
		b.ReportMetric(float64(events), "events")
		b.ReportMetric(float64(drops), "drops")
	}
}
