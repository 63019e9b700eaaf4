package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProxyAuthFlags(t *testing.T) {
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("fromfile\r\nsecond line"), 0o600); err != nil {
		t.Fatal(err)
	}
	prompted := ""
	ask := func(prompt string) (string, error) { prompted = prompt; return "typed", nil }

	for _, tc := range []struct {
		name, user, file, wantPW, wantErr, wantPrompt string
	}{
		{name: "none"},
		{name: "file", user: `CORP\ann`, file: pwFile, wantPW: "fromfile"},
		{name: "prompt", user: `CORP\ann`, wantPW: "typed", wantPrompt: `Proxy password for CORP\ann: `},
		{name: "file without user", file: pwFile, wantErr: "needs --proxy-user"},
		{name: "missing file", user: "ann", file: filepath.Join(t.TempDir(), "nope"), wantErr: "--proxy-password-file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prompted = ""
			var f checkFlags
			fs := flag.NewFlagSet("check", flag.ContinueOnError)
			f.register(fs)
			var args []string
			if tc.user != "" {
				args = append(args, "--proxy-user", tc.user)
			}
			if tc.file != "" {
				args = append(args, "--proxy-password-file", tc.file)
			}
			if err := fs.Parse(args); err != nil {
				t.Fatal(err)
			}
			o, err := f.request("", ask)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if prompted != tc.wantPrompt {
				t.Errorf("prompt %q, want %q", prompted, tc.wantPrompt)
			}
			if tc.user == "" {
				if o.ProxyCredentials != nil {
					t.Errorf("credentials %+v without --proxy-user", o.ProxyCredentials)
				}
				return
			}
			if c := o.ProxyCredentials; c == nil || c.User != tc.user || c.Password != tc.wantPW {
				t.Errorf("credentials %+v, want %s / %s", c, tc.user, tc.wantPW)
			}
		})
	}
}
