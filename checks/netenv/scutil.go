package netenv

import (
	"bufio"
	"strconv"
	"strings"
)

// ParseScutil reads the output of macOS `scutil --proxy`: the top-level
// HTTP, HTTPS and SOCKS Enable/Proxy/Port keys, ProxyAutoConfigEnable and
// ProxyAutoConfigURLString, ProxyAutoDiscoveryEnable, ExceptionsList and
// ExcludeSimpleHostnames. Nested dictionaries (__SCOPED__, per interface)
// are skipped: the top level is what applications use.
func ParseScutil(out string) Config {
	c := Config{Source: SourceMacOS, Origin: "scutil --proxy", matchSuffix: true}
	kv := map[string]string{}
	var exceptions []string
	depth, inExceptions := 0, false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if line == "}" {
			depth--
			inExceptions = false
			continue
		}
		key, val, ok := strings.Cut(line, " : ")
		if !ok {
			if strings.HasSuffix(line, "{") {
				depth++ // "<dictionary> {" at the top
			}
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if strings.HasSuffix(val, "{") {
			depth++
			inExceptions = depth == 2 && key == "ExceptionsList"
			continue
		}
		switch {
		case inExceptions:
			exceptions = append(exceptions, val)
		case depth == 1:
			kv[key] = val
		}
	}
	on := func(k string) bool { return kv[k] == "1" }
	for _, p := range []struct {
		prefix, scheme string
		dst            **Proxy
	}{{"HTTP", "http", &c.HTTP}, {"HTTPS", "http", &c.HTTPS}, {"SOCKS", "socks5", &c.SOCKS}} {
		host := kv[p.prefix+"Proxy"]
		if host == "" {
			continue
		}
		if !on(p.prefix + "Enable") {
			c.note("%sProxy %s is set but %sEnable is off", p.prefix, host, p.prefix)
			continue
		}
		port, _ := strconv.Atoi(kv[p.prefix+"Port"])
		u, err := hostPortProxy(host, port, p.scheme)
		if err != nil {
			c.note("%sProxy: %v", p.prefix, err)
			continue
		}
		if user := kv[p.prefix+"User"]; user != "" {
			c.note("%sProxy has user %q; its password is in the keychain, which is not read", p.prefix, user)
		}
		*p.dst = &Proxy{URL: u, From: p.prefix + "Proxy"}
	}
	if on("ProxyAutoConfigEnable") {
		c.PACURL = kv["ProxyAutoConfigURLString"]
		if c.PACURL == "" {
			c.note("ProxyAutoConfigEnable is on with no ProxyAutoConfigURLString")
		}
	}
	c.AutoDetect = on("ProxyAutoDiscoveryEnable")
	c.Bypass, c.BypassFrom = exceptions, "ExceptionsList"
	if len(exceptions) == 0 {
		c.BypassFrom = ""
	}
	c.BypassSimple = on("ExcludeSimpleHostnames")
	c.Enabled = c.HasProxy()
	return c
}
