package netenv

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// The registry places the Windows readers use, named in Config.Origin.
const (
	WinINETKey = `HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings`
	WinHTTPKey = `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections`
	// WinHTTPValue is the binary value netsh winhttp writes.
	WinHTTPValue = "WinHttpSettings"
	// WinINETConnValue is the binary value under WinINETKey\Connections
	// that holds the flags the Internet Options dialog sets (the
	// auto-detect tick box lives only there).
	WinINETConnValue = "DefaultConnectionSettings"
)

// Flags of the connection-settings blob.
const (
	connDirect     = 0x01
	connProxy      = 0x02
	connAutoConfig = 0x04
	connAutoDetect = 0x08
)

// WinINETValues are the per-user values Internet Options keeps. A nil
// pointer is a value that is absent.
type WinINETValues struct {
	ProxyEnable   *uint32
	ProxyServer   *string
	ProxyOverride *string
	AutoConfigURL *string
	// DefaultConnectionSettings is the binary value of WinINETConnValue.
	DefaultConnectionSettings []byte
}

// ConnectionSettings is what a WinINET/WinHTTP connection-settings blob
// holds.
type ConnectionSettings struct {
	Flags         uint32
	ProxyServer   string
	ProxyBypass   string
	AutoConfigURL string
}

// ParseConnectionSettings reads the binary layout shared by
// DefaultConnectionSettings and WinHttpSettings: a version, a counter, the
// flags, then length-prefixed strings for the proxy, the bypass list and
// (in DefaultConnectionSettings) the auto-config URL.
func ParseConnectionSettings(b []byte) (ConnectionSettings, error) {
	var cs ConnectionSettings
	if len(b) < 12 {
		return cs, fmt.Errorf("connection settings: %d bytes, want at least 12", len(b))
	}
	cs.Flags = binary.LittleEndian.Uint32(b[8:])
	rest := b[12:]
	str := func(name string) (string, error) {
		if len(rest) == 0 {
			return "", nil
		}
		if len(rest) < 4 {
			return "", fmt.Errorf("connection settings: %s: truncated length", name)
		}
		n := binary.LittleEndian.Uint32(rest)
		rest = rest[4:]
		if uint64(n) > uint64(len(rest)) {
			return "", fmt.Errorf("connection settings: %s: length %d past the end", name, n)
		}
		s := string(rest[:n])
		rest = rest[n:]
		return strings.TrimRight(s, "\x00"), nil
	}
	var err error
	if cs.ProxyServer, err = str("proxy"); err != nil {
		return cs, err
	}
	if cs.ProxyBypass, err = str("bypass"); err != nil {
		return cs, err
	}
	if cs.AutoConfigURL, err = str("auto-config URL"); err != nil {
		return cs, err
	}
	return cs, nil
}

