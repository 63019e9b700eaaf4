package netenv

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// A proxy (named by anyone's WPAD file) that answers CONNECT with header
// lines without end is cut off at 64 KiB, well under 128 MiB.
func TestProxyEndlessHeaders(t *testing.T) {
	checktest.CheckPeak(t, func(t *testing.T) {
		for _, status := range []int{200, 407} {
			u := checktest.EndlessHeaders(t, status, 0)
			p, _ := url.Parse("http://" + strings.TrimSuffix(strings.TrimPrefix(u, "ws://"), "/ws"))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			_, _, err := (&ProxyDialer{}).DialVia(ctx, p, "example.com:443")
			cancel()
			if err == nil || !strings.Contains(err.Error(), "KiB of headers") {
				t.Errorf("status %d: %v, want the header bound", status, err)
			}
		}
	})
}
