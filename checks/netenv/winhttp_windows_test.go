package netenv

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// These run on Windows (and under Wine in CI): the real WinHTTP and SSPI.
// A Wine prefix may lack pieces (its NTLM needs winbind's ntlm_auth); what
// it lacks is logged and skipped, never passed as working.

func TestWinHTTPProxyForURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		w.Write([]byte(`function FindProxyForURL(url, host) { return "PROXY a.corp.example:8080; PROXY b.corp.example:3128"; }`))
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ans, err := winHTTPProxyForURL(ctx, "https://chat.example.com/", srv.URL+"/proxy.pac")
	if err != nil {
		t.Skipf("WinHTTP could not answer the PAC file here: %v", err)
	}
	got := (Route{Proxies: ParseWinHTTPProxies(ans)}).Describe()
	if got != "http://a.corp.example:8080; http://b.corp.example:3128" {
		t.Errorf("WinHTTP answered %q (%s)", ans, got)
	}
}

func TestWindowsDiscoveryReads(t *testing.T) {
	t.Logf("search domains: %q", systemSearchDomains())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u, err := systemDHCPWPAD(ctx)
	t.Logf("DHCP WPAD: %q, %v", u, err)
}

func TestSSPISignedInUser(t *testing.T) {
	for _, scheme := range []string{"NTLM", "Negotiate"} {
		s, domain, err := signedInUser(scheme, "proxy.corp.example")
		if err != nil || s == nil {
			t.Logf("%s as the signed-in user: not here: %v", scheme, err)
			continue
		}
		tok, err := s.Next(nil)
		s.Close()
		if err != nil {
			t.Logf("%s first token: %v", scheme, err)
			continue
		}
		if scheme == "NTLM" && !bytes.HasPrefix(tok, []byte("NTLMSSP\x00\x01")) {
			t.Errorf("NTLM's first token is no NEGOTIATE message: %x", tok[:min(len(tok), 16)])
		}
		t.Logf("%s: a %d-byte first token, domain %q", scheme, len(tok), domain)
	}
}
