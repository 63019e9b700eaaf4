package browser_test

import (
	"context"
	"errors"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

const answerJSON = `{"target":"ws://evil.example/","opened":true,"open_ms":12.5,"first_echo_ms":1.5,"close_ms":20,"echoed_text":true,"echoed_binary":true,"close_code":1000,"close_reason":"done","was_clean":true,"user_agent":"Mozilla/5.0 Firefox/140.0","online":true}`

// start starts a page server for a WebSocket target that is never opened.
func start(t *testing.T) *browser.Server {
	t.Helper()
	s, err := browser.Start("ws://127.0.0.1:9/socket", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// post sends body to path on s, with the headers given.
func post(t *testing.T, s *browser.Server, path string, hdr map[string]string, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+s.Addr().String()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0 // refused: nothing listens any more
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func tokenPath(s *browser.Server) string {
	u, _ := url.Parse(s.URL())
	return u.Path
}

func origin(s *browser.Server) string { return "http://" + s.Addr().String() }

func TestPage(t *testing.T) {
	s := start(t)
	resp, err := http.Get(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("page: %d", resp.StatusCode)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "connect-src " + origin(s) + " ws://127.0.0.1:9;", "script-src 'nonce-", "form-action 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") || strings.Contains(csp, "*") {
		t.Errorf("CSP %q allows too much", csp)
	}
	// Self-contained: nothing loaded from anywhere.
	for _, bad := range []string{"<link", " src=", "href=", "@import", "url(", "http://", "https://"} {
		if strings.Contains(page, bad) {
			t.Errorf("page has %q", bad)
		}
	}
	if !strings.Contains(page, `"ws://127.0.0.1:9/socket"`) {
		t.Errorf("page does not name the target as a JavaScript string")
	}
	if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers: %v", resp.Header)
	}
}

// TestTampering: an answer is taken once, on the token's path, from the
// page's own origin, by the server's own address.
func TestTampering(t *testing.T) {
	s := start(t)
	good := map[string]string{"Origin": origin(s), "Content-Type": "application/json"}
	with := func(k, v string) map[string]string {
		h := map[string]string{}
		for a, b := range good {
			h[a] = b
		}
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
		return h
	}
	tok := tokenPath(s)
	tests := []struct {
		name string
		path string
		hdr  map[string]string
		want int
	}{
		{"no token", "/result", good, http.StatusNotFound},
		{"another token", "/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/result", good, http.StatusNotFound},
		{"the token alone", strings.TrimSuffix(tok, "/"), good, http.StatusNotFound},
		{"no Origin", tok + "result", with("Origin", ""), http.StatusForbidden},
		{"another site's Origin", tok + "result", with("Origin", "https://evil.example"), http.StatusForbidden},
		{"another port on this computer", tok + "result", with("Origin", "http://127.0.0.1:1"), http.StatusForbidden},
		{"an opaque Origin", tok + "result", with("Origin", "null"), http.StatusForbidden},
		{"localhost, not the address", tok + "result", with("Origin", "http://localhost:"+strconv.Itoa(s.Addr().(*net.TCPAddr).Port)), http.StatusForbidden},
		{"another Host (DNS rebinding)", tok + "result", with("Host", "rebind.example:"+strconv.Itoa(s.Addr().(*net.TCPAddr).Port)), http.StatusMisdirectedRequest},
		{"a form, not JSON", tok + "result", with("Content-Type", "application/x-www-form-urlencoded"), http.StatusUnsupportedMediaType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := post(t, s, tc.path, tc.hdr, answerJSON); got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
		})
	}
	if got := post(t, s, tok+"result", good, `{"opened":true,"cookies":"x"}`); got != http.StatusBadRequest {
		t.Errorf("unknown field: status %d, want 400", got)
	}
	if got := post(t, s, tok+"result", good, `{"user_agent":"`+strings.Repeat("a", 20000)+`"}`); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a long body: status %d, want 413", got)
	}
	if got := post(t, s, tok+"result", good, answerJSON); got != http.StatusNoContent {
		t.Fatalf("the page's answer: status %d, want 204", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := s.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Target != "ws://127.0.0.1:9/socket" || !r.Opened || r.CloseCode != 1000 || r.Name() != "Firefox" || r.OpenMS != 12.5 {
		t.Errorf("result %+v", r)
	}
	// After the answer: refused, and soon nothing listens.
	if got := post(t, s, tok+"result", good, answerJSON); got == http.StatusNoContent {
		t.Errorf("a second answer was taken")
	}
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not shut down after the answer")
	}
	if c, err := net.DialTimeout("tcp", s.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Errorf("still listening on %s after the answer", s.Addr())
	}
}

// TestLoopbackOnly lists the server's listening sockets (/proc/net/tcp and
// tcp6): one, on 127.0.0.1; and no other address of this computer takes a
// connection on its port.
func TestLoopbackOnly(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/net/tcp")
	}
	s := start(t)
	port := s.Addr().(*net.TCPAddr).Port
	var listening []string
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(line)
			if len(fs) < 4 || fs[3] != "0A" { // 0A: LISTEN
				continue
			}
			addr, p, _ := strings.Cut(fs[1], ":")
			if n, _ := strconv.ParseUint(p, 16, 16); int(n) == port {
				listening = append(listening, f+" "+addr)
			}
		}
	}
	if len(listening) != 1 || listening[0] != "/proc/net/tcp 0100007F" {
		t.Fatalf("listening sockets on port %d: %v, want only 127.0.0.1 (/proc/net/tcp 0100007F)", port, listening)
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		ip, _, _ := net.ParseCIDR(a.String())
		if ip == nil || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
			continue
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort(ip.String(), strconv.Itoa(port)), time.Second)
		if err == nil {
			c.Close()
			t.Errorf("reachable on %s", ip)
		}
	}
	for _, other := range []string{"127.0.0.2", "[::1]"} {
		c, err := net.DialTimeout("tcp", other+":"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
			t.Errorf("reachable on %s", other)
		}
	}
}

