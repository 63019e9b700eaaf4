// Command floor is the yardstick of a check: what an application does to
// see that a WebSocket works, one gorilla handshake and one echo, as a
// process of its own (BenchmarkCheckProcess).
//
// Usage: floor URL [CA.pem]; floor version prints a line and exits, the
// start-up of a program that can do this (BenchmarkStartup).
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"github.com/gorilla/websocket"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "version" {
		fmt.Println("floor")
		return
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	if len(os.Args) > 2 {
		pem, err := os.ReadFile(os.Args[2])
		if err != nil {
			fail(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		d.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	c, _, err := d.Dial(os.Args[1], nil)
	if err != nil {
		fail(err)
	}
	defer c.Close()
	msg := []byte("wsdoctor")
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
		fail(err)
	}
	_, got, err := c.ReadMessage()
	if err != nil || !bytes.Equal(got, msg) {
		fail(fmt.Errorf("echo: %q, %v", got, err))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(1)
}
