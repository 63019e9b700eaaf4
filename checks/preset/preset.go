// Package preset reads the preset a support team hands out with the checker:
// the product name the window shows, whom to contact, which addresses to
// check and what "healthy" means for their service. The program embeds a
// default (assets/preset.json, with no target); a support team overrides it
// with a wsdoctor-preset.json beside the executable, with --preset FILE, or
// by building with their own file (make package PRESET=file).
//
// Every error names the field it is about, so the person who wrote the file
// can fix it without reading this code.
package preset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/http/httpguts"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// MaxMessageBytes is the largest max_message_bytes: 16 MiB, the integrity
// ladder's top step.
const MaxMessageBytes = engine.MaxLadderMessage

// Preset is what a support team sets for their service. The zero Preset is
// the default: no target, so the app offers its built-in self-test and a
// field to paste an address.
type Preset struct {
	// ProductName is the name of the service, shown in the window
	// ("Checking Acme Chat"); empty means the app's own name.
	ProductName string `json:"product_name,omitempty"`
	// SupportEmail is where the user sends the report.
	SupportEmail string `json:"support_email,omitempty"`
	// SupportURL is the support team's help page (http or https).
	SupportURL string `json:"support_url,omitempty"`
	// Targets are the addresses to check, the first one by default.
	Targets []Target `json:"targets"`
	// RequiredIdleSeconds is how long the service needs an idle WebSocket
	// to stay open; a network that closes it sooner is a problem. Zero
	// means the service sets no requirement.
	RequiredIdleSeconds int `json:"required_idle_seconds,omitempty"`
	// MaxMessageBytes is the largest message the check's integrity ladder
	// sends (the service's own largest message); zero means 1 MiB, at
	// most 16 MiB.
	MaxMessageBytes int `json:"max_message_bytes,omitempty"`
	// ExpectedTLSIssuers name the CAs that issue the service's
	// certificates, by the issuer's organisation (O=) or common name (CN=).
	// A certificate from any other issuer means something on the way
	// re-signs the traffic (TLS inspection). Empty means no expectation.
	ExpectedTLSIssuers []string `json:"expected_tls_issuers,omitempty"`
	// Framework names the real-time framework the service uses (socketio,
	// signalr, phoenix, actioncable, sockjs), for addresses that do not
	// show it: the check then tries its fallback transport (Socket.IO's
	// long polling, at /socket.io/). Empty means as the address shows it.
	Framework string `json:"framework,omitempty"`
	// Headers are extra request headers the service needs, such as the
	// Origin its server accepts.
	Headers map[string]string `json:"headers,omitempty"`
	// Language is the default language of the texts (a language tag such
	// as "en" or "pt-BR"); empty means the computer's language.
	Language string `json:"language,omitempty"`
	// SupportLanguage is the language of the note for the IT team (the
	// admin note), which is read by the support and IT teams rather than
	// the person; empty means English.
	SupportLanguage string `json:"support_language,omitempty"`
}

// Target is one address to check, with the label the user sees.
type Target struct {
	// URL is the WebSocket address: wss://, ws://, https:// or http://.
	URL string `json:"url"`
	// Label names it for the user ("Chat server"); empty means the host.
	Label string `json:"label,omitempty"`
}

// Limits on the values, each with the reason.
const (
	// MaxFileSize bounds a preset file: a real one is a few hundred bytes,
	// and a huge file is a mistake (a log, a binary) worth a clear error.
	MaxFileSize = 64 << 10
	// MaxTargets keeps the list one a person can choose from.
	MaxTargets = 20
	// MaxIdleSeconds is one hour: measuring a longer idle time would keep
	// the user waiting longer than anyone would.
	MaxIdleSeconds = 3600
	// maxNameLen and maxLabelLen keep names short enough for a title bar
	// and a list row.
	maxNameLen  = 60
	maxLabelLen = 80
	// maxTextLen bounds the other strings (addresses, issuers, headers).
	maxTextLen = 2048
)

// FieldError is one problem in a preset, naming the field as it is written
// in the file, as in "targets[1].url".
type FieldError struct {
	Field string
	Msg   string
}

// Error implements error.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// fields are the names a preset may hold, and the names of a target's.
var (
	fields = []string{"product_name", "support_email", "support_url", "targets",
		"required_idle_seconds", "expected_tls_issuers", "headers", "language", "support_language", "framework"}
	targetFields = []string{"url", "label"}
)

