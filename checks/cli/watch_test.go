package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

func TestWatchUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--for", "soon"}, `--for "soon": give a duration such as 30m or 8h, or until-stopped`},
		{[]string{"--for", "-5m"}, `--for "-5m"`},
		{[]string{"--ping-every", "0"}, "--ping-every and --data-every must be more than zero"},
		{[]string{"--out", filepath.Join(t.TempDir(), "watch.pdf")}, "cannot tell the format"},
	} {
		var out, errb bytes.Buffer
		code := Main(append([]string{"watch", "ws://127.0.0.1:1/"}, tc.args...), &out, &errb)
		if code != ExitUsage || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), ExitUsage, tc.msg)
		}
	}
}

// TestWatchCommand: a healthy path is watched for its length, exit 0; a
// middle box that ends every connection after 3 s gets a line per drop
// as it happens and exit 1; the report is written at the end.
func TestWatchCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	ref, err := refserver.StartConfig("127.0.0.1:0", refserver.Config{PerIP: 256})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ref.Close() })
	backend := strings.TrimSuffix(strings.TrimPrefix(ref.URL, "ws://"), "/ws")
	cutter := checktest.LifetimeRelay(t, backend, 3*time.Second)
	for _, tc := range []struct {
		name, url string
		code      int
		drops     bool
	}{
		{"healthy", ref.URL, ExitOK, false},
		{"lifetime 3s", "ws://" + cutter + "/ws", ExitProblem, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "watch.json")
			var stdout, stderr bytes.Buffer
			start := time.Now()
			code := Main([]string{"watch", tc.url, "--for", "5s", "--ping-every", "1s", "--data-every", "1s", "--proxy", "none", "--out", out}, &stdout, &stderr)
			took := time.Since(start)
			t.Logf("exit %d after %v\n%s", code, took, stderr.String())
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if took > 30*time.Second {
				t.Errorf("a 5 s watch took %v", took)
			}
			lines := 0
			for _, l := range strings.Split(stderr.String(), "\n") {
				// The silent connection's line also says how long it had
				// been quiet: "after 3 s, the last 2 s quiet (...)".
				if strings.Contains(l, "connection dropped after 3 s") && strings.HasSuffix(l, "(cut without a close frame, 1006)") {
					lines++
				}
			}
			if tc.drops && lines < 3 {
				t.Errorf("%d drop lines, want one for each of the three connections at least", lines)
			}
			if !tc.drops && strings.Contains(stderr.String(), "dropped") {
				t.Errorf("a drop line on a healthy path")
			}
			if !strings.Contains(stderr.String(), "Watching "+tc.url+" for 5 s.") || !strings.Contains(stderr.String(), "Watched for 5 s: ") {
				t.Errorf("no start or summary line")
			}
			b, err := os.ReadFile(out)
			if err != nil || !json.Valid(b) {
				t.Errorf("report: %v", err)
			}
		})
	}
}

// TestWatchLines: each event's line in every language has no placeholder
// left unfilled and no key shown instead of words.
func TestWatchLines(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.Local)
	events := []engine.WatchEvent{
		{At: at, Conn: engine.WatchSilent, Kind: engine.WatchDrop, Age: 6 * time.Second, EndedBy: engine.EndSilent},
		{At: at, Conn: engine.WatchSilent, Kind: engine.WatchDrop, Age: 19 * time.Second, Idle: 6 * time.Second, EndedBy: engine.EndSilent},
		{At: at, Conn: engine.WatchPing, Kind: engine.WatchDrop, Age: 90 * time.Second, EndedBy: engine.EndCloseFrame, CloseCode: 1001},
		{At: at, Conn: engine.WatchBusy, Kind: engine.WatchDrop, Age: time.Hour, EndedBy: engine.EndTLSAlert},
		{At: at, Conn: engine.WatchBusy, Kind: engine.WatchDrop, EndedBy: engine.EndFIN},
		{At: at, Conn: engine.WatchBusy, Kind: engine.WatchDrop, EndedBy: engine.EndReset},
		{At: at, Conn: engine.WatchBusy, Kind: engine.WatchDrop, EndedBy: engine.EndError},
		{At: at, Conn: engine.WatchPing, Kind: engine.WatchRetryFailed, Attempt: 1, Detail: "refused"},
		{At: at, Conn: engine.WatchPing, Kind: engine.WatchOpen, Attempt: 4, Took: 7 * time.Second},
		{At: at, Conn: engine.WatchPing, Kind: engine.WatchOpen, Attempt: 1, Took: 9 * time.Second},
		{At: at, Kind: engine.WatchSleep, Took: 20 * time.Minute},
	}
	for _, what := range []string{engine.ChangeRoute, engine.ChangeInterface, engine.ChangeWiFi, engine.ChangeVPN, engine.ChangeProxy, engine.ChangePAC, engine.ChangeDNS} {
		events = append(events, engine.WatchEvent{At: at, Kind: engine.WatchChange, What: what, From: "a", To: ""})
	}
	for _, lang := range i18n.Languages {
		words := i18n.MustLoad(lang)
		for _, e := range events {
			s := watchLine(words, e)
			if s == "" || strings.Contains(s, "{") || strings.Contains(s, "cli.watch") || !strings.HasPrefix(s, "10:00:00") {
				t.Errorf("%s: %+v: %q", lang, e, s)
			}
		}
		log := &engine.WatchLog{Start: at, End: at.Add(time.Hour)}
		log.Add(events[0])
		if s := watchSummary(words, log); strings.Contains(s, "{") || strings.Contains(s, "cli.watch") {
			t.Errorf("%s: summary %q", lang, s)
		}
	}
	if s := watchLine(i18n.English(), events[1]); s != "10:00:00  Silent connection dropped after 19 s, the last 6 s quiet (went dead without a word)" {
		t.Errorf("silent drop: %q", s)
	}
	if s := watchLine(i18n.English(), engine.WatchEvent{At: at, Conn: engine.WatchPing, Kind: engine.WatchOpen, Attempt: 1, Took: time.Second}); s != "" {
		t.Errorf("an open at once has a line: %q", s)
	}
}

// TestWatchStoppedWritesTheReport: a watch until stopped, stopped (as by
// Ctrl-C), writes the report so far and exits by what it saw.
func TestWatchStoppedWritesTheReport(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	t.Parallel()
	ref, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ref.Close() })
	out := filepath.Join(t.TempDir(), "watch.json")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout bytes.Buffer
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Edges{}.watch(ctx, nil, []string{ref.URL, "--proxy", "none", "--out", out}, &stdout, &stderr)
	}()
	// Stopped while it watches (during the check it would be exit 130).
	for i := 0; i < 600 && !strings.Contains(stderr.String(), "Watching "); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("exit %d, want %d\n%s", code, ExitOK, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the watch did not end 20 s after it was stopped")
	}
	if b, err := os.ReadFile(out); err != nil || !json.Valid(b) {
		t.Errorf("report: %v", err)
	}
	if !strings.Contains(stderr.String(), "Watched for ") {
		t.Errorf("no summary line:\n%s", stderr.String())
	}
}
