package netenv

import (
	"bufio"
	"net/url"
	"strconv"
	"strings"
)

// GNOMESchema is the settings schema GNOME keeps the proxy in.
const GNOMESchema = "org.gnome.system.proxy"

// ParseGSettings reads the output of
// `gsettings list-recursively org.gnome.system.proxy`: mode (none, manual,
// auto), the http, https and socks hosts and ports, ignore-hosts and
// autoconfig-url. In "auto" mode an empty autoconfig-url means WPAD.
func ParseGSettings(out string) Config {
	c := Config{Source: SourceGNOME, Origin: "gsettings " + GNOMESchema}
	vals := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.SplitN(strings.TrimSpace(sc.Text()), " ", 3)
		if len(f) != 3 || !strings.HasPrefix(f[0], GNOMESchema) {
			continue
		}
		sub := strings.TrimPrefix(strings.TrimPrefix(f[0], GNOMESchema), ".")
		key := f[1]
		if sub != "" {
			key = sub + "." + key
		}
		vals[key] = f[2]
	}
	str := func(k string) string { return gvString(vals[k]) }
	c.Mode = str("mode")
	if c.Mode == "" {
		c.Mode = "none"
	}
	c.Bypass = gvStrings(vals["ignore-hosts"])
	if len(c.Bypass) > 0 {
		c.BypassFrom = "ignore-hosts"
	}
	switch c.Mode {
	case "manual":
		for _, p := range []struct {
			sub, scheme string
			dst         **Proxy
		}{{"http", "http", &c.HTTP}, {"https", "http", &c.HTTPS}, {"socks", "socks5", &c.SOCKS}} {
			host := str(p.sub + ".host")
			port, _ := strconv.Atoi(gvScalar(vals[p.sub+".port"]))
			if host == "" || port == 0 {
				continue
			}
			u, err := hostPortProxy(host, port, p.scheme)
			if err != nil {
				c.note("%s.%s: %v", GNOMESchema, p.sub, err)
				continue
			}
			if p.sub == "http" && gvScalar(vals["http.use-authentication"]) == "true" {
				if user := str("http.authentication-user"); user != "" {
					u.User = url.UserPassword(user, str("http.authentication-password"))
				}
			}
			*p.dst = &Proxy{URL: u, From: GNOMESchema + "." + p.sub}
		}
	case "auto":
		c.PACURL = str("autoconfig-url")
		c.AutoDetect = c.PACURL == ""
	case "none":
	default:
		c.note("unknown mode %q", c.Mode)
	}
	c.Enabled = c.Mode != "none" && c.HasProxy()
	return c
}

// gvScalar strips a GVariant type annotation ("uint32 8080").
func gvScalar(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ' '); i >= 0 && !strings.ContainsAny(s, "'\"[") {
		return s[i+1:]
	}
	return s
}

// gvString reads a GVariant string literal ('text' or "text", with
// backslash escapes).
func gvString(s string) string {
	out, _ := gvTakeString(strings.TrimSpace(s))
	return out
}

// gvTakeString reads one string literal at the start of s and returns it
// and what follows.
func gvTakeString(s string) (string, string) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", s
	}
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case q:
			return b.String(), s[i+1:]
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), ""
}

// gvStrings reads a GVariant string array (['a', 'b'] or @as []).
func gvStrings(s string) []string {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "@as"))
	if !strings.HasPrefix(s, "[") {
		return nil
	}
	s = s[1:]
	var out []string
	for {
		s = strings.TrimLeft(s, " ,")
		if s == "" || s[0] == ']' {
			return out
		}
		v, rest := gvTakeString(s)
		if rest == s {
			return out // not a string array
		}
		out = append(out, v)
		s = rest
	}
}
