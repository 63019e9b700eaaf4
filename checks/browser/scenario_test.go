//go:build linux

package browser_test

import (
	"context"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

func TestChromiumHealthy(t *testing.T) {
	e := checktest.NewEcho(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := browser.Test(ctx, e.URL, chromiumOpener(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", r)
}