func TestWaitEnds(t *testing.T) {
	t.Run("cancel", func(t *testing.T) {
		s := start(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.Wait(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
		<-s.Done()
	})
	t.Run("no answer in time", func(t *testing.T) {
		s := start(t)
		s.WaitLimit = 50 * time.Millisecond
		if _, err := s.Wait(context.Background()); !errors.Is(err, browser.ErrNoAnswer) {
			t.Errorf("err %v, want ErrNoAnswer", err)
		}
		<-s.Done()
		if got := post(t, s, tokenPath(s)+"result", map[string]string{"Origin": origin(s), "Content-Type": "application/json"}, answerJSON); got == http.StatusNoContent {
			t.Errorf("an answer after the wait was taken")
		}
	})
	t.Run("closed", func(t *testing.T) {
		s := start(t)
		s.Close()
		if _, err := s.Wait(context.Background()); !errors.Is(err, browser.ErrClosed) {
			t.Errorf("err %v, want ErrClosed", err)
		}
	})
	t.Run("the browser cannot be opened", func(t *testing.T) {
		_, err := browser.Test(context.Background(), "ws://127.0.0.1:9/", nil, func(string) error { return errors.New("no browser") })
		if err == nil || !strings.Contains(err.Error(), "no browser") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("not a WebSocket address", func(t *testing.T) {
		if _, err := browser.Start("https://example.com/", nil); err == nil {
			t.Error("https:// accepted")
		}
	})
}

// TestPageLanguages: the page speaks the language it is handed, in its
// lang, its words and its script's words, with every text filled in and
// escaped for where it goes.
func TestPageLanguages(t *testing.T) {
	en := i18n.English()
	for _, lang := range i18n.Languages {
		words := i18n.MustLoad(lang)
		s, err := browser.Start("ws://127.0.0.1:9/socket", words)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(s.URL())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		s.Close()
		page := string(b)
		if !strings.Contains(page, `<html lang="`+lang+`">`) {
			t.Errorf("%s: the page does not say its language", lang)
		}
		if m := regexp.MustCompile(`\bbrowser\.[a-z_]+\.|\{[a-z][a-z0-9_]*\}`).FindString(page); m != "" {
			t.Errorf("%s: the page shows %q", lang, m)
		}
		for _, k := range words.Keys("browser.") {
			text := words.T(k)
			if k == "browser.page.opening" {
				text, _, _ = strings.Cut(text, "{target}")
			}
			// Apostrophes are escaped in HTML and scripts alike; the rest
			// is as written.
			text, _, _ = strings.Cut(text, "'")
			if !strings.Contains(page, html.EscapeString(text)) && !strings.Contains(page, text) {
				t.Errorf("%s: the page lacks %s (%q)", lang, k, text)
			}
			if e := en.T(k); lang != "en" && strings.Contains(page, e) {
				t.Errorf("%s: the page has the English %q", lang, e)
			}
		}
	}
}
