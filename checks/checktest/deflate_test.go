package checktest

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// nodeClient is a WebSocket client independent of gorilla: node's built-in
// WebSocket (undici), as browsers negotiate permessage-deflate.
const nodeClient = `
const ws = new WebSocket(process.argv[1]);
ws.onopen = () => { console.log("ext=" + ws.extensions); ws.send("hello ".repeat(50)); ws.send("hello ".repeat(60)); };
let n = 0;
ws.onmessage = (e) => { console.log("got=" + e.data.length); if (++n == 2) ws.close(1000); };
ws.onclose = (e) => { console.log("close=" + e.code); };
ws.onerror = (e) => { console.log("error"); };
`

// TestDeflateServerIndependentClient: the deflate server's valid answer
// really works with a client other than gorilla, which reads the server's
// compressed echoes. (node's client sends uncompressed and does not check
// window sizes, so it cannot judge the invalid answer; the engine's tests
// do.)
func TestDeflateServerIndependentClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	run := func(url string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, node, "--experimental-websocket", "-e", nodeClient, url).CombinedOutput()
		if err != nil {
			t.Fatalf("node: %v\n%s", err, out)
		}
		return string(out)
	}
	out := run(DeflateServer(t, DeflateAnswerValid))
	if !strings.Contains(out, "ext="+DeflateAnswerValid) || !strings.Contains(out, "got=300") || !strings.Contains(out, "got=360") || !strings.Contains(out, "close=1000") {
		t.Errorf("valid answer: node's client did not exchange messages:\n%s", out)
	}
}
