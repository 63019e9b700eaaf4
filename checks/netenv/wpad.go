package netenv

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// maxWPADCandidates bounds how many wpad.<domain> names are tried.
const maxWPADCandidates = 6

// WPADDHCPNote says what DNS discovery cannot see.
const WPADDHCPNote = "a WPAD address handed out by DHCP (option 252) cannot be checked from here; only DNS (wpad.<domain>) was tried"

// WPADBothNote says both ways were tried.
const WPADBothNote = "DHCP (option 252) gave no WPAD address, and DNS (wpad.<domain>) found none"

// How WPAD found a PAC file (WPADResult.Method, Route.Discovery).
const (
	// FoundByDHCP: the address DHCP handed out (option 252).
	FoundByDHCP = "dhcp"
	// FoundByDNS: http://wpad.<domain>/wpad.dat.
	FoundByDNS = "dns"
	// FoundByURL: a PAC address the settings (or the user) named.
	FoundByURL = "url"
	// FoundNone: auto-detect was on and found nothing.
	FoundNone = "none"
)

// SearchDomains reads the search and domain lines of a resolv.conf.
func SearchDomains(resolvConf string) []string {
	var out []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(resolvConf))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || (f[0] != "search" && f[0] != "domain") {
			continue
		}
		for _, d := range f[1:] {
			d = strings.ToLower(strings.TrimSuffix(d, "."))
			if d != "" && d != "." && !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// WPADHosts are the names DNS-based WPAD tries for the search domains:
// wpad.<domain>, then wpad.<parent> down to two labels (never wpad.com).
func WPADHosts(domains []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range domains {
		labels := strings.Split(d, ".")
		for i := 0; len(labels)-i >= 2; i++ {
			h := "wpad." + strings.Join(labels[i:], ".")
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
			if len(out) == maxWPADCandidates {
				return out
			}
		}
	}
	return out
}

// WPADTry is what one wpad.<domain> gave.
type WPADTry struct {
	Host string `json:"host"`
	// Result is "nxdomain" (no such name), "found" (a PAC file was
	// loaded), or the error.
	Result string `json:"result"`
}

// WPADResult is what DNS-based WPAD discovery found.
type WPADResult struct {
	Domains []string  `json:"domains"`
	Tried   []WPADTry `json:"tried"`
	// URL and Script are the PAC file found, if any.
	URL    string `json:"url,omitempty"`
	Script []byte `json:"-"`
	Note   string `json:"note"`
	// Method is FoundByDHCP or FoundByDNS when a PAC file was found.
	Method string `json:"method,omitempty"`
	// DHCPURL is the WPAD address DHCP handed out, if any.
	DHCPURL string `json:"dhcp_url,omitempty"`
}

// WPADOptions are the edges DiscoverWPAD uses; zero fields are the real
// ones.
type WPADOptions struct {
	// Domains are the search domains; nil means those of
	// /etc/resolv.conf.
	Domains []string
	// Lookup resolves a name.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// Client fetches the PAC file.
	Client *http.Client
	// DHCP reads the WPAD address DHCP handed out ("" when none); nil
	// means the system's way (NetworkManager on Linux, WinHTTP on
	// Windows), or none where there is no way.
	DHCP func(ctx context.Context) (string, error)
}

// errNoDHCPSource: this machine has no way to read DHCP's WPAD address
// (no NetworkManager).
var errNoDHCPSource = errors.New("no DHCP client to ask")

// dhcpWPADTimeout bounds asking the system for DHCP's WPAD address: a
// local query, which must never hold up the check.
const dhcpWPADTimeout = 2 * time.Second

// DiscoverWPAD tries http://wpad.<domain>/wpad.dat for the search domains,
// in order, within WPADTimeout, and returns the first PAC file found.
func DiscoverWPAD(ctx context.Context, opt WPADOptions) WPADResult {
	ctx, cancel := context.WithTimeout(ctx, WPADTimeout)
	defer cancel()
	res := WPADResult{Domains: opt.Domains, Note: WPADDHCPNote}
	dhcp := opt.DHCP
	if dhcp == nil {
		dhcp = systemDHCPWPAD
	}
	if dhcp != nil {
		dctx, dcancel := context.WithTimeout(ctx, dhcpWPADTimeout)
		u, err := dhcp(dctx)
		dcancel()
		if !errors.Is(err, errNoDHCPSource) {
			res.Note = WPADBothNote
		}
		switch {
		case errors.Is(err, errNoDHCPSource):
		case err != nil:
			res.Tried = append(res.Tried, WPADTry{"DHCP", err.Error()})
		case u == "":
			res.Tried = append(res.Tried, WPADTry{"DHCP", "no WPAD address"})
		default:
			res.DHCPURL = u
			script, err := LoadPAC(ctx, u, opt.Client)
			if err == nil {
				res.Tried = append(res.Tried, WPADTry{"DHCP " + u, "found"})
				res.URL, res.Script, res.Method = u, script, FoundByDHCP
				return res
			}
			res.Tried = append(res.Tried, WPADTry{"DHCP " + u, err.Error()})
		}
	}
	if res.Domains == nil {
		res.Domains = systemSearchDomains()
	}
	env := &PACEnv{Lookup: opt.Lookup}
	for _, h := range WPADHosts(res.Domains) {
		if ctx.Err() != nil {
			res.Tried = append(res.Tried, WPADTry{h, "not tried: out of time"})
			continue
		}
		if _, err := env.lookup(ctx, h); err != nil {
			r := "nxdomain"
			if !isNotFound(err) {
				r = err.Error()
			}
			res.Tried = append(res.Tried, WPADTry{h, r})
			continue
		}
		u := "http://" + h + "/wpad.dat"
		script, err := LoadPAC(ctx, u, opt.Client)
		if err != nil {
			res.Tried = append(res.Tried, WPADTry{h, err.Error()})
			continue
		}
		res.Tried = append(res.Tried, WPADTry{h, "found"})
		res.URL, res.Script, res.Method = u, script, FoundByDNS
		return res
	}
	return res
}

// ParseNmcliWPAD finds the WPAD address in `nmcli -t -f DHCP4 device show`:
// the line "DHCP4.OPTION[n]:wpad = http://...". "" when there is none.
func ParseNmcliWPAD(out string) string {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		_, opt, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v, ok := strings.Cut(opt, "=")
		if ok && strings.TrimSpace(k) == "wpad" {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}