// ParseWinINET turns the per-user Internet Options values into a Config.
// ProxyServer is either one "host:port" for every protocol or a per-protocol
// list "http=a:1;https=b:2;socks=c:3"; ProxyOverride is a ";" list in which
// "<local>" bypasses names without a dot. Applications try auto-detect,
// then the PAC URL, then the manual proxy, so all three are kept.
func ParseWinINET(v WinINETValues) Config {
	c := Config{Source: SourceWinINET, Origin: WinINETKey}
	manual := v.ProxyEnable != nil && *v.ProxyEnable != 0
	if len(v.DefaultConnectionSettings) > 0 {
		cs, err := ParseConnectionSettings(v.DefaultConnectionSettings)
		if err != nil {
			c.note("%s: %v", WinINETConnValue, err)
		} else {
			c.AutoDetect = cs.Flags&connAutoDetect != 0
			if v.ProxyEnable == nil {
				manual = cs.Flags&connProxy != 0
			}
			if v.ProxyServer == nil && cs.ProxyServer != "" {
				v.ProxyServer = &cs.ProxyServer
			}
			if v.ProxyOverride == nil && cs.ProxyBypass != "" {
				v.ProxyOverride = &cs.ProxyBypass
			}
			if v.AutoConfigURL == nil && cs.Flags&connAutoConfig != 0 && cs.AutoConfigURL != "" {
				v.AutoConfigURL = &cs.AutoConfigURL
			}
		}
	}
	if v.AutoConfigURL != nil {
		c.PACURL = strings.TrimSpace(*v.AutoConfigURL)
	}
	if v.ProxyServer != nil && strings.TrimSpace(*v.ProxyServer) != "" {
		parseWinProxyServer(&c, *v.ProxyServer, "ProxyServer")
		if !manual {
			c.note("ProxyServer is set but ProxyEnable is off: applications do not use it")
			c.HTTP, c.HTTPS, c.SOCKS = nil, nil, nil
		}
	}
	if v.ProxyOverride != nil {
		c.Bypass = splitList(*v.ProxyOverride, "; ")
		c.BypassFrom = "ProxyOverride"
	}
	c.Enabled = c.HTTP != nil || c.HTTPS != nil || c.SOCKS != nil || c.PACURL != "" || c.AutoDetect
	switch {
	case c.AutoDetect && c.PACURL != "":
		c.Mode = "auto-detect, then PAC"
	case c.AutoDetect:
		c.Mode = "auto-detect"
	case c.PACURL != "":
		c.Mode = "PAC"
	case manual:
		c.Mode = "manual"
	default:
		c.Mode = "direct"
	}
	return c
}

// parseWinProxyServer reads a WinINET/WinHTTP proxy list into c.
func parseWinProxyServer(c *Config, s, from string) {
	entries := splitList(s, "; ")
	perProto := false
	for _, e := range entries {
		if proto, _, ok := strings.Cut(e, "="); ok && !strings.Contains(proto, "/") {
			perProto = true
		}
	}
	if !perProto {
		if len(entries) != 1 {
			c.note("%s %q: expected one host:port", from, s)
		}
		if len(entries) == 0 {
			return
		}
		u, err := parseProxyURL(entries[0], "http")
		if err != nil {
			c.note("%s: %v", from, err)
			return
		}
		c.HTTP = &Proxy{URL: u, From: from}
		c.HTTPS = &Proxy{URL: u, From: from}
		return
	}
	for _, e := range entries {
		proto, addr, ok := strings.Cut(e, "=")
		if !ok {
			c.note("%s: entry %q has no protocol=; ignored", from, e)
			continue
		}
		proto = strings.ToLower(strings.TrimSpace(proto))
		scheme := "http"
		if proto == "socks" {
			// Internet Explorer and Chrome speak SOCKS4 to a WinINET
			// "socks=" entry.
			scheme = "socks4"
		}
		u, err := parseProxyURL(addr, scheme)
		if err != nil {
			c.note("%s %s=: %v", from, proto, err)
			continue
		}
		p := &Proxy{URL: u, From: from + " " + proto + "="}
		switch proto {
		case "http":
			c.HTTP = p
		case "https":
			c.HTTPS = p
		case "socks":
			c.SOCKS = p
		case "ftp", "gopher":
		default:
			c.note("%s: unknown protocol %q ignored", from, proto)
		}
	}
}

// ParseWinHTTP turns the WinHttpSettings blob into a Config.
func ParseWinHTTP(blob []byte) Config {
	c := Config{Source: SourceWinHTTP, Origin: WinHTTPKey + `\` + WinHTTPValue, Mode: "direct"}
	if len(blob) == 0 {
		return c
	}
	cs, err := ParseConnectionSettings(blob)
	if err != nil {
		c.note("%v", err)
		return c
	}
	if cs.Flags&connProxy == 0 {
		return c
	}
	c.Mode = "proxy"
	if cs.ProxyServer != "" {
		parseWinProxyServer(&c, cs.ProxyServer, WinHTTPValue)
	}
	if cs.ProxyBypass != "" {
		c.Bypass = splitList(cs.ProxyBypass, "; ")
		c.BypassFrom = WinHTTPValue
	}
	c.Enabled = c.HTTP != nil || c.HTTPS != nil || c.SOCKS != nil
	return c
}
