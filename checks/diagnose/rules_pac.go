package diagnose

import "codeberg.org/wsdoctor/wsdoctor/checks/engine"

// pacError is why this computer's proxy script could not be used, as the
// proxy probe recorded it (engine.CodeProxyRouteError), or "".
func (f *facts) pacError() string {
	p, ok := f.get(engine.ProbeProxy)
	if !ok || p.Code != engine.CodeProxyRouteError {
		return ""
	}
	if p.Error != "" {
		return p.Error
	}
	return p.Reason
}

// rulePACBroken: the settings ask for a proxy script (PAC, or one WPAD
// found) that could not be fetched or run. The check went direct, as some
// applications do; others fail or use another route, so what the person
// sees may differ from the check. A warning when the WebSocket worked
// direct, a problem when it did not.
func rulePACBroken(f *facts, fd *found) {
	p, ok := f.get(engine.ProbeProxy)
	if !ok || p.Code != engine.CodeProxyRouteError {
		return
	}
	fd.add(raised{id: IDPACBroken, sev: f.problemSev(), conf: Sure, fixer: FixerNetworkAdmin,
		refs: []EvidenceRef{ref(p, "code"), {Probe: p.Probe, Key: "error", Value: p.Error}}})
}
