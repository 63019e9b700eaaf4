//go:build unix

package browser_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// TestChromium opens the page in a real headless Chromium: what the page
// posts back is what the browser saw (open, echoes, close code and reason,
// user agent), and it comes from the browser itself, through the token,
// the origin check and the CSP.
func TestChromium(t *testing.T) {
	tests := []struct {
		name  string
		url   func(t *testing.T) string
		check func(t *testing.T, r browser.Result)
	}{
		{
			name: "an echo server",
			url:  func(t *testing.T) string { return checktest.NewEcho(t).URL },
			check: func(t *testing.T, r browser.Result) {
				if !r.Works() || !r.EchoedText || !r.EchoedBinary || r.CloseCode != 1000 || !r.WasClean || r.Error != "" {
					t.Errorf("result %+v", r)
				}
				if r.OpenMS <= 0 || r.FirstEchoMS <= 0 || r.CloseMS < r.OpenMS {
					t.Errorf("times %+v", r)
				}
			},
		},
		{
			name: "a server that closes with 1008 after the upgrade",
			url: func(t *testing.T) string {
				return checktest.CloseAfterUpgrade(t, websocket.ClosePolicyViolation, "not allowed here")
			},
			check: func(t *testing.T, r browser.Result) {
				if !r.Opened || r.EchoedText || r.CloseCode != 1008 || r.CloseReason != "not allowed here" {
					t.Errorf("result %+v", r)
				}
			},
		},
		{
			name: "nothing listens",
			url:  func(t *testing.T) string { return "ws://127.0.0.1:" + strconv.Itoa(checktest.FreePort(t)) + "/" },
			check: func(t *testing.T, r browser.Result) {
				if r.Opened || r.CloseCode != 1006 || r.WasClean || r.Error != "error" {
					t.Errorf("result %+v", r)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := tc.url(t)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			start := time.Now()
			r, err := browser.Test(ctx, target, nil, checktest.Chromium(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("answer after %s: %+v", time.Since(start).Round(time.Millisecond), r)
			if r.Target != target || r.Name() != "Chrome" || !strings.Contains(r.UserAgent, "HeadlessChrome/") || !r.Online {
				t.Errorf("result %+v", r)
			}
			tc.check(t, r)
		})
	}
}
