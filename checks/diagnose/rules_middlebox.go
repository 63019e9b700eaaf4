package diagnose

// The product in the way, named by its maker, for the findings that blame
// a proxy or an inspecting device beyond TLS (proxy-strips-upgrade,
// proxy-blocks-connect with its block pages, messages-altered): the
// certificate issuer seen in the same run (a strong sign, enough alone),
// else two weak signs of one product in the answers of the run (headers,
// block page titles, the Proxy-Authenticate realm). One weak sign names
// nobody; the finding keeps its generic words.

import (
	"slices"
	"strings"
	"sync"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// nameableKinds are the kinds of product each finding may name: a proxy
// that refuses a tunnel or drops the upgrade is a device on the network;
// messages can also be changed by a program on the computer.
var nameableKinds = sync.OnceValue(func() map[string][]string {
	return map[string][]string{
		IDProxyStripsUpg:  {"network"},
		IDProxyBlocksCONN: {"network"},
		IDMessagesAltered: {"network", "endpoint"},
	}
})

// NameableKinds are the kinds of product finding id can name (none: it
// names no product by its maker beyond tls-intercepted's issuer).
func NameableKinds(id string) []string { return nameableKinds()[id] }

// ruleMiddlebox adds the vendor_<id> case, with the evidence that named
// the product, to the findings of nameableKinds.
func ruleMiddlebox(f *facts, fd *found) {
	for _, r := range fd.list {
		kinds, ok := nameableKinds()[r.id]
		// end_to_end: the service's own certificate, the change at the
		// service itself, no box in between to name.
		if !ok || slices.Contains(r.cases, "end_to_end") {
			continue
		}
		m, refs, ok := f.middlebox(kinds)
		if !ok {
			continue
		}
		r.cases = append(r.cases, m.VendorCase())
		for _, e := range refs {
			if !slices.Contains(r.refs, e) {
				r.refs = append(r.refs, e)
			}
		}
	}
}

// middlebox names the product of one of kinds in the way of this run,
// with the evidence that names it.
func (f *facts) middlebox(kinds []string) (Middlebox, []EvidenceRef, bool) {
	boxes := slices.DeleteFunc(slices.Clone(Middleboxes()), func(m Middlebox) bool { return !slices.Contains(kinds, m.Kind) })
	if tls, ok := f.get(engine.ProbeTLS); ok && tls.Status != engine.Skip {
		if m, ok := IdentifyIssuer(boxes, tls.Evidence.Value(engine.KeyLeafIssuerOrg), tls.Evidence.Value(engine.KeyLeafIssuer)); ok {
			return m, refs(tls, engine.KeyLeafIssuerOrg, engine.KeyLeafIssuer)[1:], true
		}
	}
	// The answers' evidence, the first value of each key, and which result
	// it came from.
	// A proxy's own answer (to CONNECT, or in place of the service's) is
	// kept under proxy_ keys: its headers count as the product's. Each key
	// holds the values of all results (the proxy's Server and the
	// service's), so that one does not hide the other.
	type source struct {
		r          engine.Result
		key, value string
	}
	from := map[string][]source{}
	var keys []string
	for _, r := range f.o.Results {
		if r.Status == engine.Skip {
			continue
		}
		for _, kv := range r.Evidence {
			k := kv.Key
			if a, ok := proxyHeaderKeys()[k]; ok {
				k = a
			}
			if kv.Value == "" {
				continue
			}
			if _, seen := from[k]; !seen {
				keys = append(keys, k)
			}
			from[k] = append(from[k], source{r, kv.Key, kv.Value})
		}
	}
	var merged engine.Evidence
	for _, k := range keys {
		var vs []string
		for _, s := range from[k] {
			vs = append(vs, s.value)
		}
		merged.Set(k, strings.Join(vs, "\n"))
	}
	m, signs, ok := IdentifyAnswer(boxes, merged)
	if !ok {
		return Middlebox{}, nil, false
	}
	var out []EvidenceRef
	for _, k := range signs {
		for _, s := range from[k] {
			if m.shows(k, s.value) {
				out = append(out, ref(s.r, s.key))
			}
		}
	}
	return m, out, true
}

// proxyHeaderKeys are the evidence keys of a proxy's own answer headers
// and the fingerprints' keys of the same headers; proxy_reason is the
// error name of X-Squid-Error (netenv's ProxyError.Reason).
var proxyHeaderKeys = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"proxy_server":        engine.KeyServer,
		"proxy_via":           engine.KeyVia,
		engine.KeyProxyReason: "x_squid_error",
	}
})
