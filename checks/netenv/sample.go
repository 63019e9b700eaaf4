package netenv

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"
)

// A watch (issue 24) keeps connections open for hours and asks, every ten
// seconds, what changed under them: ReadSample reads it, Changes compares
// two samples. Everything is read without privileges, every step under a
// time bound, and at most one or two cheap programs are started a sample
// (the desktop's proxy settings on Linux, the Wi-Fi name where the OS
// only tells it through a command), since a sample runs 8,640 times a day.

// What a Change is about. checks/engine's ChangeRoute... are these same
// strings (a test there keeps them equal): netenv is below the engine and
// cannot name its constants.
const (
	ChangeRoute     = "route"     // the default route's gateway
	ChangeInterface = "interface" // the default route's interface
	ChangeWiFi      = "wifi"      // the Wi-Fi network's name
	ChangeVPN       = "vpn"       // the VPN interfaces that are up
	ChangeProxy     = "proxy"     // the proxy setting applications follow
	ChangePAC       = "pac"       // the PAC script's answer for the host
	ChangeDNS       = "dns"       // the host's addresses
)

// The time bounds of one sample. The steps run side by side; the longest
// chain is the proxy settings, then the PAC file's fetch, then its run
// (2 + 3 + 2 s), within SampleTimeout, well under the 10 s between two
// samples.
const (
	// SampleTimeout bounds a whole sample.
	SampleTimeout = 8 * time.Second
	// sampleCommandTimeout bounds one program (gsettings, iwgetid, nmcli,
	// netsh, networksetup): they answer in milliseconds.
	sampleCommandTimeout = 2 * time.Second
	// samplePACFetchTimeout bounds loading the PAC file again.
	samplePACFetchTimeout = 3 * time.Second
	// samplePACEvalTimeout bounds running it.
	samplePACEvalTimeout = 2 * time.Second
	// sampleDNSTimeout bounds the host's lookup: a watch on a network
	// without a route must not pile lookups up.
	sampleDNSTimeout = 2 * time.Second
)

// Reading is one thing a sample read: its value, and whether it could be
// read at all. An empty known value is a state of its own: no default
// route, no Wi-Fi network, no VPN, no proxy.
type Reading struct {
	Value string `json:"value"`
	Known bool   `json:"known"`
}

func known(v string) Reading { return Reading{Value: v, Known: true} }

// Sample is what can change under a connection, at one moment.
type Sample struct {
	At time.Time `json:"at"`
	// Route is the default route's gateway ("" when it has none, or there
	// is no default route), Interface its interface; the one in use, IPv4
	// first.
	Route     Reading `json:"route"`
	Interface Reading `json:"interface"`
	// WiFi is the Wi-Fi network's name (SSID), "" when not on Wi-Fi.
	WiFi Reading `json:"wifi"`
	// VPN names the VPN interfaces that are up, "wg0 (WireGuard)", comma
	// separated; "" for none.
	VPN Reading `json:"vpn"`
	// Proxy is the proxy setting applications follow, in one line with
	// passwords hidden; "" for none.
	Proxy Reading `json:"proxy"`
	// PAC is the PAC script's answer for the host, when a PAC file is set.
	PAC Reading `json:"pac"`
	// DNS is the host's addresses, sorted, comma separated.
	DNS Reading `json:"dns"`
	// Took is how long the sample took.
	Took time.Duration `json:"took_ns"`
}

// Change is one thing that differs between two samples. What is one of
// ChangeRoute...; From and To are the values ("" for none).
type Change struct {
	What string `json:"what"`
	From string `json:"from"`
	To   string `json:"to"`
}

// Changes lists what differs from prev to s, in the order of Sample's
// fields. Only two known values are compared: a thing that could not be
// read (the DNS on a network without a route) is no change, so pass as
// prev the last sample with the unknowns filled (Fill). The DNS answer
// changes only when the two address sets share no address: a round-robin
// name answers a different subset every time, and a connection to any of
// them is as good.
func (s Sample) Changes(prev Sample) []Change {
	var out []Change
	for _, f := range []struct {
		what      string
		from, to  Reading
		sameOrNot func(a, b string) bool
	}{
		{ChangeRoute, prev.Route, s.Route, nil},
		{ChangeInterface, prev.Interface, s.Interface, nil},
		{ChangeWiFi, prev.WiFi, s.WiFi, nil},
		{ChangeVPN, prev.VPN, s.VPN, nil},
		{ChangeProxy, prev.Proxy, s.Proxy, nil},
		{ChangePAC, prev.PAC, s.PAC, nil},
		{ChangeDNS, prev.DNS, s.DNS, overlap},
	} {
		if !f.from.Known || !f.to.Known {
			continue
		}
		same := f.from.Value == f.to.Value
		if f.sameOrNot != nil {
			same = f.sameOrNot(f.from.Value, f.to.Value)
		}
		if !same {
			out = append(out, Change{What: f.what, From: f.from.Value, To: f.to.Value})
		}
	}
	return out
}

