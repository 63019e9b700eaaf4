package report

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

func decode(t *testing.T, b []byte) any {
	t.Helper()
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestSchemaValidates: what JSON writes is what schema.json says.
func TestSchemaValidates(t *testing.T) {
	for name, in := range fixtures() {
		in.NoRedact = name == "failing"
		b := render(t, Build(in), FormatJSON)
		if err := Validate(decode(t, b)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A report with nothing filled in (a cancelled run before any probe).
	b, _ := Report{SchemaVersion: 1, RunID: "x", Verdict: "incomplete"}.JSON()
	if err := Validate(decode(t, b)); err != nil {
		t.Errorf("empty report: %v", err)
	}
}

// TestSchemaDocumentsEveryField: every field the report writes is described
// in schema.json, so the documentation cannot fall behind the code.
func TestSchemaDocumentsEveryField(t *testing.T) {
	in := failingInput()
	in.Outcome.Options.Subprotocols = []string{"chat"}
	in.Outcome.Options.CAFile, in.Outcome.Options.ClientCert = "ca.pem", "c.pem"
	in.Proxy.PACURL, in.Proxy.Origin = "http://wpad/wpad.dat", "HTTPS_PROXY"
	r := Build(in)
	r.Options.Headers = map[string]string{"Origin": "x"}
	var missing []string
	var walk func(s *schema, path string, v any)
	walk = func(s *schema, path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				sub := s.Properties[k]
				if sub == nil {
					sub = s.AdditionalProperties
				}
				if sub == nil {
					missing = append(missing, path+"."+k)
					continue
				}
				walk(sub, path+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(s.Items, path+"[]", e)
			}
		}
	}
	walk(parsedSchema(), "$", decode(t, render(t, r, FormatJSON)))
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("fields not in schema.json: %s", strings.Join(missing, ", "))
	}
}

func TestSchemaRejects(t *testing.T) {
	good := string(render(t, Build(failingInput()), FormatJSON))
	cases := map[string]string{
		"no verdict":         strings.Replace(good, `"verdict": "does_not_work",`, "", 1),
		"unknown verdict":    strings.Replace(good, `"verdict": "does_not_work"`, `"verdict": "broken"`, 1),
		"status not an enum": strings.Replace(good, `"status": "fail"`, `"status": "bad"`, 1),
		"duration a string":  strings.Replace(good, `"duration_ms": 2301.75`, `"duration_ms": "2301"`, 1),
		"bad time":           strings.Replace(good, `"started": "2026-03-14T08:30:00Z"`, `"started": "yesterday"`, 1),
		"finding id case":    strings.Replace(good, `"id": "vpn-active"`, `"id": "VPN Active"`, 1),
		"evidence not text":  strings.Replace(good, `"port": "443"`, `"port": 443`, 1),
		"proxy a string":     strings.Replace(good, `"proxy": {`, `"proxy": "x", "old": {`, 1),
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if doc == good {
				t.Fatal("the case did not change the document")
			}
			if _, err := Parse([]byte(doc)); err == nil {
				t.Error("Parse accepted it")
			}
		})
	}
	for name, doc := range map[string]string{
		"not JSON":       "<html>",
		"newer schema":   strings.Replace(good, `"schema_version": 1`, `"schema_version": 2`, 1),
		"not an object":  "[]",
		"another format": `{"name": "x"}`,
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		}
	}
	// Fields from a newer writer are allowed.
	if _, err := Parse([]byte(strings.Replace(good, `"run_id"`, `"future_field": [1], "run_id"`, 1))); err != nil {
		t.Errorf("unknown field refused: %v", err)
	}
}
