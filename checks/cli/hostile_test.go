package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// Addresses and files that cannot be checked are usage errors (exit 2) that
// say why, before anything runs, and never echo a secret.
func TestHostileUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"empty address", []string{""}, "the address is empty"},
		{"blank address", []string{"  "}, "the address is empty"},
		{"dot", []string{"."}, "is not a host name"},
		{"no host", []string{"wss:///"}, "no host name"},
		{"empty label", []string{"wss://a..example/"}, "empty part"},
		{"missing PAC", []string{"--pac", "/nonexistent/missing.pac", "ws://127.0.0.1:1/"}, "missing.pac"},
		{"missing PAC as proxy", []string{"--proxy", "pac:/nonexistent/x.pac", "ws://127.0.0.1:1/"}, "x.pac"},
		{"PAC is a folder", []string{"--pac", "/", "ws://127.0.0.1:1/"}, "folder"},
		{"two addresses with secrets", []string{"wss://u:PWsekret1@a/", "wss://b/?token=TOKsekret2"}, "one address at a time"},
		{"bad address with secrets", []string{"wss://u:PWsekret1@/x?token=TOKsekret2"}, "no host name"},
		{"bad proxy with password", []string{"--proxy", "ftp://u:PWsekret1@proxy:1", "ws://127.0.0.1:1/"}, "--proxy"},
		{"huge CA", []string{"--ca", "/dev/zero", "ws://127.0.0.1:1/"}, "larger than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, tc.args...)
			if code != ExitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q, want exit 2 and %q", code, errOut, tc.want)
			}
			for _, s := range []string{"PWsekret1", "TOKsekret2"} {
				if strings.Contains(out+errOut, s) {
					t.Errorf("secret %s printed: %q %q", s, out, errOut)
				}
			}
		})
	}
}

// A report file far too large is refused with a clear error, without
// reading it whole.
func TestReportFileBounded(t *testing.T) {
	checktest.CheckPeak(t, func(t *testing.T) {
		var o, e bytes.Buffer
		if code := Report([]string{"/dev/zero"}, &o, &e); code != ExitUsage || !strings.Contains(e.String(), "larger than 16 MiB") {
			t.Errorf("report /dev/zero: exit %d, %q", code, e.String())
		}
	})
}

// env and unknown commands print an address without its password or
// query values.
func TestEnvAndMainRedact(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	secret := "wss://alice:PWsekret1@chat.example/socket?token=TOKsekret2&t=Tsekret3"
	for _, args := range [][]string{
		{"--proxy", "none", secret},
		{"--proxy", "none", "--json", secret},
		{"--proxy", "http://bob:PWsekret1@127.0.0.1:1", secret},
	} {
		var o, e bytes.Buffer
		Env(ctx, args, &o, &e)
		for _, s := range []string{"PWsekret1", "TOKsekret2", "Tsekret3"} {
			if strings.Contains(o.String()+e.String(), s) {
				t.Errorf("env %v printed %s:\n%s\n%s", args, s, o.String(), e.String())
			}
		}
	}
	var o, e bytes.Buffer
	Main([]string{secret}, &o, &e)
	if strings.Contains(e.String(), "PWsekret1") || strings.Contains(e.String(), "TOKsekret2") {
		t.Errorf("unknown command echoed a secret: %q", e.String())
	}
}

// The planted-secret test over every output of a real check: a server that
// asks for a login with a token in its challenge, secrets in its body and
// terminal escapes in its Server header and title, and a user who gave
// secrets in headers, userinfo and query values. Nothing secret and no raw
// control byte may reach stdout, stderr or any report file.
func TestPlantedSecretsEveryOutput(t *testing.T) {
	srv := checktest.Refuse(t, 401, []string{
		`WWW-Authenticate: Bearer realm="chat", token="WWWsekret7"`,
		// Go's client refuses C0 bytes in a header; C1 (UTF-8) it takes.
		"Server: evil\u009b2J\u009bHWebSockets work",
		"Content-Type: text/html",
	}, "<html><head><title>Sign in \x1b]0;pwned\x07\u009b31m now</title></head><body>session=BODYsekret8 password=PWBODYsekret9 \x1b[31mred</body></html>")
	u := strings.Replace(srv, "ws://", "ws://alice:USERPWsekret1@", 1) + "?refresh=REFRESHsekret2&t=Tsekret3"
	secrets := []string{"USERPWsekret1", "REFRESHsekret2", "Tsekret3", "CUSTOMsekret4", "XSESSIONsekret5", "APIKEYsekret6",
		"WWWsekret7", "BODYsekret8", "PWBODYsekret9", "COOKIEsekret10"}
	base := []string{"--proxy", "none", "--timeout", "3s",
		"-H", "X-Custom-Auth: CUSTOMsekret4", "-H", "X-Session: XSESSIONsekret5", "-H", "Api-Key: APIKEYsekret6",
		"--cookie", "sid=COOKIEsekret10", u}
	dir := t.TempDir()
	for _, extra := range [][]string{
		nil, {"--json"}, {"--format", "md"}, {"--format", "html"},
		{"-o", dir + "/r.txt"}, {"-o", dir + "/r.md"}, {"-o", dir + "/r.html"}, {"-o", dir + "/r.json"},
	} {
		out, errOut, code := run(t, append(append([]string{}, extra...), base...)...)
		if code != ExitProblem {
			t.Errorf("%v: exit %d, want 1; stderr %s", extra, code, errOut)
		}
		outputs := map[string]string{"stdout": out, "stderr": errOut}
		if len(extra) == 2 && extra[0] == "-o" {
			b, err := os.ReadFile(extra[1])
			if err != nil {
				t.Fatal(err)
			}
			outputs[extra[1]] = string(b)
		}
		for name, text := range outputs {
			for _, s := range secrets {
				if i := strings.Index(text, s); i >= 0 {
					t.Errorf("%v %s: secret %s leaked: ...%q...", extra, name, s, text[max(i-80, 0):min(i+30, len(text))])
				}
			}
			if strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".html") || (len(extra) > 0 && (extra[0] == "--json" || extra[len(extra)-1] == "html")) {
				continue // escaped by their own syntax
			}
			if i := strings.IndexAny(text, "\x1b\x07\u009b"); i >= 0 {
				t.Errorf("%v %s: raw control byte: ...%q...", extra, name, text[max(i-40, 0):min(i+20, len(text))])
			}
		}
	}
}

