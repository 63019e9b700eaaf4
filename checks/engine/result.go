package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Status is how a probe ended.
type Status string

// The statuses a probe can end with.
const (
	// Pass: what the probe checks works.
	Pass Status = "pass"
	// Warn: it works, with something worth telling.
	Warn Status = "warn"
	// Fail: it does not work.
	Fail Status = "fail"
	// Skip: the probe did not run (Reason says why).
	Skip Status = "skip"
)

// Phase names a step of a connection whose time is measured.
type Phase string

// The phases probes time, in the order a connection goes through them.
const (
	PhaseResolve      Phase = "resolve"
	PhaseConnect      Phase = "connect"
	PhaseProxy        Phase = "proxy"
	PhaseTLS          Phase = "tls"
	PhaseRequest      Phase = "request"
	PhaseUpgrade      Phase = "upgrade"
	PhaseFirstMessage Phase = "first_message"
)

// Timing is how long one phase took, and when it started relative to the
// probe's start.
type Timing struct {
	Phase    Phase
	Start    time.Duration
	Duration time.Duration
}

type timingJSON struct {
	Phase   Phase   `json:"phase"`
	StartMS float64 `json:"start_ms"`
	MS      float64 `json:"ms"`
}

// MarshalJSON writes durations in milliseconds.
func (t Timing) MarshalJSON() ([]byte, error) {
	return json.Marshal(timingJSON{t.Phase, Millis(t.Start), Millis(t.Duration)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (t *Timing) UnmarshalJSON(b []byte) error {
	var j timingJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*t = Timing{j.Phase, FromMillis(j.StartMS), FromMillis(j.MS)}
	return nil
}

// Millis is d in milliseconds with microsecond precision, as reports carry it.
func Millis(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// FromMillis is the inverse of Millis.
func FromMillis(ms float64) time.Duration {
	return time.Duration(math.Round(ms*1000)) * time.Microsecond
}

// KV is one piece of evidence: what a probe saw, by name.
type KV struct {
	Key   string
	Value string
}

// Evidence is what a probe observed, as ordered key/value pairs. Keys are
// stable snake_case names that the diagnosis matches on; see the probe files
// for the keys each one sets.
type Evidence []KV

// Get returns the value of key and whether it is present.
func (e Evidence) Get(key string) (string, bool) {
	for _, kv := range e {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Value returns the value of key, or "".
func (e Evidence) Value(key string) string {
	v, _ := e.Get(key)
	return v
}

// Set replaces the value of key, or appends it.
func (e *Evidence) Set(key, value string) {
	for i, kv := range *e {
		if kv.Key == key {
			(*e)[i].Value = value
			return
		}
	}
	*e = append(*e, KV{key, value})
}

// MarshalJSON writes the evidence as one JSON object, keeping the order.
func (e Evidence) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range e {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(kv.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(kv.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object of strings, keeping the order.
func (e *Evidence) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*e = nil
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("evidence: want an object, got %v", tok)
	}
	out := Evidence{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		var v string
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("evidence %v: %w", kt, err)
		}
		out = append(out, KV{kt.(string), v})
	}
	*e = out
	return nil
}

// Result is what one probe found. Probes only observe: what it means for the
// user is decided by the diagnosis, from these fields.
type Result struct {
	// Probe is the probe's name ("dns", "tcp", ...).
	Probe string `json:"probe"`
	// Status is how the probe ended.
	Status Status `json:"status"`
	// Code classifies the outcome in one stable word for the diagnosis
	// ("ok", "refused", "timeout", "reset", "unreachable", "nxdomain",
	// "status_200", "bad_accept", ...). Empty when there is nothing to say.
	Code string `json:"code,omitempty"`
	// Reason is a short English sentence for engineers saying why the
	// status is what it is; for a skip, why the probe did not run.
	Reason string `json:"reason,omitempty"`
	// Error is the underlying error text, verbatim.
	Error string `json:"error,omitempty"`
	// Started is when the probe started.
	Started time.Time `json:"started"`
	// Duration is how long the probe took in all.
	Duration time.Duration `json:"-"`
	// Timings are the per-phase times, in the order the phases happened.
	Timings []Timing `json:"timings,omitempty"`
	// Evidence is what the probe saw.
	Evidence Evidence `json:"evidence,omitempty"`
}

type resultJSON Result

type resultWire struct {
	resultJSON
	DurationMS float64 `json:"duration_ms"`
}

// MarshalJSON writes Duration in milliseconds.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(resultWire{resultJSON(r), Millis(r.Duration)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Result) UnmarshalJSON(b []byte) error {
	var w resultWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = Result(w.resultJSON)
	r.Duration = FromMillis(w.DurationMS)
	return nil
}

// Timing returns the duration of phase p, and whether it was measured.
func (r Result) Timing(p Phase) (time.Duration, bool) {
	for _, t := range r.Timings {
		if t.Phase == p {
			return t.Duration, true
		}
	}
	return 0, false
}

// OK reports whether the probe passed, possibly with a warning.
func (r Result) OK() bool { return r.Status == Pass || r.Status == Warn }
