package engine

import (
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
)

// TestChangeNamesAgree: the watch turns netenv's Changes into WatchEvents
// by copying What; the two lists of names are one contract.
func TestChangeNamesAgree(t *testing.T) {
	for _, p := range [][2]string{
		{ChangeRoute, netenv.ChangeRoute},
		{ChangeInterface, netenv.ChangeInterface},
		{ChangeWiFi, netenv.ChangeWiFi},
		{ChangeVPN, netenv.ChangeVPN},
		{ChangeProxy, netenv.ChangeProxy},
		{ChangePAC, netenv.ChangePAC},
		{ChangeDNS, netenv.ChangeDNS},
	} {
		if p[0] != p[1] {
			t.Errorf("engine %q, netenv %q", p[0], p[1])
		}
	}
}
