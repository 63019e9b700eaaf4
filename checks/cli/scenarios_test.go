//go:build unix

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
)

// TestScenarios runs `wsdoctor check --json` through the real middle boxes
// the support articles blame, started on loopback from Debian's packages,
// and checks the diagnosis names the right cause first. Each skips when its
// package is missing.
func TestScenarios(t *testing.T) {
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	tests := []struct {
		name   string
		args   func(t *testing.T) []string
		code   int
		first  string   // the finding listed first
		has    []string // other findings that must be there
		not    []string // findings that must not be there
		secret string   // must appear nowhere in the output
	}{
		{
			name: "proxy asks for a password",
			args: func(t *testing.T) []string {
				p := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{Auth: checktest.ProxyAuth{User: "alice", Pass: "s3cretpass"}})
				return []string{"--proxy", "http://" + p.Addr, srv.URL}
			},
			code: ExitProblem, first: "proxy-auth-required", has: []string{"proxy-configured"},
		},
		{
			name: "proxy with the password works",
			args: func(t *testing.T) []string {
				p := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{Auth: checktest.ProxyAuth{User: "alice", Pass: "s3cretpass"}})
				return []string{"--proxy", "http://alice:s3cretpass@" + p.Addr, srv.URL}
			},
			code: ExitOK, first: "websocket-ok", has: []string{"proxy-configured"}, secret: "s3cretpass",
		},
		{
			name: "proxy refuses the tunnel to this port",
			args: func(t *testing.T) []string {
				p := checktest.StartTinyproxy(t, checktest.TinyproxyOptions{ConnectPorts: []int{443}})
				return []string{"--proxy", "http://" + p.Addr, srv.URL}
			},
			code: ExitProblem, first: "proxy-blocks-connect",
		},
		{
			name: "proxy not running",
			args: func(t *testing.T) []string {
				return []string{"--proxy", "http://127.0.0.1:" + strconv.Itoa(checktest.FreePort(t)), srv.URL}
			},
			code: ExitProblem, first: "proxy-unreachable", not: []string{"proxy-strips-upgrade"},
		},
		{
			name: "SOCKS5 proxy works",
			args: func(t *testing.T) []string {
				p := checktest.StartMicrosocks(t, checktest.ProxyAuth{})
				return []string{"--proxy", "socks5://" + p.Addr, srv.URL}
			},
			code: ExitOK, first: "websocket-ok",
		},
		{
			name: "the service's gateway does not pass WebSockets",
			args: func(t *testing.T) []string {
				return []string{"ws://" + checktest.NginxWithoutWebSocket(t, srv.Addr) + "/ws"}
			},
			code: ExitProblem, first: "server-no-websocket",
		},
		{
			name: "a gateway that passes WebSockets",
			args: func(t *testing.T) []string {
				return []string{"ws://" + checktest.Nginx(t, srv.Addr, "") + "/ws"}
			},
			code: ExitOK, first: "websocket-ok",
		},
		{
			name: "a proxy cuts quiet WebSockets after 2 s",
			args: func(t *testing.T) []string {
				return []string{"--idle", "4s", "--ping-interval", "1s", "ws://" + checktest.HAProxy(t, srv.Addr, "timeout tunnel 2s") + "/ws"}
			},
			code: ExitOK, first: "proxy-idle-timeout", has: []string{"websocket-ok"},
		},
		{
			name: "closed port",
			args: func(t *testing.T) []string {
				return []string{"ws://127.0.0.1:" + strconv.Itoa(checktest.FreePort(t)) + "/ws"}
			},
			code: ExitProblem, first: "tcp-blocked",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--json", "--quiet", "--proxy", "none"}, tc.args(t)...)
			var out, errOut bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			code := Check(ctx, args, &out, &errOut)
			var rep struct {
				Findings []struct{ ID string } `json:"findings"`
			}
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("exit %d, output is not JSON: %v\n%s\n%s", code, err, out.String(), errOut.String())
			}
			var ids []string
			for _, f := range rep.Findings {
				ids = append(ids, f.ID)
			}
			if code != tc.code || len(ids) == 0 || ids[0] != tc.first {
				t.Errorf("exit %d, findings %v; want exit %d, %s first\n%s", code, ids, tc.code, tc.first, out.String())
			}
			for _, id := range tc.has {
				if !slices.Contains(ids, id) {
					t.Errorf("findings %v lack %s", ids, id)
				}
			}
			for _, id := range tc.not {
				if slices.Contains(ids, id) {
					t.Errorf("findings %v have %s", ids, id)
				}
			}
			if tc.secret != "" && (strings.Contains(out.String(), tc.secret) || strings.Contains(errOut.String(), tc.secret)) {
				t.Errorf("the proxy password is in the output")
			}
		})
	}
}
