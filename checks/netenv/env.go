package netenv

import (
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpproxy"
)

// FromEnv reads the proxy environment variables with getenv (os.Getenv in
// use), the way Go programs, curl and most command-line tools read them:
// lower case before upper case, as golang.org/x/net/http/httpproxy does,
// with ALL_PROXY as the fallback for both schemes (curl). The result is
// Enabled when any proxy variable is set.
func FromEnv(getenv func(string) string) Config {
	c := Config{Source: SourceEnv, Origin: "environment"}
	get := func(name string) (string, string) {
		for _, n := range []string{strings.ToLower(name), name} {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				return v, n
			}
		}
		return "", ""
	}
	for _, v := range []struct {
		name string
		dst  **Proxy
	}{{"HTTP_PROXY", &c.HTTP}, {"HTTPS_PROXY", &c.HTTPS}, {"ALL_PROXY", &c.All}} {
		raw, from := get(v.name)
		if raw == "" {
			continue
		}
		u, err := parseProxyURL(raw, "http")
		if err != nil {
			c.note("%s: %v", from, err)
			continue
		}
		*v.dst = &Proxy{URL: u, From: from}
	}
	if raw, from := get("NO_PROXY"); raw != "" {
		c.noProxy = raw
		c.Bypass = splitList(raw, ", ")
		c.BypassFrom = from
	}
	c.Enabled = c.HTTP != nil || c.HTTPS != nil || c.All != nil
	return c
}

// envProxyFor decides with httpproxy's own rules (NO_PROXY entries: exact
// names, .suffix and *.suffix, domain names matching their subdomains,
// CIDRs, IPs, host:port, and "*"), so the answer is what a Go program or
// curl would do.
func (c Config) envProxyFor(secure bool, host string, port int) (*Proxy, string) {
	scheme := "http"
	p := c.HTTP
	if secure {
		scheme, p = "https", c.HTTPS
	}
	if p == nil {
		p = c.All
	}
	if p == nil {
		return nil, ""
	}
	cfg := httpproxy.Config{HTTPProxy: p.URL.String(), HTTPSProxy: p.URL.String(), NoProxy: c.noProxy}
	u := &url.URL{Scheme: scheme, Host: joinHostPort(host, port)}
	got, err := cfg.ProxyFunc()(u)
	if err != nil || got == nil {
		return nil, c.noProxyRule(host, port)
	}
	return p, ""
}

// noProxyRule names the NO_PROXY entry that made the environment bypass
// host, for the evidence; httpproxy itself only says yes or no.
func (c Config) noProxyRule(host string, port int) string {
	if implicitBypass(host) {
		return "localhost"
	}
	for _, e := range c.Bypass {
		one := httpproxy.Config{HTTPProxy: "http://p:1", NoProxy: e}
		if got, _ := one.ProxyFunc()(&url.URL{Scheme: "http", Host: joinHostPort(host, port)}); got == nil {
			return e
		}
	}
	return c.noProxy
}

func joinHostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(port)
	}
	return host + ":" + strconv.Itoa(port)
}
