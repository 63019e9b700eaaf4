package netenv

// systemSearchDomains: Windows keeps them per adapter, not in a file; not
// read yet, so DNS-based WPAD tries nothing there.
func systemSearchDomains() []string { return nil }
