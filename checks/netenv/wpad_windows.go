package netenv

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// systemSearchDomains are what Windows' DNS WPAD tries: the primary DNS
// suffix of the machine, the search list set by policy, then every
// connected adapter's own suffix and its DNS suffix list
// (GetAdaptersAddresses).
func systemSearchDomains() []string {
	var ds []string
	if k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Services\Tcpip\Parameters`, registry.QUERY_VALUE); err == nil {
		for _, name := range []string{"Domain", "NV Domain"} {
			if s, _, err := k.GetStringValue(name); err == nil {
				ds = append(ds, s)
			}
		}
		if s, _, err := k.GetStringValue("SearchList"); err == nil {
			ds = append(ds, strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })...)
		}
		k.Close()
	}
	ds = append(ds, adapterDNSSuffixes()...)
	return SearchDomains("search " + strings.Join(ds, " "))
}

// adapterDNSSuffixes are the DNS suffixes of the adapters that are up.
func adapterDNSSuffixes() []string {
	size := uint32(16 << 10)
	for range 3 {
		buf := make([]byte, size)
		first := (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0]))
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC,
			windows.GAA_FLAG_SKIP_ANYCAST|windows.GAA_FLAG_SKIP_MULTICAST|windows.GAA_FLAG_SKIP_UNICAST, 0, first, &size)
		if errors.Is(err, windows.ERROR_BUFFER_OVERFLOW) {
			continue
		}
		if err != nil {
			return nil
		}
		var out []string
		for a := first; a != nil; a = a.Next {
			if a.OperStatus != windows.IfOperStatusUp {
				continue
			}
			if s := windows.UTF16PtrToString(a.DnsSuffix); s != "" {
				out = append(out, s)
			}
			for x := a.FirstDnsSuffix; x != nil; x = x.Next {
				if s := windows.UTF16ToString(x.String[:]); s != "" {
					out = append(out, s)
				}
			}
		}
		return out
	}
	return nil
}

// WinHTTP, loaded when first used: the library Windows' own proxy
// discovery lives in.
var (
	winhttp                 = windows.NewLazySystemDLL("winhttp.dll")
	procWinHttpOpen         = winhttp.NewProc("WinHttpOpen")
	procWinHttpClose        = winhttp.NewProc("WinHttpCloseHandle")
	procWinHttpSetTimeouts  = winhttp.NewProc("WinHttpSetTimeouts")
	procWinHttpGetProxyURL  = winhttp.NewProc("WinHttpGetProxyForUrl")
	procWinHttpDetectConfig = winhttp.NewProc("WinHttpDetectAutoProxyConfigUrl")
	kernel32                = windows.NewLazySystemDLL("kernel32.dll")
	procGlobalFree          = kernel32.NewProc("GlobalFree")
)

// WinHTTP constants (winhttp.h).
const (
	winhttpAccessTypeNoProxy  = 1
	winhttpAutoproxyDetect    = 0x1
	winhttpAutoproxyConfigURL = 0x2
	winhttpDetectDHCP         = 0x1
	winhttpDetectDNSA         = 0x2
)

// winhttpAutoproxyOptions is WINHTTP_AUTOPROXY_OPTIONS.
type winhttpAutoproxyOptions struct {
	flags                 uint32
	autoDetectFlags       uint32
	autoConfigURL         *uint16
	reserved              uintptr
	reserved2             uint32
	autoLogonIfChallenged int32
}

// winhttpProxyInfo is WINHTTP_PROXY_INFO.
type winhttpProxyInfo struct {
	accessType  uint32
	proxy       *uint16
	proxyBypass *uint16
}

// winhttpCall runs a blocking WinHTTP call without holding up ctx: when
// ctx ends first the call is left to finish on its own (WinHTTP cannot be
// interrupted) and its result dropped.
func winhttpCall[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type res struct {
		v   T
		err error
	}
	ch := make(chan res, 1)
	go func() {
		v, err := f()
		ch <- res{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("winhttp: %w", ctx.Err())
	}
}

func winhttpErr(op string, r1 uintptr, err error) error {
	if r1 != 0 {
		return nil
	}
	if errno, ok := err.(syscall.Errno); ok && errno == 0 {
		return fmt.Errorf("winhttp: %s failed", op)
	}
	return fmt.Errorf("winhttp: %s: %w", op, err)
}

// takeString copies and frees a string WinHTTP allocated with GlobalAlloc.
func takeString(p *uint16) string {
	if p == nil {
		return ""
	}
	s := windows.UTF16PtrToString(p)
	procGlobalFree.Call(uintptr(unsafe.Pointer(p)))
	return s
}

// systemDHCPWPAD asks WinHTTP for the WPAD address DHCP handed out
// (option 252), as "Automatically detect settings" does first.
var systemDHCPWPAD = func(ctx context.Context) (string, error) {
	if err := procWinHttpDetectConfig.Find(); err != nil {
		return "", errNoDHCPSource
	}
	return winhttpCall(ctx, func() (string, error) {
		var p *uint16
		r1, _, err := procWinHttpDetectConfig.Call(winhttpDetectDHCP, uintptr(unsafe.Pointer(&p)))
		if r1 == 0 {
			// ERROR_WINHTTP_AUTODETECTION_FAILED: DHCP gave none.
			if errno, ok := err.(syscall.Errno); ok && errno == 12180 {
				return "", nil
			}
			return "", winhttpErr("WinHttpDetectAutoProxyConfigUrl", r1, err)
		}
		return takeString(p), nil
	})
}

// winhttpPACTimeout bounds each step of WinHTTP's fetch of a PAC file.
const winhttpPACTimeoutMS = 3000

func init() {
	systemPAC = winHTTPProxyForURL
}

// winHTTPProxyForURL asks WinHTTP (WinHttpGetProxyForUrl) which proxies
// the PAC file at pacURL, or the one auto-detect finds (DHCP, then DNS
// wpad) when pacURL is "", gives for target. The answer is WinHTTP's: a
// list of "host:port" separated by ";" (empty for DIRECT).
func winHTTPProxyForURL(ctx context.Context, target, pacURL string) (string, error) {
	if err := procWinHttpGetProxyURL.Find(); err != nil {
		return "", fmt.Errorf("winhttp: %w", err)
	}
	return winhttpCall(ctx, func() (string, error) {
		agent, _ := windows.UTF16PtrFromString("wsdoctor")
		h, _, err := procWinHttpOpen.Call(uintptr(unsafe.Pointer(agent)), winhttpAccessTypeNoProxy, 0, 0, 0)
		if h == 0 {
			return "", winhttpErr("WinHttpOpen", h, err)
		}
		defer procWinHttpClose.Call(h)
		procWinHttpSetTimeouts.Call(h, winhttpPACTimeoutMS, winhttpPACTimeoutMS, winhttpPACTimeoutMS, winhttpPACTimeoutMS)
		u, err := windows.UTF16PtrFromString(target)
		if err != nil {
			return "", err
		}
		opts := winhttpAutoproxyOptions{autoLogonIfChallenged: 1}
		if pacURL != "" {
			p, err := windows.UTF16PtrFromString(pacURL)
			if err != nil {
				return "", err
			}
			opts.flags, opts.autoConfigURL = winhttpAutoproxyConfigURL, p
		} else {
			opts.flags, opts.autoDetectFlags = winhttpAutoproxyDetect, winhttpDetectDHCP|winhttpDetectDNSA
		}
		var info winhttpProxyInfo
		r1, _, err := procWinHttpGetProxyURL.Call(h, uintptr(unsafe.Pointer(u)), uintptr(unsafe.Pointer(&opts)), uintptr(unsafe.Pointer(&info)))
		if e := winhttpErr("WinHttpGetProxyForUrl", r1, err); e != nil {
			return "", e
		}
		proxy := takeString(info.proxy)
		takeString(info.proxyBypass)
		if info.accessType == winhttpAccessTypeNoProxy {
			return "", nil
		}
		return proxy, nil
	})
}
