package netenv

import (
	"context"
	"errors"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// readOS reads, on Windows, the per-user Internet Options (what browsers
// and most applications follow), then the environment, then the
// machine-wide WinHTTP proxy (what services follow; reported, never
// applied to this check).
func readOS(ctx context.Context, rd *OSReader, s *Settings) {
	v, err := readWinINETValues()
	if err != nil {
		s.Errors = append(s.Errors, "WinINET: "+err.Error())
	}
	s.Configs = append(s.Configs, ParseWinINET(v))
	s.Configs = append(s.Configs, FromEnv(rd.getenv))
	blob, err := readBinary(registry.LOCAL_MACHINE, strings.TrimPrefix(WinHTTPKey, `HKLM\`), WinHTTPValue)
	if err != nil && !errors.Is(err, registry.ErrNotExist) {
		s.Errors = append(s.Errors, "WinHTTP: "+err.Error())
	}
	s.Configs = append(s.Configs, ParseWinHTTP(blob))
}

func readWinINETValues() (WinINETValues, error) {
	var v WinINETValues
	path := strings.TrimPrefix(WinINETKey, `HKCU\`)
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.QUERY_VALUE)
	if err != nil {
		if errors.Is(err, registry.ErrNotExist) {
			return v, nil
		}
		return v, err
	}
	defer k.Close()
	if n, _, err := k.GetIntegerValue("ProxyEnable"); err == nil {
		d := uint32(n)
		v.ProxyEnable = &d
	}
	for _, sv := range []struct {
		name string
		dst  **string
	}{{"ProxyServer", &v.ProxyServer}, {"ProxyOverride", &v.ProxyOverride}, {"AutoConfigURL", &v.AutoConfigURL}} {
		if s, _, err := k.GetStringValue(sv.name); err == nil {
			*sv.dst = &s
		}
	}
	v.DefaultConnectionSettings, err = readBinary(registry.CURRENT_USER, path+`\Connections`, WinINETConnValue)
	if err != nil && !errors.Is(err, registry.ErrNotExist) {
		return v, err
	}
	return v, nil
}

func readBinary(root registry.Key, path, name string) ([]byte, error) {
	k, err := registry.OpenKey(root, path, registry.QUERY_VALUE)
	if err != nil {
		return nil, err
	}
	defer k.Close()
	b, _, err := k.GetBinaryValue(name)
	return b, err
}
