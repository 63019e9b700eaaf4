package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// envReport is what `wsdoctor env` prints.
type envReport struct {
	Settings netenv.Settings    `json:"settings"`
	Target   string             `json:"target,omitempty"`
	Route    *netenv.Route      `json:"route,omitempty"`
	PAC      *envPAC            `json:"pac,omitempty"`
	WPAD     *netenv.WPADResult `json:"wpad,omitempty"`
	// Firefox is the default Firefox profile's proxy setting, when
	// Firefox has a profile here.
	Firefox *netenv.FirefoxProxy `json:"firefox,omitempty"`
	VPN     netenv.VPN           `json:"vpn"`
}

// envPAC is the result of --pac for the target.
type envPAC struct {
	Location string   `json:"location"`
	URL      string   `json:"url"`
	Result   string   `json:"result,omitempty"`
	Entries  []string `json:"entries,omitempty"`
	Notes    []string `json:"notes,omitempty"`
	Error    string   `json:"error,omitempty"`
}

// Env runs `wsdoctor env [URL] [--pac FILE|URL] [--wpad] [--json]`: the
// proxy settings found with their sources, the route to URL, a PAC file
// evaluated for URL, WPAD discovery, and VPNs.
func Env(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// What env prints names proxies, PAC files and the address as they
	// were given: their passwords and tokens are hidden.
	stdout, stderr = redactWriter{stdout}, redactWriter{stderr}
	fs := flag.NewFlagSet("wsdoctor env", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print as JSON")
	pac := fs.String("pac", "", "evaluate this PAC `file or URL` for the address")
	wpad := fs.Bool("wpad", false, "try WPAD discovery (the address DHCP gave, then DNS wpad.<domain>)")
	var proxy netenv.Mode
	fs.Var(&proxy, "proxy", "proxy `mode`: system, none, a proxy URL, or pac:FILE|URL")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: wsdoctor env [URL] [flags]\n\nShows the proxy settings, PAC and VPN this machine has, and the route to URL.\n\nFlags:")
		fs.PrintDefaults()
	}
	pos, code, done := parseArgs(fs, args)
	if done {
		return code
	}
	if len(pos) > 1 {
		fmt.Fprintf(stderr, "wsdoctor env: one address at a time, got %d\n", len(pos))
		return ExitUsage
	}
	var target engine.Target
	if len(pos) == 1 {
		var err error
		if target, err = engine.ParseTarget(pos[0]); err != nil {
			fmt.Fprintf(stderr, "wsdoctor env: %v\n", err)
			return ExitUsage
		}
	} else if *pac != "" {
		fmt.Fprintln(stderr, "wsdoctor env: --pac needs an address to evaluate it for")
		return ExitUsage
	}

	rep := envReport{Settings: netenv.ReadSettings(ctx, nil), VPN: netenv.ReadVPN(ctx)}
	if f, ok := netenv.ReadFirefoxProxy(); ok {
		rep.Firefox = &f
	}
	if target.Host != "" {
		rep.Target = target.URL()
		rv := &netenv.Resolver{Settings: &rep.Settings}
		route := rv.Route(ctx, proxy, target.Secure(), target.Host, target.Port, target.Path)
		rep.Route = &route
	}
	if *pac != "" {
		rep.PAC = evalPACFlag(ctx, *pac, target)
	}
	if *wpad {
		w := netenv.DiscoverWPAD(ctx, netenv.WPADOptions{})
		rep.WPAD = &w
	}
	if *asJSON {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			fmt.Fprintf(stderr, "wsdoctor env: %v\n", err)
			return ExitProblem
		}
		stdout.Write(append(b, '\n'))
		return ExitOK
	}
	printEnv(stdout, rep)
	return ExitOK
}

func evalPACFlag(ctx context.Context, loc string, t engine.Target) *envPAC {
	out := &envPAC{Location: loc, URL: netenv.PACURLFor(t.Secure(), t.Host, t.Port, t.Path)}
	script, err := netenv.LoadPAC(ctx, loc, nil)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	p, err := netenv.CompilePAC(loc, script, nil)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	raw, entries, notes, err := p.EvalPAC(ctx, t.Secure(), t.Host, t.Port, t.Path)
	out.Result, out.Notes = raw, notes
	if err != nil {
		out.Error = err.Error()
	}
	for _, e := range entries {
		out.Entries = append(out.Entries, e.String())
	}
	return out
}

