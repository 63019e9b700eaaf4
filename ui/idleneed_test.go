package ui

import (
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// TestIdleWordsSayTheNeed: the idle row says the measured cut (a maximum
// lifetime too), then how long the app needs and where that came from.
func TestIdleWordsSayTheNeed(t *testing.T) {
	l := languageOf(Engine{})
	r := engine.Result{Probe: engine.ProbeIdle, Status: engine.Warn, Code: engine.CodeMaxLifetime}
	r.Evidence.Set(engine.KeyLifetime, "8.0")
	r.Evidence.Set("required_s", "25.0")
	r.Evidence.Set("required_from", engine.NeedSocketIO)
	got := l.idleWords(r)
	for _, want := range []string{"closed after " + l.Span(8e9), "This app needs at least " + l.Span(25e9), "Socket.IO's usual heartbeat"} {
		if !strings.Contains(got, want) {
			t.Errorf("idle words %q lack %q", got, want)
		}
	}
	r.Evidence.Set("required_from", "")
	if got := l.idleWords(r); strings.Contains(got, "needs") {
		t.Errorf("idle words %q name a need of unknown origin", got)
	}
}
