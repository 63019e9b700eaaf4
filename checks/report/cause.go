package report

import (
	"regexp"
	"strings"
	"sync"
)

// goOp matches the first link of a Go error chain: an operation with its
// addresses ("dial tcp 127.0.0.1:9", "connect 127.0.0.1:9", `Get "URL"`)
// or a package's prefix ("tls", "x509", "websocket").
var goOp = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:(?:dial|read|write|connect|lookup|proxyconnect|accept|listen)(?: \S+)*|(?:Get|Head|Post|GET|HEAD|POST|CONNECT) "[^"]*"|tls|x509|websocket|remote error|net/http|http2|socks5?|proxy)$`)
})

// ErrorCause is the one cause at the end of a Go error chain, for people:
// "connect 127.0.0.1:9: dial tcp 127.0.0.1:9: connect: connection refused"
// is "connection refused". A text that does not start like a Go chain is
// returned as it is. The JSON report keeps the whole chain.
func ErrorCause(s string) string {
	s = strings.TrimSpace(s)
	parts := strings.Split(s, ": ")
	if len(parts) < 2 || !goOp().MatchString(parts[0]) {
		return s
	}
	last := strings.TrimSpace(parts[len(parts)-1])
	if last == "" {
		return s
	}
	return last
}

// isErrorKey reports whether an evidence key holds an error chain ("error",
// "error 127.0.0.1").
func isErrorKey(k string) bool { return k == "error" || strings.HasPrefix(k, "error ") }