// Parse reads and validates a preset. The error lists every problem found,
// each a *FieldError naming its field.
func Parse(b []byte) (*Preset, error) {
	if len(b) > MaxFileSize {
		return nil, &FieldError{Msg: fmt.Sprintf("the file is %d bytes; a preset is at most %d", len(b), MaxFileSize)}
	}
	if !utf8.Valid(b) {
		return nil, &FieldError{Msg: "the file is not UTF-8 text"}
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // Notepad's byte order mark
	var top map[string]json.RawMessage
	if err := decodeOne(b, &top); err != nil {
		return nil, &FieldError{Msg: syntaxMessage(b, err, "the file must hold one JSON object, { ... }")}
	}
	if top == nil {
		return nil, &FieldError{Msg: "the file must hold one JSON object, { ... }, not null"}
	}

	var p Preset
	var errs []error
	unknown := 0 // unknown fields: the values can still be checked
	add := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	for _, k := range sortedKeys(top) {
		raw := top[k]
		var err error
		switch k {
		case "product_name":
			err = decodeField(raw, &p.ProductName)
		case "support_email":
			err = decodeField(raw, &p.SupportEmail)
		case "support_url":
			err = decodeField(raw, &p.SupportURL)
		case "required_idle_seconds":
			err = decodeField(raw, &p.RequiredIdleSeconds)
		case "max_message_bytes":
			err = decodeField(raw, &p.MaxMessageBytes)
		case "expected_tls_issuers":
			err = decodeField(raw, &p.ExpectedTLSIssuers)
		case "headers":
			err = decodeField(raw, &p.Headers)
		case "language":
			err = decodeField(raw, &p.Language)
		case "support_language":
			err = decodeField(raw, &p.SupportLanguage)
		case "framework":
			err = decodeField(raw, &p.Framework)
		case "targets":
			var u int
			p.Targets, errs, u = decodeTargets(raw, errs)
			unknown += u
			continue
		default:
			add(k, "unknown field%s; the fields are: %s", suggest(k, fields), strings.Join(fields, ", "))
			unknown++
			continue
		}
		if err != nil {
			add(k, "%v", err)
		}
	}
	if len(errs) > unknown {
		// Values that did not decode would only add confusing follow-ups.
		return nil, errors.Join(errs...)
	}
	if err := p.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &p, nil
}

// decodeTargets reads the targets array, checking each target's fields.
// It returns the errors with its own added, and how many are unknown fields.
func decodeTargets(raw json.RawMessage, errs []error) ([]Target, []error, int) {
	var items []json.RawMessage
	if err := decodeField(raw, &items); err != nil {
		return nil, append(errs, &FieldError{Field: "targets", Msg: err.Error() + `; write [{"url": "wss://...", "label": "..."}]`}), 0
	}
	unknown := 0
	ts := make([]Target, 0, len(items))
	for i, item := range items {
		name := fmt.Sprintf("targets[%d]", i)
		var m map[string]json.RawMessage
		if err := decodeField(item, &m); err != nil || m == nil {
			msg := "want an object such as {\"url\": \"wss://...\", \"label\": \"...\"}"
			if err != nil {
				msg = err.Error() + "; " + msg
			}
			errs = append(errs, &FieldError{Field: name, Msg: msg})
			continue
		}
		var t Target
		for _, k := range sortedKeys(m) {
			var err error
			switch k {
			case "url":
				err = decodeField(m[k], &t.URL)
			case "label":
				err = decodeField(m[k], &t.Label)
			default:
				err = fmt.Errorf("unknown field%s; a target has: %s", suggest(k, targetFields), strings.Join(targetFields, ", "))
				unknown++
			}
			if err != nil {
				errs = append(errs, &FieldError{Field: name + "." + k, Msg: err.Error()})
			}
		}
		ts = append(ts, t)
	}
	return ts, errs, unknown
}

// Validate checks the values of a preset. The error lists every problem,
// each a *FieldError.
func (p *Preset) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if msg := checkText(p.ProductName, maxNameLen); msg != "" {
		add("product_name", "%s", msg)
	}
	if p.SupportEmail != "" {
		a, err := mail.ParseAddress(p.SupportEmail)
		if err != nil || a.Address != p.SupportEmail || a.Name != "" {
			add("support_email", "%q is not an e-mail address such as help@example.com", p.SupportEmail)
		}
	}
	if p.SupportURL != "" {
		if msg := checkWebURL(p.SupportURL); msg != "" {
			add("support_url", "%q: %s", p.SupportURL, msg)
		}
	}
	if len(p.Targets) > MaxTargets {
		add("targets", "%d targets; at most %d", len(p.Targets), MaxTargets)
	}
	seen := map[string]int{}
	for i, t := range p.Targets {
		name := fmt.Sprintf("targets[%d]", i)
		if strings.TrimSpace(t.URL) == "" {
			add(name+".url", "missing or empty; every target needs an address such as wss://example.com/socket")
		} else if tg, err := engine.ParseTarget(t.URL); err != nil {
			var te *engine.TargetError
			if errors.As(err, &te) {
				add(name+".url", "%q: %s: %s", t.URL, te.Part, te.Msg)
			} else {
				add(name+".url", "%q: %v", t.URL, err)
			}
		} else if tg.User != nil {
			add(name+".url", "%q holds a user name or password; anyone who gets the preset could read it", t.URL)
		} else if j, dup := seen[tg.URL()]; dup {
			add(name+".url", "%q is the same address as targets[%d]", t.URL, j)
		} else {
			seen[tg.URL()] = i
		}
		if msg := checkText(t.Label, maxLabelLen); msg != "" {
			add(name+".label", "%s", msg)
		}
	}
	if p.RequiredIdleSeconds < 0 || p.RequiredIdleSeconds > MaxIdleSeconds {
		add("required_idle_seconds", "%d is not between 0 (no requirement) and %d (one hour)", p.RequiredIdleSeconds, MaxIdleSeconds)
	}
	if p.Framework != "" && !engine.KnownFramework(p.Framework) {
		add("framework", "%q is not one of %s", p.Framework, strings.Join(engine.Frameworks(), ", "))
	}
	if p.MaxMessageBytes < 0 || p.MaxMessageBytes > MaxMessageBytes {
		add("max_message_bytes", "%d is not between 0 (1 MiB) and %d (16 MiB)", p.MaxMessageBytes, MaxMessageBytes)
	}
	issuers := map[string]bool{}
	for i, s := range p.ExpectedTLSIssuers {
		name := fmt.Sprintf("expected_tls_issuers[%d]", i)
		switch {
		case strings.TrimSpace(s) == "":
			add(name, "empty; name the issuing CA by its organisation or common name, such as \"Let's Encrypt\"")
		case checkText(s, maxTextLen) != "":
			add(name, "%s", checkText(s, maxTextLen))
		case issuers[strings.ToLower(s)]:
			add(name, "%q is listed twice", s)
		}
		issuers[strings.ToLower(s)] = true
	}
	for _, k := range sortedKeys(p.Headers) {
		v, name := p.Headers[k], "headers."+k
		// engine.CheckHeader is the one check of every extra header
		// (command line, window, preset); a preset adds its own limits.
		switch ck, err := http.CanonicalHeaderKey(k), engine.CheckHeader(k, v); {
		case err != nil && !httpguts.ValidHeaderFieldName(k):
			add(name, "%q is not a header name (letters, digits and - only)", k)
		case ck == "Sec-Websocket-Protocol":
			// The subprotocols to offer, comma-separated: each a token.
			for item := range strings.SplitSeq(v, ",") {
				if err := engine.CheckSubprotocol(strings.TrimSpace(item)); err != nil {
					add(name, "%v", err)
					break
				}
			}
		case engine.IsReservedHeader(ck):
			add(name, "%s is set by the WebSocket handshake itself and cannot be changed", ck)
		case engine.IsSensitiveHeader(ck):
			add(name, "%s holds a secret; anyone who gets the preset could read it", ck)
		case err != nil || len(v) > maxTextLen:
			add(name, "the value is not a valid header value (one line of text, at most %d bytes)", maxTextLen)
		}
	}
	for _, l := range []struct{ name, tag string }{{"language", p.Language}, {"support_language", p.SupportLanguage}} {
		switch {
		case l.tag == "":
		case !languageTag().MatchString(l.tag):
			add(l.name, "%q is not a language tag such as \"en\", \"de\" or \"pt-BR\"", l.tag)
		default:
			if err := i18n.Check(l.tag); err != nil {
				add(l.name, "%v", err)
			}
		}
	}
	return errors.Join(errs...)
}

