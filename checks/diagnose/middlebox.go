package diagnose

// The products in the way, named by their maker: the fingerprints of
// assets/middleboxes.json (data, not code), and a matcher that names a
// product only on a strong sign (its certificate issuer) or on two weak
// ones (headers, block page, proxy realm, the proxy script's host), never
// on one weak sign.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// Middlebox is one product's fingerprints, as assets/middleboxes.json
// holds them. Patterns match a value without regard to case, anywhere in
// it; an empty pattern matches the key's presence.
type Middlebox struct {
	// ID names its texts: finding.tls-intercepted.case.vendor_<ID>.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Kind is "network" (a gateway or proxy) or "endpoint" (a program on
	// the computer).
	Kind string `json:"kind"`
	// IssuerOrg and IssuerCN are patterns of the organisation and common
	// name of the certificates it signs in place of the service's.
	IssuerOrg []string `json:"issuer_org"`
	IssuerCN  []string `json:"issuer_cn"`
	// Headers are patterns of response headers, by evidence key (server,
	// via, x_squid_error).
	Headers map[string][]string `json:"headers"`
	// BlockPage are words of the title of its block pages.
	BlockPage []string `json:"block_page"`
	// ProxyRealm are words of its Proxy-Authenticate realm.
	ProxyRealm []string `json:"proxy_realm"`
	// PACHosts are host names its proxy scripts are served from: where
	// the run's proxy came from (proxy_origin) on one of them is a weak
	// sign.
	PACHosts []string `json:"pac_hosts"`
	// Processes are the names of its programs or services on the
	// computer, by GOOS.
	Processes map[string][]string `json:"processes"`
}

// VendorCase is the case of tls-intercepted (and of the findings of
// NameableKinds) that names m.
func (m Middlebox) VendorCase() string { return "vendor_" + m.ID }

type middleboxFile struct {
	Products []Middlebox `json:"products"`
}

// Middleboxes are the products of assets/middleboxes.json, read once.
var Middleboxes = sync.OnceValue(func() []Middlebox {
	ms, err := ParseMiddleboxes(assets.Middleboxes)
	if err != nil {
		panic(err) // the file is embedded: a broken one is a programming error
	}
	return ms
})

// ParseMiddleboxes reads a fingerprint file; every product needs an ID
// (lower case letters, digits and _), a name and a kind, and IDs are
// unique.
func ParseMiddleboxes(b []byte) ([]Middlebox, error) {
	var f middleboxFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("middleboxes: %w", err)
	}
	seen := map[string]bool{}
	for _, m := range f.Products {
		if m.ID == "" || strings.Trim(m.ID, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" || m.Name == "" {
			return nil, fmt.Errorf("middleboxes: product %q: an id of a-z, 0-9 and _ and a name are needed", m.ID)
		}
		if m.Kind != "network" && m.Kind != "endpoint" {
			return nil, fmt.Errorf("middleboxes: %s: kind %q is neither network nor endpoint", m.ID, m.Kind)
		}
		if seen[m.ID] {
			return nil, fmt.Errorf("middleboxes: %s is listed twice", m.ID)
		}
		seen[m.ID] = true
	}
	return f.Products, nil
}

// vendorCases are the cases that name a product of one of kinds.
func vendorCases(kinds ...string) []string {
	var cs []string
	for _, m := range Middleboxes() {
		if slices.Contains(kinds, m.Kind) {
			cs = append(cs, m.VendorCase())
		}
	}
	return cs
}

// matchesAny reports whether v holds one of the patterns, without regard
// to case.
func matchesAny(v string, patterns []string) bool {
	l := strings.ToLower(v)
	return slices.ContainsFunc(patterns, func(p string) bool { return p != "" && strings.Contains(l, strings.ToLower(p)) })
}

// IdentifyIssuer names the product whose certificates are issued by an
// authority with this organisation and common name: a strong sign, enough
// alone.
func IdentifyIssuer(boxes []Middlebox, org, cn string) (Middlebox, bool) {
	for _, m := range boxes {
		if (org != "" && matchesAny(org, m.IssuerOrg)) || (cn != "" && matchesAny(cn, m.IssuerCN)) {
			return m, true
		}
	}
	return Middlebox{}, false
}

// blockPageKeys hold the words of a block page: the titles of pages, and
// the start of the body of a proxy's refusal (proxy_body).
var blockPageKeys = []string{engine.KeyTitle, engine.KeyBodyTitle, engine.KeyTunnelTitle, "proxy_body"}

// IdentifyAnswer names the product an answer came from by its weak signs
// (headers by evidence key, the block page's title or body, the proxy's
// realm): only when two different signs agree.
func IdentifyAnswer(boxes []Middlebox, ev engine.Evidence) (Middlebox, []string, bool) {
	for _, m := range boxes {
		var signs []string
		for k, ps := range m.Headers {
			v, ok := ev.Get(k)
			if ok && (slices.Contains(ps, "") || matchesAny(v, ps)) {
				signs = append(signs, k)
			}
		}
		for _, k := range blockPageKeys {
			if matchesAny(ev.Value(k), m.BlockPage) {
				signs = append(signs, k)
				break
			}
		}
		if matchesAny(ev.Value(engine.KeyProxyAuth), m.ProxyRealm) {
			signs = append(signs, engine.KeyProxyAuth)
		}
		if m.servesPAC(ev.Value(engine.KeyProxyOrigin)) {
			signs = append(signs, engine.KeyProxyOrigin)
		}
		if len(signs) >= 2 {
			slices.Sort(signs)
			return m, signs, true
		}
	}
	return Middlebox{}, nil, false
}

// shows reports whether the value v of evidence key k is one of m's
// signs.
func (m Middlebox) shows(k, v string) bool {
	if ps, ok := m.Headers[k]; ok && v != "" && (slices.Contains(ps, "") || matchesAny(v, ps)) {
		return true
	}
	if slices.Contains(blockPageKeys, k) && matchesAny(v, m.BlockPage) {
		return true
	}
	if k == engine.KeyProxyOrigin {
		return m.servesPAC(v)
	}
	return k == engine.KeyProxyAuth && matchesAny(v, m.ProxyRealm)
}

// servesPAC reports whether origins (where the run's proxy came from, one
// a line) holds a proxy script's address on one of m's PAC hosts (the
// host itself or a name under it): a weak sign, as anyone may name a
// script so.
func (m Middlebox) servesPAC(origins string) bool {
	for _, o := range strings.Split(origins, "\n") {
		u, err := url.Parse(strings.TrimSpace(o))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			continue
		}
		h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
		if slices.ContainsFunc(m.PACHosts, func(p string) bool {
			p = strings.ToLower(p)
			return p != "" && (h == p || strings.HasSuffix(h, "."+p))
		}) {
			return true
		}
	}
	return false
}
