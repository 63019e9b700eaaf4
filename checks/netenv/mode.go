package netenv

import (
	"fmt"
	"net/url"
	"strings"
)

// ModeKind says how a check chooses its proxy.
type ModeKind int

// The proxy modes. The zero value follows the system.
const (
	// ModeSystem follows this computer's settings (the default).
	ModeSystem ModeKind = iota
	// ModeDirect connects without a proxy ("none").
	ModeDirect
	// ModeURL goes through the one proxy in Mode.URL.
	ModeURL
	// ModePAC goes as the PAC file at Mode.PAC answers, as if the
	// system named it.
	ModePAC
)

// pacPrefix starts a PAC mode as the user writes it.
const pacPrefix = "pac:"

// Mode is how a check chooses its proxy, parsed once from a flag or a
// field. The zero value is ModeSystem.
type Mode struct {
	Kind ModeKind
	// URL is the proxy for ModeURL.
	URL *url.URL
	// PAC is the PAC file's path or http(s) URL for ModePAC.
	PAC string
}

// Direct is the mode that uses no proxy.
var Direct = Mode{Kind: ModeDirect}

// ParseMode reads a proxy mode as the user writes it: "system" (or ""),
// "none" (or "direct"), "pac:" and a PAC file's path or URL, or a proxy
// URL (http, https, socks4, socks4a, socks5, socks5h; host:port means
// http).
func ParseMode(s string) (Mode, error) {
	t := strings.TrimSpace(s)
	if len(t) >= len(pacPrefix) && strings.EqualFold(t[:len(pacPrefix)], pacPrefix) {
		loc := strings.TrimSpace(t[len(pacPrefix):])
		if loc == "" {
			return Mode{}, fmt.Errorf("%q: name the PAC file after pac:, as in pac:/etc/proxy.pac or pac:http://wpad/wpad.dat", s)
		}
		return PACMode(loc), nil
	}
	switch strings.ToLower(t) {
	case "", "system":
		return Mode{}, nil
	case "none", "direct":
		return Direct, nil
	}
	u, err := parseProxyURL(s, "http")
	if err != nil {
		return Mode{}, err
	}
	return Mode{Kind: ModeURL, URL: u}, nil
}

// PACMode is the mode that goes as the PAC file at loc answers.
func PACMode(loc string) Mode { return Mode{Kind: ModePAC, PAC: loc} }

// ProxyMode is the mode that goes through the proxy at s; the error says
// why s is not a proxy a check can use.
func ProxyMode(s string) (Mode, error) {
	m, err := ParseMode(s)
	if err == nil && m.Kind != ModeURL {
		err = fmt.Errorf("%q is not a proxy address", s)
	}
	return m, err
}

// String writes the mode as ParseMode reads it; a proxy's password is
// written as the URL holds it (use Redacted to show it).
func (m Mode) String() string {
	switch m.Kind {
	case ModeDirect:
		return "none"
	case ModeURL:
		if m.URL != nil {
			return m.URL.String()
		}
	case ModePAC:
		return pacPrefix + m.PAC
	}
	return "system"
}

// Redacted is String with a proxy password hidden.
func (m Mode) Redacted() string {
	if m.Kind == ModeURL && m.URL != nil {
		return m.URL.Redacted()
	}
	return m.String()
}

// Set parses s into m, so a Mode is a flag.Value.
func (m *Mode) Set(s string) error {
	v, err := ParseMode(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}
