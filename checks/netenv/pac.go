package netenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dop251/goja"
)

// maxPACSize bounds a PAC file: real ones are a few KiB, large corporate
// ones a few hundred; more is not a PAC file.
const maxPACSize = 1 << 20

// PACEnv is what a PAC script sees of the machine: DNS, the clock and the
// machine's addresses. Zero fields mean the real ones.
type PACEnv struct {
	// Lookup resolves a host name to its addresses.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// Now is the clock weekdayRange, dateRange and timeRange read; the
	// location of the time it returns is the local zone.
	Now func() time.Time
	// MyAddrs are the machine's addresses, for myIpAddress.
	MyAddrs func() []netip.Addr
	// Timeout bounds one evaluation; zero means PACEvalTimeout.
	Timeout time.Duration
}

func (e *PACEnv) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	ctx, cancel := context.WithTimeout(ctx, pacDNSTimeout)
	defer cancel()
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	if e != nil && e.Lookup != nil {
		return e.Lookup(ctx, host)
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

func (e *PACEnv) now() time.Time {
	if e != nil && e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *PACEnv) myAddrs() []netip.Addr {
	if e != nil && e.MyAddrs != nil {
		return e.MyAddrs()
	}
	return InterfaceAddrs()
}

func (e *PACEnv) timeout() time.Duration {
	if e != nil && e.Timeout > 0 {
		return e.Timeout
	}
	return PACEvalTimeout
}

// InterfaceAddrs are the addresses of the interfaces that are up, global
// unicast ones first, loopback last.
func InterfaceAddrs() []netip.Addr {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var global, other []netip.Addr
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			p, err := netip.ParsePrefix(a.String())
			if err != nil {
				continue
			}
			ip := p.Addr().Unmap()
			if ip.IsGlobalUnicast() {
				global = append(global, ip)
			} else {
				other = append(other, ip)
			}
		}
	}
	return append(global, other...)
}

// LoadPAC reads a PAC file from a file:// or http(s):// URL, or a plain
// path, bounded by maxPACSize and ctx. client fetches HTTP; nil means a
// client that never uses a proxy (a PAC file is fetched directly) and gives
// up after PACFetchTimeout.
func LoadPAC(ctx context.Context, location string, client *http.Client) ([]byte, error) {
	loc := strings.TrimSpace(location)
	u, err := url.Parse(loc)
	if err != nil || u.Scheme == "" || len(u.Scheme) == 1 { // C:\ is a path
		return readPACFile(loc)
	}
	switch strings.ToLower(u.Scheme) {
	case "file":
		p := u.Path
		if u.Host != "" && u.Host != "localhost" {
			p = "//" + u.Host + p // a UNC path
		}
		return readPACFile(p)
	case "http", "https":
	default:
		return nil, fmt.Errorf("load PAC %s: scheme %q is not file, http or https", loc, u.Scheme)
	}
	if client == nil {
		client = &http.Client{
			Transport: &http.Transport{Proxy: nil, DialContext: (&net.Dialer{}).DialContext, TLSHandshakeTimeout: PACFetchTimeout, MaxResponseHeaderBytes: maxProxyHeader},
			Timeout:   PACFetchTimeout,
		}
		defer client.CloseIdleConnections()
	}
	ctx, cancel := context.WithTimeout(ctx, PACFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	if err != nil {
		return nil, fmt.Errorf("load PAC %s: %w", loc, err)
	}
	req.Header.Set("User-Agent", "wsdoctor")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("load PAC: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("load PAC %s: HTTP %s", loc, resp.Status)
	}
	return readBounded(resp.Body, loc)
}

func readPACFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load PAC: %w", err)
	}
	defer f.Close()
	return readBounded(f, path)
}

func readBounded(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxPACSize+1))
	if err != nil {
		return nil, fmt.Errorf("load PAC %s: %w", name, err)
	}
	if len(b) > maxPACSize {
		return nil, fmt.Errorf("load PAC %s: larger than %d bytes", name, maxPACSize)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, fmt.Errorf("load PAC %s: the file is empty", name)
	}
	return b, nil
}

// PAC is a compiled proxy auto-config script.
type PAC struct {
	// Location is where the script came from.
	Location string
	prog     *goja.Program
	env      *PACEnv
}

// PACError is a PAC script that could not be run or gave no usable answer.
type PACError struct {
	// Stage is "compile", "run" (loading the script), "call"
	// (FindProxyForURL) or "result" (its answer).
	Stage string
	// Result is the script's raw answer, for Stage "result".
	Result string
	Err    error
}

