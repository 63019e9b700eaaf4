package engine

import "codeberg.org/wsdoctor/wsdoctor/checks/netenv"

// setFirefoxEvidence notes Firefox's own proxy setting when it does not
// follow the system's ("firefox_proxy"), and how its way to the target
// differs from the route the check took ("firefox_differs"): support then
// knows the check went another way than that browser.
func setFirefoxEvidence(e *Evidence, read func() (netenv.FirefoxProxy, bool), route netenv.Route, t Target) {
	f, ok := read()
	if !ok || !f.OwnSettings() {
		return
	}
	e.Set("firefox_proxy", f.Describe())
	if d := f.DiffersFrom(route, t.Secure(), t.Host, t.Port); d != "" {
		e.Set("firefox_differs", d)
	}
}