// Fill is s with what it could not read taken from prev: the last known
// state, to compare the next sample with.
func (s Sample) Fill(prev Sample) Sample {
	for _, p := range []struct{ to, from *Reading }{
		{&s.Route, &prev.Route}, {&s.Interface, &prev.Interface}, {&s.WiFi, &prev.WiFi},
		{&s.VPN, &prev.VPN}, {&s.Proxy, &prev.Proxy}, {&s.PAC, &prev.PAC}, {&s.DNS, &prev.DNS},
	} {
		if !p.to.Known {
			*p.to = *p.from
		}
	}
	return s
}

// overlap reports whether two comma-separated address lists share one
// (two empty lists are the same answer).
func overlap(a, b string) bool {
	if a == b {
		return true
	}
	if a == "" || b == "" {
		return false
	}
	as := strings.Split(a, ",")
	for _, x := range strings.Split(b, ",") {
		if slices.Contains(as, x) {
			return true
		}
	}
	return false
}

// SampleReader reads the machine for ReadSample; tests replace its parts.
// Keep one for a whole watch: it keeps the compiled PAC script between
// samples. Safe for use by one ReadSample at a time.
type SampleReader struct {
	// VPN reads the interfaces and default routes; nil means ReadVPN.
	VPN func(ctx context.Context) VPN
	// WiFi reads the Wi-Fi network's name and whether it could; nil means
	// this OS's reader (iwgetid or nmcli on Linux, netsh on Windows,
	// networksetup on macOS). A missing program is unknown, never an
	// error.
	WiFi func(ctx context.Context) (ssid string, ok bool)
	// Settings reads the proxy settings; nil means ReadSettings with OS.
	Settings func(ctx context.Context) Settings
	// OS runs the programs and reads the files of the default readers.
	OS *OSReader
	// PACURL is the PAC file the check was told to use (--pac); empty
	// means the one the proxy setting names, if any.
	PACURL string
	// Path is the request path, which a PAC script sees for ws://
	// targets; empty means "/".
	Path string
	// LoadPAC loads a PAC file; nil means LoadPAC with a direct client.
	LoadPAC func(ctx context.Context, location string) ([]byte, error)
	// PACEnv is what the PAC script sees.
	PACEnv *PACEnv
	// Lookup resolves the host; nil means net.DefaultResolver.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu     sync.Mutex
	pacSrc string // the script the compiled one was made from
	pac    *PAC

	// wifiDevice is macOS's Wi-Fi device, found once a watch: the
	// hardware does not change, and it saves a program a sample.
	wifiDevice struct {
		once sync.Once
		dev  string
		ok   bool
	}
}

// ReadSample reads what can change under a connection to host:port (secure:
// wss), within ctx and SampleTimeout. rd may be nil.
func ReadSample(ctx context.Context, host string, port int, secure bool, rd *SampleReader) Sample {
	if rd == nil {
		rd = &SampleReader{}
	}
	now := time.Now
	if rd.Now != nil {
		now = rd.Now
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, SampleTimeout)
	defer cancel()
	s := Sample{At: now()}
	var wg sync.WaitGroup
	wg.Go(func() { s.Route, s.Interface, s.VPN = rd.readRoutes(ctx) })
	wg.Go(func() { s.WiFi = rd.readWiFi(ctx) })
	wg.Go(func() { s.Proxy, s.PAC = rd.readProxy(ctx, host, port, secure) })
	wg.Go(func() { s.DNS = rd.readDNS(ctx, host) })
	wg.Wait()
	s.Took = time.Since(start)
	return s
}

func (rd *SampleReader) readRoutes(ctx context.Context) (route, iface, vpn Reading) {
	var v VPN
	if rd.VPN != nil {
		v = rd.VPN(ctx)
	} else {
		v = ReadVPN(ctx)
	}
	return RoutesReading(v)
}

// RoutesReading is what a sample keeps of the VPN detection: the default
// route's gateway and interface, and the VPN interfaces that are up.
func RoutesReading(v VPN) (route, iface, vpn Reading) {
	if v.Error != "" && len(v.DefaultRoutes) == 0 {
		return Reading{}, Reading{}, Reading{}
	}
	route, iface = known(""), known("")
	// DetectVPN lists the route in use first per family; IPv4's is the
	// one named, as long as there is one.
	if i := slices.IndexFunc(v.DefaultRoutes, func(r DefaultRoute) bool { return r.Family == "ipv4" }); i >= 0 {
		route, iface = known(v.DefaultRoutes[i].Gateway), known(v.DefaultRoutes[i].Iface)
	} else if len(v.DefaultRoutes) > 0 {
		route, iface = known(v.DefaultRoutes[0].Gateway), known(v.DefaultRoutes[0].Iface)
	}
	var names []string
	for _, i := range v.Interfaces {
		n := i.Name
		if i.Product != "" {
			n += " (" + i.Product + ")"
		}
		names = append(names, n)
	}
	slices.Sort(names)
	return route, iface, known(strings.Join(names, ", "))
}

