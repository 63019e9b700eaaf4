package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"sync"
	"time"
	"unicode/utf8"
)

// SchemaJSON is the JSON Schema (draft 2020-12) of the report's JSON, with a
// description of every field: the documentation support scripts rely on.
//
//go:embed schema.json
var SchemaJSON []byte

// schema is the subset of JSON Schema that schema.json uses.
type schema struct {
	Type                 any                `json:"type"`
	Required             []string           `json:"required"`
	Properties           map[string]*schema `json:"properties"`
	AdditionalProperties *schema            `json:"additionalProperties"`
	Items                *schema            `json:"items"`
	Enum                 []any              `json:"enum"`
	Minimum              *float64           `json:"minimum"`
	MinLength            *int               `json:"minLength"`
	Pattern              string             `json:"pattern"`
	Format               string             `json:"format"`
	// pattern is Pattern compiled, when the schema is read.
	pattern *regexp.Regexp
}

// parsedSchema is schema.json read and compiled on first use.
var parsedSchema = sync.OnceValue(func() *schema {
	var s schema
	if err := json.Unmarshal(SchemaJSON, &s); err != nil {
		panic("report: schema.json: " + err.Error())
	}
	s.compile()
	return &s
})

// compile compiles the patterns of s and every schema inside it, once:
// a report has many strings under the same few.
func (s *schema) compile() {
	if s == nil {
		return
	}
	if s.Pattern != "" {
		s.pattern = regexp.MustCompile(s.Pattern)
	}
	for _, p := range s.Properties {
		p.compile()
	}
	s.AdditionalProperties.compile()
	s.Items.compile()
}

// Validate checks a decoded JSON document (as json.Unmarshal into an any
// gives it) against schema.json, and names the first field at fault.
func Validate(doc any) error {
	return parsedSchema().check("$", doc)
}

func (s *schema) check(path string, v any) error {
	if s == nil {
		return nil
	}
	if s.Type != nil && !typeMatches(s.Type, v) {
		return fmt.Errorf("%s: want %v, got %s", path, s.Type, jsonType(v))
	}
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		return fmt.Errorf("%s: %v is not one of %v", path, v, s.Enum)
	}
	switch x := v.(type) {
	case float64:
		if s.Minimum != nil && x < *s.Minimum {
			return fmt.Errorf("%s: %v is below the minimum %v", path, x, *s.Minimum)
		}
	case string:
		if s.MinLength != nil && len([]rune(x)) < *s.MinLength {
			return fmt.Errorf("%s: shorter than %d", path, *s.MinLength)
		}
		if s.Pattern != "" && !s.pattern.MatchString(x) {
			return fmt.Errorf("%s: %q does not match %s", path, short(x), s.Pattern)
		}
		if s.Format == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
				return fmt.Errorf("%s: %q is not an RFC 3339 time", path, short(x))
			}
		}
	case []any:
		for i, e := range x {
			if err := s.Items.check(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
	case map[string]any:
		for _, k := range s.Required {
			if _, ok := x[k]; !ok {
				return fmt.Errorf("%s: %q is missing", path, k)
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub, ok := s.Properties[k]
			if !ok {
				// Unknown fields are allowed: newer writers add them.
				sub = s.AdditionalProperties
			}
			if err := sub.check(path+"."+k, x[k]); err != nil {
				return err
			}
		}
	}
	return nil
}

func typeMatches(t, v any) bool {
	switch t := t.(type) {
	case string:
		return oneType(t, v)
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok && oneType(s, v) {
				return true
			}
		}
	}
	return false
}

func oneType(t string, v any) bool {
	switch t {
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case "number":
		_, ok := v.(float64)
		return ok
	}
	return jsonType(v) == t
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// maxQuoted is how much of a string from the file an error quotes.
const maxQuoted = 80

// short is s cut to maxQuoted bytes, at a character's start.
func short(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	i := maxQuoted
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}
