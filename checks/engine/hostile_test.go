package engine_test

import (
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// Hostile servers: every answer is bounded in memory and named for what it
// is. Each bomb runs in a child process whose peak memory is measured.

func TestBombEndlessHeaders(t *testing.T) {
	for _, status := range []int{101, 200} {
		t.Run(itoa(status), func(t *testing.T) {
			checktest.CheckPeak(t, func(t *testing.T) {
				out := runCheck(t, nil, checktest.EndlessHeaders(t, status, 0), engine.Options{})
				up, _ := out.Result(engine.ProbeUpgrade)
				want(t, up, engine.Fail, engine.CodeHeadersTooLarge, nil)
				if _, ok := out.Result(engine.ProbeEcho); ok {
					if e, _ := out.Result(engine.ProbeEcho); e.Status != engine.Skip {
						t.Errorf("echo ran after a failed upgrade: %+v", e)
					}
				}
				g, _ := out.Result(engine.ProbeHTTP)
				want(t, g, engine.Fail, engine.CodeHeadersTooLarge, nil)
			})
		})
	}
}

func TestHugeHeadersRefused(t *testing.T) {
	// 1 MiB of headers and then a proper end: still more than a browser takes.
	out := runCheck(t, nil, checktest.EndlessHeaders(t, 101, 1<<20), engine.Options{})
	up, _ := out.Result(engine.ProbeUpgrade)
	want(t, up, engine.Fail, engine.CodeHeadersTooLarge, nil)
}

func TestBombDeflateMessage(t *testing.T) {
	checktest.CheckPeak(t, func(t *testing.T) {
		out := runCheck(t, nil, checktest.DeflateBomb(t, 1<<30), engine.Options{})
		up, _ := out.Result(engine.ProbeUpgrade)
		want(t, up, engine.Pass, engine.CodeOK, map[string]string{"compression": "permessage-deflate"})
		e, _ := out.Result(engine.ProbeEcho)
		want(t, e, engine.Fail, engine.CodeMessageTooLarge, nil)
	})
}

func TestInvalidUTF8Text(t *testing.T) {
	out := runCheck(t, nil, checktest.InvalidUTF8(t), engine.Options{})
	e, _ := out.Result(engine.ProbeEcho)
	want(t, e, engine.Fail, engine.CodeInvalidUTF8, nil)
}

// A frame whose 64-bit length has its top bit set, and one message whose
// fragments never end: no client accepts either; the check stops reading,
// in bounded memory, and names a message too large, not a broken network.
func TestImpossibleFrameAndEndlessFragments(t *testing.T) {
	for name, url := range map[string]func(testing.TB) string{
		"impossible length": checktest.ImpossibleFrame,
		"endless fragments": func(t testing.TB) string { return checktest.EndlessFragments(t, 1<<30) },
	} {
		t.Run(name, func(t *testing.T) {
			checktest.CheckPeak(t, func(t *testing.T) {
				out := runCheck(t, nil, url(t), engine.Options{})
				up, _ := out.Result(engine.ProbeUpgrade)
				want(t, up, engine.Pass, engine.CodeOK, nil)
				e, _ := out.Result(engine.ProbeEcho)
				want(t, e, engine.Fail, engine.CodeMessageTooLarge, nil)
			})
		})
	}
}

func itoa(n int) string {
	return string(rune('0'+n/100)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}
