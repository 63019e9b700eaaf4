package engine

// Compression answers judged by RFC 7692, not by one client: gorilla's
// client refuses a permessage-deflate answer without
// client_no_context_takeover, which the RFC allows and browsers accept.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/websocket"
)

// Evidence of the upgrade probe when the client refused the service's
// Sec-WebSocket-Extensions answer.
const (
	// KeyCompressionAnswer: "valid" (the answer keeps to RFC 7692, section
	// 7, but this client refused it) or "invalid".
	KeyCompressionAnswer = "compression_answer"
	// KeyExtensionParameter: the part of an invalid answer that breaks the
	// RFC, as the service sent it ("client_max_window_bits=20").
	KeyExtensionParameter = "extension_parameter"
	// KeyExtensionProblem: why it breaks the RFC, in English.
	KeyExtensionProblem = "extension_problem"
	// KeyRetryNoCompression: how the same upgrade went without offering
	// compression: "ok" or its failure code.
	KeyRetryNoCompression = "retry_without_compression"
)

// Values of KeyCompressionAnswer.
const (
	CompressionAnswerValid   = "valid"
	CompressionAnswerInvalid = "invalid"
)

// deflateAnswerProblem judges a server's Sec-WebSocket-Extensions answer to
// a permessage-deflate offer by RFC 7692 section 7 and RFC 6455 section 9.1,
// as a browser's offer ("permessage-deflate; client_max_window_bits")
// allows it: one permessage-deflate element and nothing else; each
// parameter at most once; server_no_context_takeover and
// client_no_context_takeover without a value, and either may be left out
// (7.1.1); server_max_window_bits and client_max_window_bits with a value
// from 8 to 15 (7.1.2). It returns the offending part and why, or "" for a
// valid answer.
func deflateAnswerProblem(values []string) (param, problem string) {
	var elems []string
	for _, v := range values {
		for e := range strings.SplitSeq(v, ",") {
			if e = strings.TrimSpace(e); e != "" {
				elems = append(elems, e)
			}
		}
	}
	if len(elems) == 0 {
		return "", ""
	}
	seenDeflate := false
	for _, e := range elems {
		parts := strings.Split(e, ";")
		name := strings.TrimSpace(parts[0])
		if !strings.EqualFold(name, "permessage-deflate") {
			return name, "the service agreed to an extension the client did not offer (RFC 6455, section 9.1)"
		}
		if seenDeflate {
			return e, "the service answered permessage-deflate more than once (RFC 7692, section 5)"
		}
		seenDeflate = true
		seen := map[string]bool{}
		for _, p := range parts[1:] {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			k, v, hasValue := strings.Cut(p, "=")
			k = strings.ToLower(strings.TrimSpace(k))
			v = strings.Trim(strings.TrimSpace(v), `"`)
			if seen[k] {
				return p, "the parameter is given twice (RFC 7692, section 7)"
			}
			seen[k] = true
			switch k {
			case "server_no_context_takeover", "client_no_context_takeover":
				if hasValue {
					return p, "this parameter has no value (RFC 7692, section 7.1.1)"
				}
			case "server_max_window_bits", "client_max_window_bits":
				n, err := strconv.Atoi(v)
				if !hasValue || err != nil || n < 8 || n > 15 {
					return p, "in an answer this parameter needs a value from 8 to 15 (RFC 7692, section 7.1.2)"
				}
			default:
				return p, "RFC 7692 (section 7) has no such parameter"
			}
		}
	}
	return "", ""
}

// refusedExtension reports whether a handshake failed only on its
// extension answer: a 101 with the right accept and upgrade headers.
func refusedExtension(hd wsDial, e *Evidence) bool {
	return hd.resp != nil && hd.resp.StatusCode == http.StatusSwitchingProtocols && !hd.tooLarge &&
		!errors.Is(hd.err, websocket.ErrBadHandshake) && e.Value(KeyAcceptOK) == "yes" &&
		len(hd.resp.Header.Values("Sec-Websocket-Extensions")) > 0
}

// compressionRetry judges the refused extension answer by the RFC
// (KeyCompressionAnswer, and for an invalid one KeyExtensionParameter and
// KeyExtensionProblem) and does the upgrade again without offering
// compression (KeyRetryNoCompression). It returns the retry's dial: its
// WebSocket is open only when the answer was valid and the retry worked,
// the service then works as browsers see it.
func (r *ProbeRun) compressionRetry(ctx context.Context, e *Evidence, resp *http.Response) wsDial {
	param, problem := deflateAnswerProblem(resp.Header.Values("Sec-Websocket-Extensions"))
	if problem == "" {
		e.Set(KeyCompressionAnswer, CompressionAnswerValid)
	} else {
		e.Set(KeyCompressionAnswer, CompressionAnswerInvalid)
		e.Set(KeyExtensionParameter, clip(param, 200))
		e.Set(KeyExtensionProblem, problem)
	}
	retry := r.dialWSWith(ctx, nil, false)
	switch {
	case retry.err == nil && retry.ws != nil:
		e.Set(KeyRetryNoCompression, CodeOK)
	case retry.resp != nil && retry.resp.StatusCode != http.StatusSwitchingProtocols:
		e.Set(KeyRetryNoCompression, fmt.Sprintf("status_%d", retry.resp.StatusCode))
	default:
		e.Set(KeyRetryNoCompression, Classify(retry.err))
	}
	if problem != "" && retry.ws != nil {
		retry.ws.Close()
		retry.ws = nil
	}
	if retry.ws != nil {
		e.Set("compression", "none")
	}
	return retry
}