func (e *PACError) Error() string {
	switch e.Stage {
	case "result":
		return fmt.Sprintf("PAC: FindProxyForURL returned %q: %v", e.Result, e.Err)
	case "compile":
		return fmt.Sprintf("PAC: the script does not parse: %v", e.Err)
	}
	return fmt.Sprintf("PAC: %s: %v", e.Stage, e.Err)
}

func (e *PACError) Unwrap() error { return e.Err }

// ErrPACMemory is a PAC script that tried to use more memory than any PAC
// file needs (a string doubled without end).
var ErrPACMemory = fmt.Errorf("the script used more than %d MiB of memory", pacMaxHeapGrowth>>20)

// ErrPACTimeout is a PAC script that ran past its time bound.
var ErrPACTimeout = errors.New("the script did not finish in time (an endless loop, or DNS that does not answer)")

// CompilePAC parses a PAC script; env may be nil.
func CompilePAC(location string, script []byte, env *PACEnv) (*PAC, error) {
	prog, err := goja.Compile(location, string(script), false)
	if err != nil {
		return nil, &PACError{Stage: "compile", Err: err}
	}
	return &PAC{Location: location, prog: prog, env: env}, nil
}

// FindProxyForURL runs the script for rawURL (whose host is host) and
// returns its raw answer. The script runs in a fresh VM, under the env's
// time bound: an endless loop is interrupted, a throw is an error.
// FindProxyForURLEx is used when the script defines it, as Windows does.
func (p *PAC) FindProxyForURL(ctx context.Context, rawURL, host string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, p.env.timeout())
	defer cancel()
	vm := goja.New()
	vm.SetMaxCallStackSize(pacMaxCallDepth)
	stop := context.AfterFunc(ctx, func() { vm.Interrupt(ErrPACTimeout) })
	defer stop()
	defer watchPACMemory(vm)()
	h := &pacHelpers{ctx: ctx, env: p.env, vm: vm}
	if err := h.install(); err != nil {
		return "", &PACError{Stage: "run", Err: err}
	}
	if _, err := vm.RunProgram(p.prog); err != nil {
		return "", &PACError{Stage: "run", Err: jsError(err)}
	}
	fn, ok := goja.AssertFunction(vm.Get("FindProxyForURLEx"))
	if !ok {
		fn, ok = goja.AssertFunction(vm.Get("FindProxyForURL"))
	}
	if !ok {
		return "", &PACError{Stage: "run", Err: errors.New("the script defines no FindProxyForURL function")}
	}
	v, err := fn(goja.Undefined(), vm.ToValue(rawURL), vm.ToValue(host))
	if err != nil {
		return "", &PACError{Stage: "call", Err: jsError(err)}
	}
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return "", &PACError{Stage: "result", Result: fmt.Sprint(v), Err: errors.New("not a string")}
	}
	if _, isStr := v.Export().(string); !isStr {
		return "", &PACError{Stage: "result", Result: v.String(), Err: fmt.Errorf("a %T, not a string", v.Export())}
	}
	return v.String(), nil
}

// jsError turns goja's errors into plain ones: an interrupt becomes the
// value it was interrupted with, a throw keeps its message and place.
func jsError(err error) error {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		if e, ok := ie.Value().(error); ok {
			return e
		}
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return fmt.Errorf("the script threw: %s", strings.TrimSpace(ex.Error()))
	}
	return err
}

// PACEntry is one element of a PAC answer.
type PACEntry struct {
	// Kind is DIRECT, PROXY, HTTP, HTTPS, SOCKS, SOCKS4 or SOCKS5.
	Kind string `json:"kind"`
	// Proxy is the proxy to use; nil for DIRECT.
	Proxy *url.URL `json:"-"`
}

// String writes the entry as a PAC script would.
func (e PACEntry) String() string {
	if e.Proxy == nil {
		return e.Kind
	}
	return e.Kind + " " + e.Proxy.Host
}

// MaxPACEntries bounds the entries of a PAC answer that are tried, in
// order, within one shared time budget (the probe's): an answer of 10,000
// dead proxies then DIRECT gives the same verdict however fast they fail.
// Real answers list two or three.
const MaxPACEntries = 16

// maxPACNotes bounds the notes about skipped entries.
const maxPACNotes = 16

