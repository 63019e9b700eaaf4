package diagnose

// The scope of a diagnosis at a glance: which of the three parties a
// person can tell apart (this computer, the network on the way, the
// service) worked, had the problem, or was not tested, derived from the
// connection path.

// Party is one of the three parts a connection crosses.
type Party string

// The parties, in the order the connection crosses them.
const (
	PartyComputer Party = "computer"
	PartyNetwork  Party = "network"
	PartyService  Party = "service"
)

// PartState is how a party did in the run.
type PartState string

// The states of a party.
const (
	PartWorks    PartState = "works"
	PartProblem  PartState = "problem"
	PartUntested PartState = "untested"
)

// Parts says how each party did.
type Parts struct {
	Computer, Network, Service PartState
	// Failing is the party with the problem, "" when none is known.
	Failing Party
}

// PartyOf is the party a hop belongs to: the VPN, the proxy, the local
// network and the Internet are the network on the way.
func PartyOf(k HopKind) Party {
	switch k {
	case HopComputer:
		return PartyComputer
	case HopService:
		return PartyService
	}
	return PartyNetwork
}

// PartsOf is how each party did in d. The self-test's service is the
// check's own test server on this computer, not the person's service, so
// the service and the network are not tested by it; a service on this
// computer (a loopback address) crosses no network.
func PartsOf(d Diagnosis, selfTest bool) Parts {
	p := Parts{Computer: PartWorks, Network: PartUntested, Service: PartUntested}
	of := func(h Hop) PartState {
		switch h.State {
		case HopOK:
			return PartWorks
		case HopStops:
			return PartProblem
		}
		return PartUntested
	}
	network := []PartState{}
	for _, h := range d.Path.Hops {
		switch PartyOf(h.Kind) {
		case PartyComputer:
			p.Computer = of(h)
		case PartyService:
			p.Service = of(h)
		default:
			network = append(network, of(h))
		}
	}
	// The network works when every hop on it was passed, has the problem
	// when one stops, and is not tested otherwise.
	if len(network) > 0 {
		p.Network = PartWorks
		for _, s := range network {
			switch {
			case s == PartProblem:
				p.Network = PartProblem
			case s == PartUntested && p.Network != PartProblem:
				p.Network = PartUntested
			}
		}
	}
	if selfTest {
		p.Network, p.Service = PartUntested, PartUntested
		if d.Path.StopsAt != "" {
			// Anything that fails in the self-test fails on this computer.
			p.Computer = PartProblem
		}
	}
	switch {
	case p.Computer == PartProblem:
		p.Failing = PartyComputer
	case p.Network == PartProblem:
		p.Failing = PartyNetwork
	case p.Service == PartProblem:
		p.Failing = PartyService
	}
	return p
}
