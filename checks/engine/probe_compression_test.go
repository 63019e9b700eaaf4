package engine_test

import (
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// TestCompressionAnswer: a compression answer RFC 7692 allows but gorilla
// refuses is a working upgrade and echo (after a retry without
// compression); an answer that breaks the RFC fails, named precisely.
func TestCompressionAnswer(t *testing.T) {
	t.Run("valid", func(t *testing.T) {
		out := runCheck(t, nil, checktest.DeflateServer(t, checktest.DeflateAnswerValid), engine.Options{})
		up, _ := out.Result(engine.ProbeUpgrade)
		if up.Status != engine.Pass || up.Code != engine.CodeOK {
			t.Fatalf("upgrade = %s/%s (%s), want pass/ok", up.Status, up.Code, up.Reason)
		}
		for k, want := range map[string]string{
			engine.KeyCompressionAnswer:  engine.CompressionAnswerValid,
			engine.KeyRetryNoCompression: engine.CodeOK,
			"sec_websocket_extensions":   checktest.DeflateAnswerValid,
			"compression":                "none",
		} {
			if got := up.Evidence.Value(k); got != want {
				t.Errorf("evidence %s = %q, want %q", k, got, want)
			}
		}
		if e, _ := out.Result(engine.ProbeEcho); e.Status != engine.Pass {
			t.Errorf("echo = %s/%s (%s), want pass", e.Status, e.Code, e.Reason)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		out := runCheck(t, nil, checktest.DeflateServer(t, checktest.DeflateAnswerInvalid), engine.Options{})
		up, _ := out.Result(engine.ProbeUpgrade)
		if up.Status != engine.Fail || up.Code != engine.CodeBadExtension {
			t.Fatalf("upgrade = %s/%s (%s), want fail/bad_extension", up.Status, up.Code, up.Reason)
		}
		for k, want := range map[string]string{
			engine.KeyCompressionAnswer:  engine.CompressionAnswerInvalid,
			engine.KeyExtensionParameter: checktest.DeflateAnswerInvalidParam,
			engine.KeyRetryNoCompression: engine.CodeOK,
		} {
			if got := up.Evidence.Value(k); got != want {
				t.Errorf("evidence %s = %q, want %q", k, got, want)
			}
		}
		if up.Evidence.Value(engine.KeyExtensionProblem) == "" {
			t.Errorf("no %s", engine.KeyExtensionProblem)
		}
	})
}

// TestDeflateAnswerProblem: the RFC 7692 judge, answer by answer.
func TestDeflateAnswerProblem(t *testing.T) {
	for _, tc := range []struct {
		answer, param string
	}{
		{"permessage-deflate", ""},
		{"permessage-deflate; server_no_context_takeover", ""},
		{"permessage-deflate; client_no_context_takeover", ""},
		{"permessage-deflate; server_max_window_bits=10; client_max_window_bits=\"15\"", ""},
		{"permessage-deflate; client_max_window_bits", "client_max_window_bits"},
		{"permessage-deflate; server_max_window_bits=7", "server_max_window_bits=7"},
		{"permessage-deflate; server_no_context_takeover=1", "server_no_context_takeover=1"},
		{"permessage-deflate; server_no_context_takeover; server_no_context_takeover", "server_no_context_takeover"},
		{"permessage-deflate; x_webkit", "x_webkit"},
		{"permessage-deflate, permessage-deflate", "permessage-deflate"},
		{"x-webkit-deflate-frame", "x-webkit-deflate-frame"},
	} {
		param, problem := engine.DeflateAnswerProblem([]string{tc.answer})
		if param != tc.param || (param == "") != (problem == "") {
			t.Errorf("%q: got %q (%s), want %q", tc.answer, param, problem, tc.param)
		}
	}
}
