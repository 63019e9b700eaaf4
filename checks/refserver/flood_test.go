package refserver

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// maxFloodPeak is the memory the server (and the test's own clients) may
// reach under the flood.
const maxFloodPeak = 64 << 20

// floodRounds is how many echoes the good client does during the flood,
// one every floodPause: the flood runs for all of them.
const (
	floodRounds = 40
	floodPause  = 50 * time.Millisecond
)

// 1,000 hostile clients on one address (127.0.0.2), each dialling again as
// soon as its connection is closed: half hold silent connections, half
// trickle a request head a byte at a time. Meanwhile a well-behaved client
// on 127.0.0.1 opens a WebSocket and gets its echo, every time, each within
// a second; the process stays under 64 MiB.
func TestFloodFromOneAddress(t *testing.T) {
	peak := checktest.PeakRSS(t, func(t *testing.T) {
		s, err := Start("127.0.0.1:0", "", "")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		hostile := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 5 * time.Second}
		quit := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		open := map[net.Conn]bool{}
		var dials, cut int
		// hold keeps c until the server closes it or the test ends.
		hold := func(c net.Conn, trickle bool) {
			mu.Lock()
			open[c] = true
			dials++
			mu.Unlock()
			defer func() {
				mu.Lock()
				delete(open, c)
				mu.Unlock()
				c.Close()
			}()
			if !trickle {
				// Silent: wait for the server to close it.
				if _, err := c.Read(make([]byte, 1)); err != nil {
					mu.Lock()
					cut++
					mu.Unlock()
				}
				return
			}
			head := "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			for j := range len(head) {
				if _, err := c.Write([]byte{head[j]}); err != nil {
					mu.Lock()
					cut++
					mu.Unlock()
					return
				}
				select {
				case <-quit:
					return
				case <-time.After(200 * time.Millisecond):
				}
			}
		}
		for i := range 1000 {
			wg.Go(func() {
				for {
					if c, err := hostile.Dial("tcp", s.Addr); err == nil {
						hold(c, i%2 == 1)
					}
					// Again, a little later, until the test ends.
					select {
					case <-quit:
						return
					case <-time.After(time.Second):
					}
				}
			})
		}
		defer func() {
			close(quit)
			mu.Lock()
			for c := range open {
				c.Close()
			}
			mu.Unlock()
			wg.Wait()
			t.Logf("hostile connections: %d dialled, %d closed by the server", dials, cut)
		}()
		// The good client, during the flood.
		var worst time.Duration
		for round := range floodRounds {
			<-time.After(floodPause)
			start := time.Now()
			d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
			c, _, err := d.Dial(s.URL, nil)
			if err != nil {
				t.Fatalf("round %d: the good client could not connect: %v", round, err)
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if err := c.WriteMessage(websocket.TextMessage, []byte("hello")); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			_, msg, err := c.ReadMessage()
			c.Close()
			if err != nil || string(msg) != "hello" {
				t.Fatalf("round %d: echo %q %v", round, msg, err)
			}
			// Within 1 s as the issue says, with slack for a loaded machine.
			took := time.Since(start)
			worst = max(worst, took)
			if took > 2*time.Second {
				t.Errorf("round %d: the echo took %s", round, took)
			}
		}
		t.Logf("the good client: %d echoes out of %d, the slowest in %s", floodRounds, floodRounds, worst)
		mu.Lock()
		if dials < 1000 {
			t.Errorf("only %d hostile connections were made during the good client's rounds, want at least 1,000", dials)
		}
		mu.Unlock()
	})
	if peak < 0 {
		return
	}
	t.Logf("peak memory under the flood: %.1f MiB", float64(peak)/(1<<20))
	if peak > maxFloodPeak {
		t.Errorf("peak memory %d MiB, want at most %d MiB", peak>>20, maxFloodPeak>>20)
	}
}

// A connection that says nothing is cut after HandshakeTimeout.
func TestSilentConnectionCut(t *testing.T) {
	s, err := Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatalf("the server did not close the silent connection: %v", err)
	}
	if took := time.Since(start); took < HandshakeTimeout-time.Second || took > HandshakeTimeout+5*time.Second {
		t.Errorf("closed after %s, want about %s", took, HandshakeTimeout)
	}
}

// One address holds at most its share: the connection past it is closed
// at once, another address is still served.
func TestPerIPLimit(t *testing.T) {
	s, err := StartConfig("127.0.0.1:0", Config{PerIP: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
	for range 3 {
		c, err := d.Dial("tcp", s.Addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	extra, err := d.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	extra.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := extra.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the fourth connection from one address: %v, want closed (EOF)", err)
	}
	c, _, err := websocket.DefaultDialer.Dial(s.URL, nil)
	if err != nil {
		t.Fatalf("another address was refused: %v", err)
	}
	c.Close()
}

// A WebSocket silent for the idle time is closed; one that only pings is
// not idle and stays open.
func TestIdleTimeoutConfigurable(t *testing.T) {
	const idle = 500 * time.Millisecond
	s, err := StartConfig("127.0.0.1:0", Config{Idle: idle})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	silent, _, err := websocket.DefaultDialer.Dial(s.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	pinged, _, err := websocket.DefaultDialer.Dial(s.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pinged.Close()
	pongs := make(chan struct{}, 16)
	pinged.SetPongHandler(func(string) error {
		select {
		case pongs <- struct{}{}:
		default:
		}
		return nil
	})
	// The pinged connection's reader runs pong handlers; it reads the echo
	// at the end.
	echoed := make(chan string, 1)
	go func() {
		pinged.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, msg, err := pinged.ReadMessage()
		if err != nil {
			echoed <- err.Error()
			return
		}
		echoed <- string(msg)
	}()
	// Pings for four idle times, one every fifth of it.
	for range 20 {
		if err := pinged.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(5*time.Second)); err != nil {
			t.Fatalf("ping: %v", err)
		}
		<-time.After(idle / 5)
	}
	silent.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, _, err := silent.ReadMessage(); err == nil {
		t.Error("the silent WebSocket got a message, want it closed")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Error("the server did not close the silent WebSocket")
	}
	select {
	case <-pongs:
	default:
		t.Error("no pong came back")
	}
	if err := pinged.WriteMessage(websocket.TextMessage, []byte("still here")); err != nil {
		t.Fatalf("the pinged WebSocket was closed: %v", err)
	}
	if got := <-echoed; got != "still here" {
		t.Errorf("the pinged WebSocket after four idle times: %q, want the echo", got)
	}
}

// The 503 past the cap of WebSockets closes its connection, so a refused
// client holds no place.
func TestRefusedUpgradeClosed(t *testing.T) {
	s, err := Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.mu.Lock()
	s.maxWS = 0
	s.mu.Unlock()
	c, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !resp.Close {
		t.Errorf("answer %d, close %v: want 503 and the connection closed", resp.StatusCode, resp.Close)
	}
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	if n, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("after the 503: %d bytes, %v; want the connection closed", n, err)
	}
}