func printEnv(w io.Writer, rep envReport) {
	fmt.Fprintln(w, "Proxy settings (in the order applications consult them):")
	if len(rep.Settings.Configs) == 0 {
		fmt.Fprintln(w, "  none found")
	}
	for _, c := range rep.Settings.Configs {
		state := "off"
		if c.Enabled {
			state = "on"
		}
		mode := ""
		if c.Mode != "" {
			mode = ", " + c.Mode
		}
		fmt.Fprintf(w, "  %s (%s%s) from %s\n", c.Source, state, mode, c.Origin)
		for _, p := range []struct {
			name string
			p    *netenv.Proxy
		}{{"http", c.HTTP}, {"https", c.HTTPS}, {"socks", c.SOCKS}, {"all", c.All}} {
			if p.p != nil {
				fmt.Fprintf(w, "    %-6s %s   (%s)\n", p.name, p.p.String(), p.p.From)
			}
		}
		if c.PACURL != "" {
			fmt.Fprintf(w, "    pac    %s\n", c.PACURL)
		}
		if c.AutoDetect {
			fmt.Fprintln(w, "    auto-detect (WPAD) on")
		}
		if len(c.Bypass) > 0 {
			fmt.Fprintf(w, "    bypass %s   (%s)\n", strings.Join(c.Bypass, ", "), c.BypassFrom)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(w, "    note: %s\n", n)
		}
	}
	for _, e := range rep.Settings.Errors {
		fmt.Fprintf(w, "  could not read: %s\n", e)
	}
	if rep.Route != nil {
		r := rep.Route
		fmt.Fprintf(w, "\nRoute to %s: %s\n", rep.Target, r.Describe())
		if r.Source != "" {
			fmt.Fprintf(w, "  decided by %s %s\n", r.Source, r.Origin)
		}
		if r.Setting != "" {
			fmt.Fprintf(w, "  PAC named by %s\n", r.Setting)
		}
		if fb := r.FoundBy(); fb != "" {
			fmt.Fprintf(w, "  PAC file found by: %s\n", fb)
		}
		if r.PACResult != "" {
			fmt.Fprintf(w, "  PAC answered %q\n", r.PACResult)
		}
		if r.Bypass != "" {
			fmt.Fprintf(w, "  direct because of %q\n", r.Bypass)
		}
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		if r.Err != nil {
			fmt.Fprintf(w, "  problem: %v\n", r.Err)
		}
	}
	if p := rep.PAC; p != nil {
		fmt.Fprintf(w, "\nPAC %s for %s:\n", p.Location, p.URL)
		if p.Result != "" {
			fmt.Fprintf(w, "  answered %q\n", p.Result)
		}
		if len(p.Entries) > 0 {
			fmt.Fprintf(w, "  use: %s\n", strings.Join(p.Entries, "; "))
		}
		for _, n := range p.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		if p.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", p.Error)
		}
	}
	if wp := rep.WPAD; wp != nil {
		fmt.Fprintf(w, "\nWPAD (search domains: %s):\n", strings.Join(wp.Domains, ", "))
		for _, tr := range wp.Tried {
			fmt.Fprintf(w, "  %s: %s\n", tr.Host, tr.Result)
		}
		if wp.URL != "" {
			fmt.Fprintf(w, "  found %s (by %s)\n", wp.URL, wp.Method)
		} else {
			fmt.Fprintln(w, "  no PAC file found")
		}
		fmt.Fprintf(w, "  note: %s\n", wp.Note)
	}
	if f := rep.Firefox; f != nil {
		fmt.Fprintf(w, "\nFirefox (%s): %s\n", f.Profile, f.Describe())
	}
	v := rep.VPN
	fmt.Fprintln(w, "\nVPN:")
	if v.Active {
		prod := v.Product
		if prod == "" {
			prod = "unknown product"
		}
		fmt.Fprintf(w, "  active: all traffic goes through %s (%s)\n", v.Via, prod)
	} else {
		fmt.Fprintln(w, "  no VPN carries the default route")
	}
	for _, i := range v.Interfaces {
		fmt.Fprintf(w, "  %s: %s; %s", i.Name, orDash(i.Product), i.Why)
		if len(i.DefaultRoute) > 0 {
			fmt.Fprintf(w, "; default route (%s)", strings.Join(i.DefaultRoute, ", "))
		}
		fmt.Fprintln(w)
	}
	for _, r := range v.DefaultRoutes {
		fmt.Fprintf(w, "  default %s via %s %s\n", r.Family, r.Iface, r.Gateway)
	}
	for _, n := range v.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	if v.Error != "" {
		fmt.Fprintf(w, "  could not read: %s\n", v.Error)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
