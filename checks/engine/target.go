package engine

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Target is the WebSocket endpoint under test, normalised to ws:// or wss://.
type Target struct {
	// Scheme is "ws" or "wss".
	Scheme string
	// Host is the host name in ASCII (punycode for internationalised names),
	// or an IP address without brackets.
	Host string
	// DisplayHost is Host as the user would write it (Unicode).
	DisplayHost string
	// Port is the TCP port, always set (80 or 443 when the input had none).
	Port int
	// Path is the request path with its query, always starting with "/".
	Path string
	// User is the userinfo of the input URL, if any; it is never sent in the
	// request line and is kept apart so reports can redact it.
	User *url.Userinfo
	// Page is set when the input was a web page's address (http:// or
	// https://, or a bare host without a path), not a WebSocket's: the
	// host's network path can be tested, but the live connection of the
	// app on that page most likely has another address.
	Page bool
}

// TargetError says which part of a target address is wrong.
type TargetError struct {
	Input string
	// Part is "address", "scheme", "host", "port" or "path".
	Part string
	Msg  string
}

// Error implements error.
// The input is shown without anything between its scheme and its last "@"
// (the userinfo, whatever characters the password holds: / ? # @ too) and
// without its query values; the message is replaced by a plain one for
// its part when it would quote any of that hidden text (url.Parse's "invalid
// port" quotes what follows the first ":"): a usage error must not print
// the password or token the address carried.
func (e *TargetError) Error() string {
	shown, hidden := redactInput(e.Input)
	msg := e.Msg
	if quotes(msg, hidden) {
		msg = plainTargetMsg(e.Part)
	}
	return fmt.Sprintf("invalid address %q: %s: %s", shown, e.Part, msg)
}

// redactInput is an address as typed with everything between its scheme
// (when it starts with one of ours and "://" or ":/") and its last "@"
// hidden, however odd the rest (spaces, no scheme, an "@" in the path),
// and its query values; hidden is the text taken out.
func redactInput(s string) (shown, hidden string) {
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return RedactURLText(s), ""
	}
	prefix := ""
	if i := strings.Index(s[:at], ":/"); i >= 0 && knownScheme(s[:i]) {
		j := i + 1
		for j < at && s[j] == '/' {
			j++
		}
		prefix = s[:j]
	}
	return RedactURLText(prefix + RedactedMark + s[at:]), s[len(prefix):at]
}

// quotes reports whether msg holds any three characters in a row of
// hidden (all of it, when shorter).
func quotes(msg, hidden string) bool {
	if hidden == "" {
		return false
	}
	if len(hidden) < 3 {
		return strings.Contains(msg, hidden)
	}
	for i := 0; i+3 <= len(hidden); i++ {
		if strings.Contains(msg, hidden[i:i+3]) {
			return true
		}
	}
	return false
}

// plainTargetMsg is what is wrong with part, quoting nothing.
func plainTargetMsg(part string) string {
	switch part {
	case "scheme":
		return "expected ws://, wss://, http:// or https:// before the user name"
	case "port":
		return "the port is not a number between 1 and 65535 (in a user name or password, write / ? # @ as %2F %3F %23 %40)"
	case "host":
		return "the host name is not valid"
	}
	return "it is not a valid address (in a user name or password, write / ? # @ as %2F %3F %23 %40)"
}

// maxTargetLen bounds the input: no real WebSocket URL is longer, and it keeps
// error messages readable.
const maxTargetLen = 4096

// ParseTarget reads what a user typed or pasted: wss://, ws://, https:// and
// http:// URLs (the latter two mapped to wss and ws), or a bare
// host[:port][/path], which is assumed to be wss.
func ParseTarget(input string) (Target, error) {
	s := strings.TrimSpace(input)
	bad := func(part, format string, args ...any) (Target, error) {
		return Target{}, &TargetError{Input: input, Part: part, Msg: fmt.Sprintf(format, args...)}
	}
	if s == "" {
		return bad("address", "it is empty; enter an address such as wss://example.com/socket")
	}
	if len(s) > maxTargetLen {
		return bad("address", "it is longer than %d characters", maxTargetLen)
	}
	if !utf8.ValidString(s) {
		return bad("address", "it is not valid text (UTF-8)")
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return bad("address", "it contains spaces")
	}
	page := false
	if i := strings.Index(s, "://"); i >= 0 {
		if !knownScheme(s[:i]) {
			return bad("scheme", "%q is not one of ws, wss, http or https", s[:i])
		}
	} else if strings.HasPrefix(s, "/") {
		return bad("host", "there is no host name before the path")
	} else if scheme, _, ok := strings.Cut(s, ":/"); ok && knownScheme(scheme) {
		return bad("scheme", "expected \"://\" after the scheme, as in wss://example.com")
	} else if scheme, rest, ok := strings.Cut(s, ":"); ok && !strings.HasPrefix(s, "[") && !isPort(rest) {
		// "mailto:x" or "localhost:abc": a scheme we do not know, or no port.
		if rest == "" || strings.HasPrefix(rest, "/") {
			return bad("port", "the port after \":\" is empty")
		}
		return bad("scheme", "%q is not one of ws, wss, http or https", scheme)
	} else {
		s = "wss://" + s
		if i := strings.IndexAny(s[len("wss://"):], "/?"); i < 0 || s[len("wss://")+i:] == "/" {
			page = true // a bare host: the site, not its live connection
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		msg := err.Error()
		if errors.As(err, &ue) {
			msg = ue.Err.Error()
		}
		if strings.Contains(msg, "port") {
			return bad("port", "%s", msg)
		}
		if strings.Contains(msg, "host") || strings.Contains(msg, "IPv6") {
			return bad("host", "%s", msg)
		}
		return bad("address", "%s", msg)
	}
	t := Target{User: u.User, Page: page}
	switch strings.ToLower(u.Scheme) {
	case "ws", "http":
		t.Scheme = "ws"
	default:
		t.Scheme = "wss"
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		t.Page = true
	}
	if u.Opaque != "" {
		return bad("scheme", "expected \"://\" after the scheme")
	}
	host := u.Hostname()
	if host == "" {
		return bad("host", "there is no host name")
	}
	if ip := net.ParseIP(host); ip != nil {
		t.Host, t.DisplayHost = ip.String(), ip.String()
	} else if strings.HasPrefix(u.Host, "[") {
		return bad("host", "%q is not an IPv6 address", host)
	} else {
		ascii, err := idna.Lookup.ToASCII(strings.TrimSuffix(host, "."))
		if err != nil {
			return bad("host", "%q is not a valid host name (%v)", host, err)
		}
		uni, err := idna.Lookup.ToUnicode(ascii)
		if err != nil {
			// It would not read back: the check would ask for
			// another name than the one typed.
			return bad("host", "%q is not a valid host name (%v)", host, err)
		}
		t.Host, t.DisplayHost = ascii, uni
		if msg := badHostName(ascii); msg != "" {
			return bad("host", "%q %s", host, msg)
		}
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("port", "%q is not a port number between 1 and 65535", p)
		}
		t.Port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return bad("port", "the port after \":\" is empty")
	} else if t.Scheme == "ws" {
		t.Port = 80
	} else {
		t.Port = 443
	}
	if u.Fragment != "" {
		return bad("path", "a WebSocket address cannot have a #fragment")
	}
	t.Path = u.EscapedPath()
	if t.Path == "" {
		t.Path = "/"
	}
	if u.RawQuery != "" {
		t.Path += "?" + u.RawQuery
	}
	if !roundTrips(t) {
		return bad("address", "it does not read the same once written back as a URL")
	}
	return t, nil
}

