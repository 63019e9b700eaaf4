package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCheckPrintsTheDiagnosis runs `wsdoctor check` against the built-in
// reference server on loopback: the text leads with the verdict, in the
// self-test's own words (only this computer was tested), and the
// findings, and --json carries them with the scope.
func TestCheckPrintsTheDiagnosis(t *testing.T) {
	var out, errb bytes.Buffer
	if code := (Edges{}).Check(context.Background(), []string{"--quiet"}, &out, &errb); code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	text := out.String()
	verdict := strings.Index(text, "This computer can make WebSocket connections. Your network and the service\nwere not tested.")
	finding := strings.Index(text, "(websocket-ok)")
	table := strings.Index(text, "Steps checked:")
	if verdict < 0 || finding < verdict || table < finding {
		t.Errorf("want the verdict, then the findings, then the table:\n%s", text)
	}

	out.Reset()
	if code := (Edges{}).Check(context.Background(), []string{"--quiet", "--json"}, &out, &errb); code != ExitOK {
		t.Fatalf("--json: exit %d\n%s", code, errb.String())
	}
	for _, want := range []string{`"id": "websocket-ok"`, `"summary": {`, `"verdict": "works"`, `"scope": "self-test"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--json lacks %s:\n%s", want, out.String())
		}
	}
}
