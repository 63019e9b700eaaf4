package checktest

import (
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// DNSServer is a name server on a UDP socket the test gave it that answers
// every query "no such name" (NXDOMAIN), as a resolver does for a name that
// does not exist. It knows no names, so it never asks anyone else.
type DNSServer struct {
	// Addr is the address it answers on.
	Addr string

	pc net.PacketConn
	wg sync.WaitGroup

	mu    sync.Mutex
	names []string
}

// ServeNXDOMAIN answers the DNS queries that arrive on pc until the test
// ends, when it closes pc and waits for its goroutine.
func ServeNXDOMAIN(tb testing.TB, pc net.PacketConn) *DNSServer {
	tb.Helper()
	return ServeDNS(tb, pc, nil)
}

// ServeDNS is ServeNXDOMAIN for a name server that knows the names of
// records (with or without their final dot, lower case): it answers their
// A queries with the IPv4 address, their other queries with no record,
// and every other name NXDOMAIN, as a company's name server answers
// wpad.<domain>.
func ServeDNS(tb testing.TB, pc net.PacketConn, records map[string]netip.Addr) *DNSServer {
	tb.Helper()
	known := map[string]netip.Addr{}
	for k, v := range records {
		known[strings.TrimSuffix(strings.ToLower(k), ".")+"."] = v
	}
	s := &DNSServer{Addr: pc.LocalAddr().String(), pc: pc}
	s.wg.Go(func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				if !errors.Is(err, net.ErrClosed) {
					tb.Logf("dns server: read: %v", err)
				}
				return
			}
			answer, name, ok := dnsAnswer(buf[:n], known)
			if !ok {
				continue
			}
			s.mu.Lock()
			s.names = append(s.names, name)
			s.mu.Unlock()
			if _, err := pc.WriteTo(answer, from); err != nil && !errors.Is(err, net.ErrClosed) {
				tb.Logf("dns server: write: %v", err)
			}
		}
	})
	tb.Cleanup(func() {
		pc.Close()
		s.wg.Wait()
	})
	return s
}

// Names are the names asked so far (with their final dot), in order.
func (s *DNSServer) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.names)
}

// dnsAnswer is the answer to the query in msg from known, which it
// repeats the question of, and the name asked; false for what is not a
// query.
func dnsAnswer(msg []byte, known map[string]netip.Addr) ([]byte, string, bool) {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil || h.Response {
		return nil, "", false
	}
	q, err := p.Question()
	if err != nil {
		return nil, "", false
	}
	addr, found := known[strings.ToLower(q.Name.String())]
	rcode := dnsmessage.RCodeNameError
	if found {
		rcode = dnsmessage.RCodeSuccess
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{
		ID: h.ID, Response: true, OpCode: h.OpCode, RecursionDesired: h.RecursionDesired,
		RecursionAvailable: true, RCode: rcode, Authoritative: found,
	})
	if b.StartQuestions() != nil || b.Question(q) != nil {
		return nil, "", false
	}
	if found && q.Type == dnsmessage.TypeA && addr.Is4() {
		if b.StartAnswers() != nil || b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.AResource{A: addr.As4()}) != nil {
			return nil, "", false
		}
	}
	out, err := b.Finish()
	if err != nil {
		return nil, "", false
	}
	return out, q.Name.String(), true
}
