package session

import (
	"context"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// MachineSampler is the Sampler of a watch of t that reads this machine
// (netenv.ReadSample with rd; nil: the real readers; rd.Path, when empty,
// becomes t's path, which a PAC script sees): the first call is
// the baseline, each later one returns what changed since the last known
// state as WatchChange events. What could not be read (the DNS on a
// network without a route) is no change, and is compared with its last
// known value once it can be read again.
func MachineSampler(t engine.Target, rd *netenv.SampleReader) Sampler {
	if rd == nil {
		rd = &netenv.SampleReader{}
	}
	if rd.Path == "" {
		rd.Path = t.Path
	}
	var last netenv.Sample
	first := true
	return func(ctx context.Context) []engine.WatchEvent {
		s := netenv.ReadSample(ctx, t.Host, t.Port, t.Secure(), rd)
		if ctx.Err() != nil {
			return nil // cut short: not a reading to compare
		}
		var out []engine.WatchEvent
		if !first {
			for _, c := range s.Changes(last) {
				out = append(out, engine.WatchEvent{At: s.At, Kind: engine.WatchChange, What: c.What, From: c.From, To: c.To})
			}
		}
		first = false
		last = s.Fill(last)
		return out
	}
}

// sampler is c.NewSampler, or by default MachineSampler with c's VPN
// reader and, when req goes as a PAC file answers (--pac FILE|URL,
// --proxy pac:...), that file: its answer is the one the watch's
// connections follow, so it is the one watched for a change.
func (c *Checker) sampler(t engine.Target, req Request) Sampler {
	if c.NewSampler != nil {
		return c.NewSampler(t)
	}
	rd := &netenv.SampleReader{VPN: c.ReadVPN}
	if req.Proxy.Kind == netenv.ModePAC {
		rd.PACURL = req.Proxy.PAC
	}
	return MachineSampler(t, rd)
}