// badHostName says what is wrong with an ASCII host name, or "".
func badHostName(h string) string {
	switch {
	case h == "":
		return "is not a host name"
	case len(h) > 253:
		return "is longer than 253 characters"
	}
	for _, l := range strings.Split(h, ".") {
		switch {
		case l == "":
			return "has an empty part between dots"
		case len(l) > 63:
			return "has a part longer than 63 characters"
		case strings.ContainsAny(l, "/\\@?#%[]<>^|`{}\""):
			return "has characters that no host name has"
		}
	}
	return ""
}

// roundTrips reports whether t's URL reads back as t: an address that does
// not would be checked as something other than what was asked.
func roundTrips(t Target) bool {
	u, err := url.Parse(t.URL())
	if err != nil || u.User != nil || u.Opaque != "" || u.Fragment != "" {
		return false
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil {
		host = ip.String()
	}
	port := t.Port
	if p := u.Port(); p != "" {
		port, err = strconv.Atoi(p)
	} else if strings.HasSuffix(u.Host, ":") {
		return false
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" || u.ForceQuery {
		path += "?" + u.RawQuery
	}
	return err == nil && host == t.Host && port == t.Port && path == t.Path
}

func knownScheme(s string) bool {
	switch strings.ToLower(s) {
	case "ws", "wss", "http", "https":
		return true
	}
	return false
}

// isPort reports whether s starts with a port number ending at "/", "?" or
// the end, as in the "8080/ws" of "example.com:8080/ws".
func isPort(s string) bool {
	p, _, _ := strings.Cut(s, "/")
	p, _, _ = strings.Cut(p, "?")
	if p == "" {
		return false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Secure reports whether the target uses TLS (wss).
func (t Target) Secure() bool { return t.Scheme == "wss" }

// HostPort is the host and port to dial, with IPv6 literals bracketed.
func (t Target) HostPort() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }

// defaultPort reports whether Port is the scheme's default, which URLs omit.
func (t Target) defaultPort() bool {
	return (t.Scheme == "ws" && t.Port == 80) || (t.Scheme == "wss" && t.Port == 443)
}

// authority is host[:port] as it belongs in a URL and a Host header.
func (t Target) authority() string {
	h := t.Host
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if t.defaultPort() {
		return h
	}
	return h + ":" + strconv.Itoa(t.Port)
}

// URL is the ws:// or wss:// URL to dial, without userinfo.
func (t Target) URL() string { return t.Scheme + "://" + t.authority() + t.Path }

// HTTPURL is the same resource as an http:// or https:// URL, for the plain
// GET probe.
func (t Target) HTTPURL() string {
	s := "http"
	if t.Secure() {
		s = "https"
	}
	return s + "://" + t.authority() + t.Path
}

// String is the URL as shown to people: Unicode host, no userinfo.
func (t Target) String() string {
	d := t
	d.Host = t.DisplayHost
	if d.Host == "" {
		d.Host = t.Host
	}
	return d.Scheme + "://" + d.authority() + d.Path
}

// IsIP reports whether the host is an IP literal, which needs no DNS.
func (t Target) IsIP() bool { return net.ParseIP(t.Host) != nil }

// IsLoopback reports whether the host is this computer itself: localhost,
// or an address of 127.0.0.0/8 or ::1. Only the host as given counts: a
// name that a DNS filter answers with 127.0.0.1 is not this computer.
func (t Target) IsLoopback() bool {
	h := strings.TrimSuffix(strings.ToLower(t.Host), ".")
	if h == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(h, "[]"))
	return err == nil && ip.Unmap().IsLoopback()
}
