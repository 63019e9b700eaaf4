package report

import (
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// TestBrowserWay: the report says which way a browser would open the
// WebSocket, as the h2 probe found, in the JSON (browser_way,
// browser_way_works, valid against the schema) and in every format's
// words; without an h2 result it says nothing.
func TestBrowserWay(t *testing.T) {
	for _, tc := range []struct {
		name  string
		h2    *engine.Result
		way   string
		works bool
		says  string
	}{
		{"none", nil, "", false, ""},
		{"http1", ptr(res("h2", engine.Pass, engine.CodeH2NotOffered, "", 0, 50, nil, "alpn", "http/1.1", "browser_way", "http/1.1")),
			"http/1.1", true, "over HTTP/1.1, the same way as this check"},
		{"h2 works", ptr(res("h2", engine.Pass, engine.CodeOK, "", 0, 50, nil, "alpn", "h2", "browser_way", "h2", "h2_echo", "ok")),
			"h2", true, "the check tried that way too, and it works"},
		{"h2 fails", ptr(res("h2", engine.Fail, engine.CodeH2StreamReset, "", 0, 50, nil, "alpn", "h2", "browser_way", "h2", "h2_reset", "INTERNAL_ERROR")),
			"h2", false, "that way fails"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := healthyInput()
			if tc.h2 != nil {
				in.Outcome.Results = append(in.Outcome.Results, *tc.h2)
			}
			r := Build(in)
			if r.BrowserWay != tc.way || r.BrowserWayWorks != tc.works {
				t.Errorf("browser_way %q works %v, want %q %v", r.BrowserWay, r.BrowserWayWorks, tc.way, tc.works)
			}
			doc := decode(t, render(t, r, FormatJSON))
			if err := Validate(doc); err != nil {
				t.Fatal(err)
			}
			for _, f := range []Format{FormatText, FormatMarkdown, FormatHTML} {
				out := strings.Join(strings.Fields(string(render(t, r, f))), " ") // unwrapped
				has := strings.Contains(out, "How browsers connect")
				if has != (tc.says != "") || (tc.says != "" && !strings.Contains(out, tc.says)) {
					t.Errorf("%s: says %v, want %q:\n%s", f, has, tc.says, out)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