// Hostile servers get findings that name what they do, never a blocked
// port: the findings of a real check against each, read from its JSON.
func TestHostileClassification(t *testing.T) {
	ca := checktest.NewCA(t)
	tlsSrv := checktest.StartCertServer(t, ca.Valid(t), 0, 0)
	for _, tc := range []struct {
		name, url string
		want      string // id of the first finding, "/" and words of its case
		extra     []string
	}{
		{"accept then close", checktest.AcceptClose(t), "server-no-websocket/already open", nil},
		{"NUL reply", checktest.NULReply(t), "server-no-websocket/not a web answer", nil},
		{"ws:// to a TLS port", "ws://" + tlsSrv.Addr + "/", "server-no-websocket/expects an encrypted wss://", nil},
		{"wss:// to a silent plain port", "wss://" + checktest.PlainHTTP(t) + "/", "server-no-websocket/speaks unencrypted ws://", nil},
		{"wss:// to a plain port that answers", checktest.Refuse(t, 400, nil, "bad request"), "", nil},
		{"endless headers", checktest.EndlessHeaders(t, 101, 0), "server-no-websocket/more header lines than a browser accepts", nil},
		{"1 MiB of headers", checktest.EndlessHeaders(t, 101, 1<<20), "server-no-websocket/more header lines than a browser accepts", nil},
		{"invalid UTF-8", checktest.InvalidUTF8(t), "messages-blocked/not valid text", nil},
		{"deflate bomb", checktest.DeflateBomb(t, 256<<20), "messages-blocked/protect this computer's memory", nil},
		// The service on this computer sent them: its people can fix it.
		{"impossible frame length", checktest.ImpossibleFrame(t), "messages-blocked/runs on this computer", nil},
		{"endless fragments", checktest.EndlessFragments(t, 256<<20), "messages-blocked/protect this computer's memory", nil},
		{"drip", checktest.Drip(t, 2*time.Second), "handshake-timeout/", []string{"--timeout", "2s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.url
			if tc.want == "" {
				// A plain server answering HTTP to a wss:// request.
				u = "wss://" + strings.TrimPrefix(strings.TrimSuffix(u, "/ws"), "ws://") + "/ws"
				tc.want = "server-no-websocket/speaks unencrypted ws://"
			}
			args := append([]string{"--proxy", "none", "--json", "--timeout", "3s"}, tc.extra...)
			out, errOut, code := run(t, append(args, u)...)
			if code != ExitProblem {
				t.Fatalf("exit %d, want 1: %s", code, errOut)
			}
			var rep struct {
				Findings []struct {
					ID          string `json:"id"`
					Title       string `json:"title"`
					Explanation string `json:"explanation"`
					WhoCanFix   string `json:"who_can_fix"`
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Findings) == 0 {
				t.Fatalf("no findings (%v): %s", err, out)
			}
			id, cs, _ := strings.Cut(tc.want, "/")
			first := rep.Findings[0]
			if first.ID != id || !strings.Contains(first.Title+" "+first.Explanation, cs) {
				t.Errorf("first finding %s %q %q, want %s", first.ID, first.Title, first.Explanation, tc.want)
			}
			if strings.HasPrefix(tc.want, "messages-") && first.WhoCanFix != "service_admin" {
				t.Errorf("%s: who can fix it: %q, want the service's people (a loopback service, no network between)", first.ID, first.WhoCanFix)
			}
			for _, f := range rep.Findings {
				if f.ID == "tcp-blocked" || f.ID == "cause-unknown" {
					t.Errorf("finding %s raised: %+v", f.ID, rep.Findings)
				}
			}
		})
	}
}
