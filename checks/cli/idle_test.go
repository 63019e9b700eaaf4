package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestCheckIdleFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--idle", "11m"}, "--idle 11m0s: give 0 (off) up to 10m0s"},
		{[]string{"--idle", "-1s"}, "--idle -1s"},
		{[]string{"--idle", "90s", "--ping-interval", "0"}, "--ping-interval 0s: must be more than zero"},
	} {
		var out, errb bytes.Buffer
		code := Check(context.Background(), append([]string{"ws://127.0.0.1:1/"}, tc.args...), &out, &errb)
		if code != ExitUsage || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), ExitUsage, tc.msg)
		}
	}
}
