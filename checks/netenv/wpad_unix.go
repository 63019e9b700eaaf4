//go:build !windows

package netenv

import "os"

// systemSearchDomains are the search domains of /etc/resolv.conf.
func systemSearchDomains() []string {
	b, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		return nil
	}
	return SearchDomains(string(b))
}
