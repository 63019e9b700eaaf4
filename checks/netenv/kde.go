package netenv

import (
	"net/url"
	"strconv"
	"strings"
)

// The values of KDE's ProxyType.
const (
	kdeNone   = 0
	kdeManual = 1
	kdePAC    = 2
	kdeWPAD   = 3
	kdeEnv    = 4
)

// ParseKioslaverc reads the [Proxy Settings] group of KDE's kioslaverc:
// ProxyType (0 none, 1 manual, 2 PAC script, 3 WPAD, 4 from the
// environment), httpProxy, httpsProxy, socksProxy ("http://host 3128" or
// "http://host:3128"), NoProxyFor, ReversedException and
// "Proxy Config Script". getenv resolves type 4, where the proxy values
// name environment variables.
func ParseKioslaverc(text, origin string, getenv func(string) string) Config {
	c := Config{Source: SourceKDE, Origin: origin, matchSuffix: true}
	vals := map[string]string{}
	for _, sec := range parseINI(text) {
		if sec.name != "Proxy Settings" {
			continue
		}
		for _, kv := range sec.keys {
			// Keys may carry KConfig flags or a locale: "httpProxy[$e]".
			k := kv.key
			if i := strings.IndexByte(k, '['); i > 0 {
				k = k[:i]
			}
			vals[k] = kv.value
		}
	}
	typ, err := strconv.Atoi(vals["ProxyType"])
	if err != nil {
		typ = kdeNone
	}
	c.Mode = strconv.Itoa(typ) + " (" + map[int]string{kdeNone: "none", kdeManual: "manual", kdePAC: "PAC script", kdeWPAD: "WPAD", kdeEnv: "environment"}[typ] + ")"
	bypass := vals["NoProxyFor"]
	if typ == kdeEnv && bypass != "" && !strings.ContainsAny(bypass, ".,*/") {
		bypass = getenv(bypass)
	}
	c.Bypass = splitList(bypass, ", ")
	if len(c.Bypass) > 0 {
		c.BypassFrom = "NoProxyFor"
	}
	c.BypassReversed = vals["ReversedException"] == "true"
	switch typ {
	case kdeManual, kdeEnv:
		for _, p := range []struct {
			key, scheme string
			dst         **Proxy
		}{{"httpProxy", "http", &c.HTTP}, {"httpsProxy", "http", &c.HTTPS}, {"socksProxy", "socks5", &c.SOCKS}} {
			raw := vals[p.key]
			from := p.key
			if typ == kdeEnv && raw != "" {
				from = p.key + " -> $" + raw
				raw = getenv(raw)
			}
			if raw == "" {
				continue
			}
			u, err := kdeProxyURL(raw, p.scheme)
			if err != nil {
				c.note("%s: %v", p.key, err)
				continue
			}
			*p.dst = &Proxy{URL: u, From: from}
		}
	case kdePAC:
		c.PACURL = vals["Proxy Config Script"]
		if c.PACURL == "" {
			c.note("ProxyType 2 (PAC script) with no Proxy Config Script")
		}
	case kdeWPAD:
		c.AutoDetect = true
	case kdeNone:
	default:
		c.note("unknown ProxyType %d", typ)
	}
	c.Enabled = typ != kdeNone && c.HasProxy()
	return c
}

// kdeProxyURL reads KDE's "scheme://host port" as well as a normal URL.
func kdeProxyURL(raw, scheme string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if host, port, ok := strings.Cut(raw, " "); ok {
		n, err := strconv.Atoi(strings.TrimSpace(port))
		if err == nil {
			return hostPortProxy(host, n, scheme)
		}
	}
	return parseProxyURL(raw, scheme)
}
