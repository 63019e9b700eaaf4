package browser

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// TestWatchTellsAPageNotLoaded: with no browser loading the page,
// notLoaded gets its address after the load wait and the test goes on
// waiting (here until ctx ends); a browser that loads the page (a GET of
// it, as open's browser would) is not reported.
func TestWatchTellsAPageNotLoaded(t *testing.T) {
	for _, load := range []bool{false, true} {
		told := make(chan string, 1)
		opened := make(chan string, 1)
		open := func(page string) error {
			opened <- page
			if load {
				resp, err := http.Get(page)
				if err != nil {
					return err
				}
				resp.Body.Close()
			}
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := testWatch(ctx, "ws://127.0.0.1:9/socket", nil, open, func(page string) { told <- page }, 100*time.Millisecond)
		cancel()
		if err == nil {
			t.Errorf("load %v: an answer came from nowhere", load)
		}
		page := <-opened
		select {
		case got := <-told:
			if load {
				t.Errorf("a loaded page was reported not loaded (%s)", got)
			} else if got != page {
				t.Errorf("told %q, the page is %q", got, page)
			}
		default:
			if !load {
				t.Error("the page nobody loaded was not reported")
			}
		}
	}
}
