package engine_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

func TestHTTP(t *testing.T) {
	var mu sync.Mutex
	var seen http.Header
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = r.Header.Clone()
		mu.Unlock()
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/broken":
			w.Header().Set("Via", "1.1 lb.example")
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head></html>")
		case "/big":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<title>Big &amp; bold</title>"+strings.Repeat("x", 1<<20))
		default:
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "<title>not html</title>")
		}
	}))
	t.Cleanup(plain.Close)
	wsBase := "ws" + strings.TrimPrefix(plain.URL, "http")

	tests := []struct {
		name   string
		url    func(t testing.TB) string
		status engine.Status
		code   string
		ev     map[string]string
	}{
		{
			name: "block page", url: checktest.DeniedPage,
			status: engine.Pass, code: "status_200",
			ev: map[string]string{
				"status": "200", "title": checktest.DeniedTitle, "via": checktest.DeniedVia,
				"server": checktest.DeniedServer, "x_cache": checktest.DeniedXCache,
				"content_type": "text/html; charset=utf-8", "proto": "HTTP/1.1",
			},
		},
		{
			name: "reference page", url: func(t testing.TB) string { return strings.TrimSuffix(startRef(t, nil), "ws") },
			status: engine.Pass, code: "status_200",
			ev: map[string]string{"title": "WebSocket Doctor reference server"},
		},
		{
			name: "400", url: checktest.MissingUpgrade,
			status: engine.Pass, code: "status_400",
			ev: map[string]string{"status": "400", "title": "-"},
		},
		{
			name: "redirect not followed", url: func(testing.TB) string { return wsBase + "/moved" },
			status: engine.Pass, code: "status_302",
			ev: map[string]string{"location": "/elsewhere"},
		},
		{
			name: "server error", url: func(testing.TB) string { return wsBase + "/broken" },
			status: engine.Warn, code: "status_502",
			ev: map[string]string{"via": "1.1 lb.example", "title": "502 Bad Gateway"},
		},
		{
			name: "large body read bounded", url: func(testing.TB) string { return wsBase + "/big" },
			status: engine.Pass, code: "status_200",
			ev: map[string]string{"title": "Big & bold", "body_bytes": "65536"},
		},
		{
			name: "no title outside html", url: func(testing.TB) string { return wsBase + "/text" },
			status: engine.Pass, code: "status_200",
			ev: map[string]string{"title": "-", "content_type": "text/plain"},
		},
		{
			name: "https to a plain server", url: func(t testing.TB) string { return "wss" + strings.TrimPrefix(startRef(t, nil), "ws") },
			status: engine.Fail, code: "tls_error",
			ev: map[string]string{"plain_http": "yes"},
		},
		{
			name: "no answer", url: checktest.Silent,
			status: engine.Fail, code: "timeout",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := runCheck(t, nil, tc.url(t), engine.Options{
				ProbeTimeout: 2 * time.Second,
				Headers:      http.Header{"X-Probe": []string{"yes"}},
			})
			res := result(t, out, "http")
			want(t, res, tc.status, tc.code, tc.ev)
			if tc.status != engine.Fail {
				hasTiming(t, res, engine.PhaseConnect)
				hasTiming(t, res, engine.PhaseRequest)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if got := seen.Get("X-Probe"); got != "yes" {
		t.Errorf("the GET carried X-Probe %q, want the user's header", got)
	}
}
