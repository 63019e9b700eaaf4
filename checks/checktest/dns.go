package checktest

import (
	"errors"
	"net"
	"slices"
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
			answer, name, ok := nxdomain(buf[:n])
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

// nxdomain is the NXDOMAIN answer to the query in msg, which it repeats
// the question of, and the name asked; false for what is not a query.
func nxdomain(msg []byte) ([]byte, string, bool) {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil || h.Response {
		return nil, "", false
	}
	q, err := p.Question()
	if err != nil {
		return nil, "", false
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{
		ID: h.ID, Response: true, OpCode: h.OpCode, RecursionDesired: h.RecursionDesired,
		RecursionAvailable: true, RCode: dnsmessage.RCodeNameError,
	})
	if b.StartQuestions() != nil || b.Question(q) != nil {
		return nil, "", false
	}
	out, err := b.Finish()
	if err != nil {
		return nil, "", false
	}
	return out, q.Name.String(), true
}
