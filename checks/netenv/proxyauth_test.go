//go:build unix

package netenv

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

func TestParseChallenges(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []Challenge
	}{
		{[]string{"NTLM", `Basic realm="corp, proxy"`}, []Challenge{{"NTLM", ""}, {"Basic", `realm="corp, proxy"`}}},
		{[]string{`Negotiate, NTLM, Basic realm="x", charset="UTF-8"`}, []Challenge{{"Negotiate", ""}, {"NTLM", ""}, {"Basic", `realm="x", charset="UTF-8"`}}},
		{[]string{"NTLM TlRMTVNTUAACAAAAAAAAAA=="}, []Challenge{{"NTLM", "TlRMTVNTUAACAAAAAAAAAA=="}}},
		{[]string{`Digest realm="a\"b", qop="auth,auth-int", nonce="n"`}, []Challenge{{"Digest", `realm="a\"b", qop="auth,auth-int", nonce="n"`}}},
		{nil, nil},
	} {
		if got := ParseChallenges(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseChallenges(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := schemesOf(ParseChallenges([]string{"NTLM", "Basic realm=x", "ntlm"})); !reflect.DeepEqual(got, []string{"NTLM", "Basic"}) {
		t.Errorf("schemes %q", got)
	}
}

func TestCredentialsDomain(t *testing.T) {
	for in, want := range map[string]string{`CORP\ann`: "CORP", "ann@corp.example": "corp.example", "ann": ""} {
		if got := (ProxyCredentials{User: in}).Domain(); got != want {
			t.Errorf("%q: domain %q, want %q", in, got, want)
		}
	}
}

// authCase is a tunnel through a proxy that asks for a sign-in and how
// the sign-in must go.
type authCase struct {
	name  string
	proxy *url.URL
	creds *ProxyCredentials
	ok    bool
	want  AuthInfo
}

func runAuthCases(t *testing.T, target string, cases []authCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			pd := &ProxyDialer{Credentials: tc.creds}
			c, tun, err := pd.DialVia(ctx, tc.proxy, target)
			got := tun.Auth
			if tc.ok {
				if err != nil {
					t.Fatalf("tunnel failed: %v", err)
				}
				roundTrip(t, c)
			} else {
				var pe *ProxyError
				if !errors.As(err, &pe) || pe.Code != CodeProxyAuthRequired || pe.StatusCode != 407 {
					if c != nil {
						c.Close()
					}
					t.Fatalf("got %v, want a 407 ProxyError", err)
				}
				got = pe.Auth
				for _, v := range pe.Authenticate {
					if f := strings.Fields(v); len(f) > 1 && !strings.Contains(f[1], "=") {
						t.Errorf("a token in the Proxy-Authenticate kept: %q", v)
					}
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("password in the error: %v", err)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("auth %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestDialSquidNTLM signs in to a real squid that wants NTLM
// (ntlm_fake_auth): three requests on one connection.
func TestDialSquidNTLM(t *testing.T) {
	target, _ := echoServer(t)
	ntlm := checktest.StartSquid(t, checktest.SquidOptions{NTLM: true, Users: []string{"alice"}})
	both := checktest.StartSquid(t, checktest.SquidOptions{NTLM: true, Auth: checktest.ProxyAuth{User: "bob", Pass: "s3cret"}})
	basic := checktest.StartSquid(t, checktest.SquidOptions{Auth: checktest.ProxyAuth{User: "bob", Pass: "s3cret"}})
	offeredNTLM := []string{"NTLM"}
	runAuthCases(t, target, []authCase{
		{name: "NTLM without credentials", proxy: ntlm.URL("http", "", ""),
			want: AuthInfo{Offered: offeredNTLM, Result: AuthNoCredentials, Rounds: 0}},
		{name: "NTLM with DOMAIN user in the URL", proxy: ntlm.URL("http", `CORP\alice`, "s3cret"), ok: true,
			want: AuthInfo{Offered: offeredNTLM, Scheme: "NTLM", Identity: IdentityCredentials, Domain: "CORP", Rounds: 3, Result: AuthOK}},
		{name: "NTLM with credentials given apart", proxy: ntlm.URL("http", "", ""), creds: &ProxyCredentials{User: `LAB\alice`, Password: "s3cret"}, ok: true,
			want: AuthInfo{Offered: offeredNTLM, Scheme: "NTLM", Identity: IdentityCredentials, Domain: "LAB", Rounds: 3, Result: AuthOK}},
		{name: "NTLM user not accepted", proxy: ntlm.URL("http", `CORP\mallory`, "s3cret"),
			want: AuthInfo{Offered: offeredNTLM, Scheme: "NTLM", Identity: IdentityCredentials, Domain: "CORP", Rounds: 3, Result: AuthRefused}},
		{name: "NTLM before Basic", proxy: both.URL("http", `CORP\bob`, "anything"), ok: true,
			want: AuthInfo{Offered: []string{"NTLM", "Basic"}, Scheme: "NTLM", Identity: IdentityCredentials, Domain: "CORP", Rounds: 3, Result: AuthOK}},
		{name: "Basic", proxy: basic.URL("http", "bob", "s3cret"), ok: true,
			want: AuthInfo{Offered: []string{"Basic"}, Scheme: "Basic", Identity: IdentityCredentials, Rounds: 2, Result: AuthOK}},
		{name: "Basic wrong password", proxy: basic.URL("http", "bob", "wrong"),
			want: AuthInfo{Offered: []string{"Basic"}, Scheme: "Basic", Identity: IdentityCredentials, Rounds: 2, Result: AuthRefused}},
		{name: "Basic without credentials", proxy: basic.URL("http", "", ""),
			want: AuthInfo{Offered: []string{"Basic"}, Result: AuthNoCredentials}},
	})
	// squid logs who signed in: the NTLM user, not a Basic one.
	b, err := os.ReadFile(filepath.Join(ntlm.Dir, "access.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), " alice ") {
		t.Errorf("squid's access.log names no alice:\n%s", b)
	}
}

// TestDialSquidKerberos signs in to a real squid that wants Negotiate
// (negotiate_kerberos_auth) with a ticket from a real MIT KDC, both on
// loopback: the proxy is reached by its name, proxy.lab.test, whose
// service principal is HTTP/proxy.lab.test.
func TestDialSquidKerberos(t *testing.T) {
	target, _ := echoServer(t)
	kdc := checktest.StartKDC(t, "LAB.TEST")
	keytab := kdc.AddService(t, "HTTP/proxy.lab.test")
	cc := kdc.Kinit(t, "alice")
	sq := checktest.StartSquid(t, checktest.SquidOptions{Negotiate: "HTTP/proxy.lab.test", NegotiateKeytab: keytab, Env: kdc.Env()})
	_, port, _ := net.SplitHostPort(sq.Addr)
	proxy := &url.URL{Scheme: "http", Host: "proxy.lab.test:" + port}
	// The name proxy.lab.test is this squid; nothing is looked up.
	toSquid := func(ctx context.Context, network, addr string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, sq.Addr)
	}
	t.Setenv("KRB5_CONFIG", kdc.Config)
	for _, tc := range []struct {
		name   string
		ccache string
		ok     bool
		want   AuthInfo
	}{
		{"a ticket from kinit", "FILE:" + cc, true,
			AuthInfo{Offered: []string{"Negotiate"}, Scheme: "Negotiate", Identity: IdentityTicket, Domain: "LAB.TEST", Rounds: 2, Result: AuthOK}},
		{"no ticket", "FILE:" + filepath.Join(t.TempDir(), "none"), false,
			AuthInfo{Offered: []string{"Negotiate"}, Result: AuthNoCredentials}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KRB5CCNAME", tc.ccache)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, tun, err := (&ProxyDialer{Dial: toSquid}).DialVia(ctx, proxy, target)
			got := tun.Auth
			if tc.ok {
				if err != nil {
					t.Fatalf("tunnel failed: %v", err)
				}
				roundTrip(t, c)
			} else {
				var pe *ProxyError
				if !errors.As(err, &pe) || pe.Code != CodeProxyAuthRequired {
					t.Fatalf("got %v, want a 407", err)
				}
				got = pe.Auth
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("auth %+v, want %+v", got, tc.want)
			}
		})
	}
	b, _ := os.ReadFile(filepath.Join(sq.Dir, "access.log"))
	if !strings.Contains(string(b), "alice@LAB.TEST") {
		t.Errorf("squid's access.log names no alice@LAB.TEST:\n%s", b)
	}
}

// TestProxyReason: only an error name is kept from X-Squid-Error, never
// other text a proxy could put there.
func TestProxyReason(t *testing.T) {
	for in, want := range map[string]string{
		"ERR_DNS_FAIL 0":           "ERR_DNS_FAIL",
		" ERR_CONNECT_FAIL 111":    "ERR_CONNECT_FAIL",
		"ERR_CANNOT_FORWARD":       "ERR_CANNOT_FORWARD",
		"":                         "",
		"err_lower 1":              "",
		"ERR_<script> 1":           "",
		strings.Repeat("E", 41):    "",
		"ERR_X\r\nSet-Cookie: a=b": "",
	} {
		if got := proxyReason(in); got != want {
			t.Errorf("proxyReason(%q) = %q, want %q", in, got, want)
		}
	}
}
