package engine

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
)

// DNSProbe looks up the target's A and AAAA records at the same time.
//
// Evidence: "a" and "aaaa" (addresses, comma-separated), "a_error" and
// "aaaa_error" when one family failed, "literal" when the target is an IP.
func DNSProbe() Probe {
	return Probe{Name: ProbeDNS, Run: probeDNS}
}

func probeDNS(ctx context.Context, r *ProbeRun) Result {
	res := r.Result()
	if r.Target.IsIP() {
		res.Status, res.Code = Pass, CodeOK
		res.Reason = "the address is an IP; no lookup needed"
		res.Evidence.Set("literal", r.Target.Host)
		r.SetAddrs(r.Addrs())
		return res
	}
	end := r.Begin(PhaseResolve)
	type answer struct {
		addrs []netip.Addr
		err   error
	}
	var v4, v6 answer
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); v4.addrs, v4.err = r.Lookup(ctx, "ip4", r.Target.Host) }()
	go func() { defer wg.Done(); v6.addrs, v6.err = r.Lookup(ctx, "ip6", r.Target.Host) }()
	wg.Wait()
	end()

	var all []netip.Addr
	for _, a := range []struct {
		key string
		answer
	}{{"a", v4}, {"aaaa", v6}} {
		if a.err != nil {
			res.Evidence.Set(a.key+"_error", Classify(a.err))
			continue
		}
		var s []string
		for _, ip := range a.addrs {
			ip = ip.Unmap()
			all = append(all, ip)
			s = append(s, ip.String())
		}
		res.Evidence.Set(a.key, strings.Join(s, ","))
	}
	if len(all) == 0 {
		err := v4.err
		if err == nil {
			err = v6.err
		}
		res.Status = Fail
		if err == nil {
			res.Code, res.Reason = CodeNXDomain, "the name has no A or AAAA records"
			return res
		}
		res.Code, res.Error = Classify(err), err.Error()
		res.Reason = fmt.Sprintf("%s does not resolve", r.Target.Host)
		return res
	}
	// Applications try IPv6 first where the machine has it.
	sortAddrs(all)
	r.SetAddrs(all)
	res.Status, res.Code = Pass, CodeOK
	res.Reason = fmt.Sprintf("%d address(es)", len(all))
	return res
}

// sortAddrs puts IPv6 before IPv4, keeping the resolver's order otherwise.
func sortAddrs(a []netip.Addr) {
	var v6, v4 []netip.Addr
	for _, ip := range a {
		if ip.Is6() {
			v6 = append(v6, ip)
		} else {
			v4 = append(v4, ip)
		}
	}
	copy(a, append(v6, v4...))
}