// maxPACResultText bounds the PAC answer kept as text in the route.
const maxPACResultText = 1024

// ParsePACResult reads a PAC answer such as "PROXY a:1; SOCKS5 b:2;
// DIRECT". Entries it cannot read are skipped, as browsers skip them, and
// named in the returned notes; an answer with no usable entry is an error.
// At most MaxPACEntries usable entries are kept, and a note says so.
func ParsePACResult(s string) ([]PACEntry, []string, error) {
	var out []PACEntry
	var notes []string
	skipped := 0
	for _, part := range strings.Split(s, ";") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		if len(out) == MaxPACEntries {
			notes = append(notes, fmt.Sprintf("the answer has more than %d entries; only the first %d are tried", MaxPACEntries, MaxPACEntries))
			break
		}
		if len(notes) >= maxPACNotes {
			// Counted, not named: the notes stay short.
			if _, ok := pacEntryScheme(f); !ok && !(strings.EqualFold(f[0], "DIRECT") && len(f) == 1) {
				skipped++
				continue
			}
		}
		kind := strings.ToUpper(f[0])
		if kind == "DIRECT" && len(f) == 1 {
			out = append(out, PACEntry{Kind: kind})
			continue
		}
		scheme, _ := pacEntryScheme(f)
		if scheme == "" || len(f) != 2 {
			notes = append(notes, fmt.Sprintf("entry %q is not DIRECT or PROXY/HTTPS/SOCKS host:port; skipped", strings.TrimSpace(part)))
			continue
		}
		if _, port, err := net.SplitHostPort(f[1]); err != nil || port == "" {
			notes = append(notes, fmt.Sprintf("entry %q has no host:port; skipped", strings.TrimSpace(part)))
			continue
		}
		u, err := parseProxyURL(f[1], scheme)
		if err != nil {
			notes = append(notes, fmt.Sprintf("entry %q: %v; skipped", strings.TrimSpace(part), err))
			continue
		}
		out = append(out, PACEntry{Kind: kind, Proxy: u})
	}
	if len(notes) > maxPACNotes+1 {
		notes = notes[:maxPACNotes+1]
	}
	if skipped > 0 {
		notes = append(notes, fmt.Sprintf("%d more entries were skipped", skipped))
	}
	if len(out) == 0 {
		if strings.TrimSpace(s) == "" {
			return nil, notes, errors.New("an empty answer")
		}
		return nil, notes, errors.New("no DIRECT, PROXY, HTTPS or SOCKS entry in it")
	}
	return out, notes, nil
}

// pacEntryScheme is the proxy URL scheme of a PAC entry's fields, and
// whether the entry has the shape of one (a known kind and host:port).
func pacEntryScheme(f []string) (string, bool) {
	scheme := map[string]string{"PROXY": "http", "HTTP": "http", "HTTPS": "https", "SOCKS": "socks4", "SOCKS4": "socks4", "SOCKS5": "socks5"}[strings.ToUpper(f[0])]
	return scheme, scheme != "" && len(f) == 2
}

// EvalPAC runs the script for a WebSocket target and parses the answer. ws
// is asked as http and wss as https, as browsers ask; the path is left out
// of https URLs, as browsers leave it out.
func (p *PAC) EvalPAC(ctx context.Context, secure bool, host string, port int, path string) (raw string, entries []PACEntry, notes []string, err error) {
	u := PACURLFor(secure, host, port, path)
	raw, err = p.FindProxyForURL(ctx, u, host)
	if err != nil {
		return raw, nil, nil, err
	}
	entries, notes, err = ParsePACResult(raw)
	if err != nil {
		return raw, nil, notes, &PACError{Stage: "result", Result: raw, Err: err}
	}
	return raw, entries, notes, nil
}

// PACURLFor is the URL a browser hands FindProxyForURL for a WebSocket.
func PACURLFor(secure bool, host string, port int, path string) string {
	scheme, def := "http", 80
	if secure {
		scheme, def, path = "https", 443, "/"
	}
	if path == "" {
		path = "/"
	}
	h := host
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if port != 0 && port != def {
		h += fmt.Sprintf(":%d", port)
	}
	return scheme + "://" + h + path
}

// cutPACResult is a PAC answer cut to maxPACResultText bytes (on a rune
// boundary), for the route's evidence.
func cutPACResult(s string) string {
	if len(s) <= maxPACResultText {
		return s
	}
	n := maxPACResultText
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