// languageTag is the shape of a BCP 47 tag as people write it: a language,
// then subtags such as a region.
var languageTag = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$`)
})

// checkText is the problem with a one-line text of at most max characters,
// or "".
func checkText(s string, max int) string {
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Sprintf("%d characters; at most %d", n, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "holds a line break or another control character; write one line of text"
		}
	}
	return ""
}

// checkWebURL is the problem with an http(s) page address, or "".
func checkWebURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "not a web address"
	case u.Scheme != "https" && u.Scheme != "http":
		return "not a web address starting with https://"
	case u.Host == "":
		return "there is no host name"
	case len(s) > maxTextLen:
		return fmt.Sprintf("longer than %d characters", maxTextLen)
	}
	return ""
}

// decodeOne decodes exactly one JSON value from b.
func decodeOne(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err == nil {
		return errors.New("there is more after the closing }")
	}
	return nil
}

// decodeField decodes one field's value, saying what was wanted and found.
func decodeField(raw json.RawMessage, v any) error {
	err := json.Unmarshal(raw, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("want %s, got %s", describe(te.Type.String()), te.Value)
	}
	return err
}

// describe names a Go type as the JSON a preset author writes.
func describe(goType string) string {
	switch goType {
	case "string":
		return "text in quotes"
	case "int":
		return "a whole number"
	case "[]string":
		return "a list of texts, [\"...\"]"
	case "map[string]string":
		return "an object of texts, {\"Name\": \"value\"}"
	case "[]json.RawMessage":
		return "a list, [...]"
	case "map[string]json.RawMessage":
		return "an object, {...}"
	}
	return goType
}

// syntaxMessage turns a JSON decoding error into a message with the line
// and column.
func syntaxMessage(b []byte, err error, typeMsg string) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := position(b, se.Offset)
		return fmt.Sprintf("line %d, column %d: %v (is a comma or a quote missing?)", line, col, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return typeMsg + ", not " + te.Value
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the file is empty or ends too soon"
	}
	return err.Error()
}

// position is the 1-based line and column of byte offset off.
func position(b []byte, off int64) (line, col int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	before := b[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	return line, col
}

// suggest is ` (did you mean "x"?)` for the known name closest to k, if one
// is close.
func suggest(k string, known []string) string {
	best, bestD := "", 3
	for _, n := range known {
		if d := distance(strings.ToLower(k), n); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
