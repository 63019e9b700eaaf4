package cli

import (
	"bytes"
	"context"
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
