package session

import (
	"fmt"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// ProxyChoice is how a person asked to connect, in the window's advanced
// settings: the window knows the choice, the session what it means.
type ProxyChoice string

// The proxy choices.
const (
	// ProxySystem follows the computer's settings (the default; "" too).
	ProxySystem ProxyChoice = "system"
	// ProxyNone connects directly.
	ProxyNone ProxyChoice = "none"
	// ProxyURL connects through a proxy the person typed.
	ProxyURL ProxyChoice = "url"
)

// UseProxy sets how r connects from a person's choice: as this computer
// does, directly, or through proxyURL (for ProxyURL); user, when not
// empty, signs in to a proxy that asks (Basic, NTLM) when it does not
// take the Windows sign-in. The error says why proxyURL is not a proxy a
// check can use; r's proxy is then unchanged.
func (r *Request) UseProxy(choice ProxyChoice, proxyURL, user, password string) error {
	if user != "" {
		r.ProxyCredentials = &netenv.ProxyCredentials{User: user, Password: password}
	}
	switch choice {
	case ProxyNone:
		r.Proxy = netenv.Direct
	case ProxyURL:
		m, err := netenv.ProxyMode(proxyURL)
		if err != nil {
			return fmt.Errorf("proxy: %w", err)
		}
		r.Proxy = m
	}
	return nil
}

// CheckProxyURL is nil when s is a proxy a check can use (http, https,
// socks5 or socks4, with a host and a port), else why not.
func CheckProxyURL(s string) error {
	if _, err := netenv.ProxyMode(s); err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	return nil
}
