package diagnose

import (
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// Which side of the connection an answer came from, as far as its headers
// and page tell.
type side int

const (
	sideUnknown side = iota
	// sideClient: a proxy, filter or firewall on the user's network.
	sideClient
	// sideService: the service's own CDN or reverse proxy.
	sideService
)

// clientBoxProducts are names of forward proxies, web filters and firewalls
// that show in a Server, Via or Proxy-Agent header or a block page title.
var clientBoxProducts = []string{
	"squid", "bluecoat", "blue coat", "proxysg", "zscaler", "netskope",
	"forcepoint", "websense", "fortigate", "fortiguard", "fortinet",
	"mcafee web gateway", "skyhigh", "sophos", "cisco wsa", "ironport",
	"palo alto", "pan-os", "checkpoint", "check point", "barracuda",
	"smoothwall", "untangle", "kerio", "privoxy", "tinyproxy", "ccproxy",
	"contentkeeper", "lightspeed", "securly", "iboss", "cyberoam",
	"watchguard", "sonicwall", "kaspersky", "eset", "avast",
	"bitdefender", "trend micro", "trendmicro",
}

// blockPageWords are phrases of the pages a filter shows instead of the site.
var blockPageWords = []string{
	"blocked", "block page", "denied by", "web filter", "content filter",
	"url filter", "filtered", "not permitted", "restricted", "policy",
	"could not be retrieved", "proxy", "firewall", "access to this site",
}

// serviceSideHeaders say the service's CDN or hosting answered or relayed.
var serviceSideHeaders = []string{"cf_ray", "x_amz_cf_id", "x_azure_ref", "x_served_by", "x_iinfo"}

// serviceSideServers are Server values of CDNs and hosting front ends.
var serviceSideServers = []string{"cloudflare", "awselb", "cloudfront", "akamai", "fastly", "varnish", "envoy", "azure", "gws", "vercel", "netlify"}

// interceptionProducts are names in a certificate issuer that show TLS
// interception by a security product.
var interceptionProducts = []string{
	"zscaler", "netskope", "palo alto", "fortinet", "fortigate", "blue coat",
	"bluecoat", "symantec web", "sophos", "kaspersky", "eset", "avast",
	"bitdefender", "mcafee", "skyhigh", "forcepoint", "websense", "cisco umbrella",
	"umbrella", "check point", "checkpoint", "barracuda", "trend micro",
	"watchguard", "sonicwall", "mitmproxy", "charles proxy", "fiddler",
	"do_not_trust", "cyberoam", "iboss", "lightspeed", "securly", "contentkeeper",
}

func containsAny(s string, words []string) string {
	l := strings.ToLower(s)
	for _, w := range words {
		if strings.Contains(l, w) {
			return w
		}
	}
	return ""
}

// answerSide reads which side a non-101 answer came from, and the evidence
// that says so. A page that names a filter or a header only proxies add
// points at the user's network; a CDN's headers at the service.
func answerSide(r engine.Result) (side, []EvidenceRef) {
	ev := r.Evidence
	var client, service []EvidenceRef
	for _, k := range []string{"x_squid_error", "proxy_agent", "x_bluecoat_via", "proxy_connection", "proxy_authenticate"} {
		if _, ok := ev.Get(k); ok {
			client = append(client, ref(r, k))
		}
	}
	for _, k := range []string{"server", "via"} {
		if containsAny(ev.Value(k), clientBoxProducts) != "" {
			client = append(client, ref(r, k))
		}
	}
	for _, k := range []string{"title", "body_title"} {
		t := ev.Value(k)
		if t != "" && (containsAny(t, blockPageWords) != "" || containsAny(t, clientBoxProducts) != "") {
			client = append(client, ref(r, k))
		}
	}
	for _, k := range serviceSideHeaders {
		if _, ok := ev.Get(k); ok {
			service = append(service, ref(r, k))
		}
	}
	if containsAny(ev.Value("server"), serviceSideServers) != "" {
		service = append(service, ref(r, engine.KeyServer))
	}
	switch {
	case len(client) > 0:
		return sideClient, client
	case len(service) > 0:
		return sideService, service
	}
	return sideUnknown, nil
}

// isIIS reports whether the answer came from Microsoft IIS.
func isIIS(r engine.Result) bool {
	return strings.Contains(strings.ToLower(r.Evidence.Value(engine.KeyServer)), "microsoft-iis")
}

// interceptor is the inspection product named by the tls probe's issuer,
// or "".
func interceptor(tls engine.Result) string {
	for _, k := range []string{"leaf_issuer_org", "leaf_issuer", "root"} {
		if p := containsAny(tls.Evidence.Value(k), interceptionProducts); p != "" {
			return p
		}
	}
	return ""
}
