package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// remote finds what would make a browser fetch something: url(...) that is
// not a data or fragment URL, @import, or any http(s) or protocol-relative
// address.
var remote = regexp.MustCompile(`(?i)@import|url\(\s*['"]?\s*(?:[a-z][a-z0-9+.\-]*:|//)`)

// TestHTMLSelfContained: the page parses, has no script and fetches
// nothing, even when the target and evidence are full of URLs.
func TestHTMLSelfContained(t *testing.T) {
	inputs := fixtures()
	inputs["secrets"] = secretsInput()
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			page := render(t, Build(in), FormatHTML)
			doc, err := html.Parse(bytes.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			var n, svgs int
			var walk func(*html.Node)
			walk = func(nd *html.Node) {
				if nd.Type == html.ElementNode {
					n++
					switch nd.Data {
					case "script", "link", "iframe", "object", "embed", "img", "image", "use", "base", "form", "audio", "video", "source", "frame":
						t.Errorf("element <%s> in a self-contained page", nd.Data)
					case "svg":
						svgs++
					case "style":
						if nd.FirstChild != nil && remote.MatchString(nd.FirstChild.Data) {
							t.Errorf("style loads something: %s", remote.FindString(nd.FirstChild.Data))
						}
					case "meta":
						for _, a := range nd.Attr {
							if a.Key == "http-equiv" && strings.EqualFold(a.Val, "refresh") {
								t.Error("meta refresh")
							}
						}
					}
					for _, a := range nd.Attr {
						k := strings.ToLower(a.Key)
						switch {
						case k == "src" || k == "href" || k == "srcset" || k == "action" || k == "poster" || k == "data" || strings.HasSuffix(k, ":href") || k == "xmlns":
							t.Errorf("<%s %s=%q>: the page must not reference anything", nd.Data, a.Key, a.Val)
						case strings.HasPrefix(k, "on"):
							t.Errorf("<%s %s>: event handler", nd.Data, a.Key)
						case k == "style" && (remote.MatchString(a.Val) || strings.Contains(a.Val, "url(")):
							t.Errorf("<%s style=%q>", nd.Data, a.Val)
						}
					}
				}
				for c := nd.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(doc)
			want := 2
			if in.Watch != nil {
				want += 2 // the timeline, wide and narrow
			}
			if n < 50 || svgs != want {
				t.Errorf("parsed %d elements and %d SVGs; want a whole page with the path drawn across and down (and a watch's timeline wide and narrow)", n, svgs)
			}
			if !bytes.Contains(page, []byte(`name="viewport"`)) || !bytes.Contains(page, []byte("@media print")) {
				t.Error("no viewport meta or print styles")
			}
		})
	}
}

// TestHTMLOrder: the verdict and top finding come first, then remedies,
// the admin note, the environment, probes, timings, evidence and the run.
func TestHTMLOrder(t *testing.T) {
	page := string(render(t, Build(failingInput()), FormatHTML))
	last := -1
	for _, s := range []string{
		"<h1>Your company proxy refuses live connections.", "Your company proxy removes the headers", "<h2>What to do",
		"<h2>Also found", "<h2>Note for your IT team", "<h2>Connection path", "<svg",
		"<h2>This computer", "windows (amd64)", "<h2>Steps checked", "<h2>Timings",
		"<h2>Details", "Zscaler Inc.", "<h2>About this run", "fedcba9876543210", "2026-03-14 08:30:00 UTC", "01:30:00 PDT",
	} {
		i := strings.Index(page[max(last, 0):], s)
		if i < 0 {
			t.Fatalf("%q is missing or out of order", s)
		}
		last += i + 1
	}
}