func (rd *SampleReader) readWiFi(ctx context.Context) Reading {
	ctx, cancel := context.WithTimeout(ctx, sampleCommandTimeout)
	defer cancel()
	var ssid string
	var ok bool
	if rd.WiFi != nil {
		ssid, ok = rd.WiFi(ctx)
	} else {
		ssid, ok = readWiFi(ctx, rd)
	}
	if !ok {
		return Reading{}
	}
	return known(ssid)
}

// readProxy reads the setting applications follow, and, when it (or
// PACURL) names a PAC file, the script's answer for the target.
func (rd *SampleReader) readProxy(ctx context.Context, host string, port int, secure bool) (proxy, pac Reading) {
	var s Settings
	sctx, cancel := context.WithTimeout(ctx, sampleCommandTimeout)
	if rd.Settings != nil {
		s = rd.Settings(sctx)
	} else {
		s = ReadSettings(sctx, rd.OS)
	}
	cancel()
	c, on := s.Effective()
	switch {
	case on:
		proxy = known(DescribeConfig(c))
	case len(s.Errors) == 0:
		proxy = known("")
	}
	loc := rd.PACURL
	if loc == "" && on {
		loc = c.PACURL
	}
	if loc == "" {
		if proxy.Known {
			pac = known("")
		}
		return proxy, pac
	}
	return proxy, rd.pacAnswer(ctx, loc, host, port, secure)
}

// pacAnswer loads the PAC file and runs it for the target. The script is
// compiled again only when its bytes changed. A file that does not load or
// a script that fails is unknown: a PAC server that is down for a moment
// is not a new answer.
func (rd *SampleReader) pacAnswer(ctx context.Context, loc, host string, port int, secure bool) Reading {
	fctx, cancel := context.WithTimeout(ctx, samplePACFetchTimeout)
	var b []byte
	var err error
	if rd.LoadPAC != nil {
		b, err = rd.LoadPAC(fctx, loc)
	} else {
		b, err = LoadPAC(fctx, loc, nil)
	}
	cancel()
	if err != nil {
		return Reading{}
	}
	rd.mu.Lock()
	p := rd.pac
	if p == nil || rd.pacSrc != string(b) || p.Location != loc {
		env := PACEnv{Timeout: samplePACEvalTimeout}
		if rd.PACEnv != nil {
			env = *rd.PACEnv
			if env.Timeout <= 0 || env.Timeout > samplePACEvalTimeout {
				env.Timeout = samplePACEvalTimeout
			}
		}
		p, err = CompilePAC(loc, b, &env)
		if err != nil {
			p = nil
		}
		rd.pac, rd.pacSrc = p, string(b)
	}
	rd.mu.Unlock()
	if p == nil {
		return Reading{}
	}
	raw, _, _, err := p.EvalPAC(ctx, secure, host, port, rd.Path)
	if err != nil {
		return Reading{}
	}
	return known(cutPACResult(normalPACAnswer(raw)))
}

// normalPACAnswer writes a PAC answer one way: "PROXY a:1;DIRECT" and
// "PROXY a:1; DIRECT" are the same answer.
func normalPACAnswer(raw string) string {
	var parts []string
	for _, p := range strings.Split(raw, ";") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}

// DescribeConfig writes a proxy setting in one line, passwords hidden, for
// a change on the timeline: "gnome: http=http://proxy:3128,
// https=http://proxy:3128, bypass=localhost,.corp, pac=http://wpad/wpad.dat,
// auto-detect".
func DescribeConfig(c Config) string {
	parts := []string{string(c.Source) + ":"}
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("http", c.HTTP.String())
	add("https", c.HTTPS.String())
	add("socks", c.SOCKS.String())
	add("all", c.All.String())
	add("bypass", strings.Join(c.Bypass, ","))
	if strings.Contains(c.PACURL, "://") {
		add("pac", redactRaw(c.PACURL))
	} else {
		add("pac", c.PACURL)
	}
	if c.AutoDetect {
		parts = append(parts, "auto-detect")
	}
	if len(parts) == 1 {
		parts = append(parts, "on")
	}
	return strings.Join(parts, " ")
}

func (rd *SampleReader) readDNS(ctx context.Context, host string) Reading {
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return known(ip.Unmap().String())
	}
	ctx, cancel := context.WithTimeout(ctx, sampleDNSTimeout)
	defer cancel()
	var addrs []netip.Addr
	var err error
	if rd.Lookup != nil {
		addrs, err = rd.Lookup(ctx, host)
	} else {
		addrs, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}
	if err != nil || len(addrs) == 0 {
		return Reading{}
	}
	return known(addrList(addrs))
}

// addrList is the addresses sorted and deduplicated, comma separated.
func addrList(addrs []netip.Addr) string {
	s := make([]string, 0, len(addrs))
	for _, a := range addrs {
		s = append(s, a.Unmap().String())
	}
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}
