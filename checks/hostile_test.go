package checks_test

import (
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks"
	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// Hostile servers: every answer is bounded in memory and named for what it
// is. Each bomb runs in a child process whose peak memory is measured.

func TestBombEndlessHeaders(t *testing.T) {
	for _, status := range []int{101, 200} {
		t.Run(itoa(status), func(t *testing.T) {
			checktest.CheckPeak(t, func(t *testing.T) {
				out := runCheck(t, nil, checktest.EndlessHeaders(t, status, 0), checks.Options{})
				up, _ := out.Result(checks.ProbeUpgrade)
				want(t, up, checks.Fail, checks.CodeHeadersTooLarge, nil)
				if _, ok := out.Result(checks.ProbeEcho); ok {
					if e, _ := out.Result(checks.ProbeEcho); e.Status != checks.Skip {
						t.Errorf("echo ran after a failed upgrade: %+v", e)
					}
				}
				g, _ := out.Result(checks.ProbeHTTP)
				want(t, g, checks.Fail, checks.CodeHeadersTooLarge, nil)
			})
		})
	}
}

func TestHugeHeadersRefused(t *testing.T) {
	// 1 MiB of headers and then a proper end: still more than a browser takes.
	out := runCheck(t, nil, checktest.EndlessHeaders(t, 101, 1<<20), checks.Options{})
	up, _ := out.Result(checks.ProbeUpgrade)
	want(t, up, checks.Fail, checks.CodeHeadersTooLarge, nil)
}

func TestBombDeflateMessage(t *testing.T) {
	checktest.CheckPeak(t, func(t *testing.T) {
		out := runCheck(t, nil, checktest.DeflateBomb(t, 1<<30), checks.Options{})
		up, _ := out.Result(checks.ProbeUpgrade)
		want(t, up, checks.Pass, checks.CodeOK, map[string]string{"compression": "permessage-deflate"})
		e, _ := out.Result(checks.ProbeEcho)
		want(t, e, checks.Fail, checks.CodeMessageTooLarge, nil)
	})
}

func TestInvalidUTF8Text(t *testing.T) {
	out := runCheck(t, nil, checktest.InvalidUTF8(t), checks.Options{})
	e, _ := out.Result(checks.ProbeEcho)
	want(t, e, checks.Fail, checks.CodeInvalidUTF8, nil)
}

func itoa(n int) string {
	return string(rune('0'+n/100)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}
