package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// closeWriteWait bounds the write of our closing frame: it goes out at once
// on a working connection, and a stuck one is closed anyway.
const closeWriteWait = 100 * time.Millisecond

// maxEchoRead bounds one message read back, so a misbehaving server cannot
// make the probe hold much memory: twice the largest message sent.
const maxEchoRead = 128 << 10

// Codes of the echo probe, besides CodeOK and the Classify codes.
const (
	// CodeNoEcho: the connection stayed open but nothing was echoed.
	CodeNoEcho = "no_echo"
	// CodePartialEcho: some messages were echoed, some never came back.
	CodePartialEcho = "partial_echo"
	// CodeNoPong: every message was echoed, but a ping got no pong.
	CodeNoPong = "no_pong"
	// CodeMangled: a message came back different from what was sent.
	CodeMangled = "mangled"
	// CodeNoConn: the upgrade probe left no connection to use.
	CodeNoConn = "no_conn"
)

// EchoProbe sends text and binary messages of 1 B, 1 KiB and 64 KiB and a
// ping over the WebSocket the upgrade probe opened, all at once, and reads
// the echoes, so that it costs about one round trip. Then it closes the
// connection with a normal close frame. When everything came back, it first
// climbs the integrity ladder on the same connection (runLadder, unless
// Options.NoLadder): messages of 125 B to 1 MiB (a preset's LadderMax: up
// to 16 MiB), each echo compared by hash.
//
// Codes: "ok"; "no_echo" (warn: open, but nothing echoed within NoEchoWait);
// "partial_echo" (warn: some messages not echoed); "no_pong" (warn: echoes
// but no pong); "mangled" (fail: a message came back different); "closed"
// (fail: closed by a close frame or without one) or another Classify code;
// "no_conn"; "altered" (fail: frames the reader refuses, or a ladder echo
// changed); "size_limit" (warn: a ladder step failed after smaller ones
// passed).
//
// Evidence: "messages_sent", "messages_echoed"; "rtt_<kind>_<size>_ms" per
// message ("rtt_text_1b_ms", "rtt_binary_64kib_ms", ...) from the start of
// its write to the end of its echo's read, and "rtt_ping_ms"; "missing"
// (names not echoed); "unexpected_messages" (messages that echoed nothing we
// sent, such as a greeting); "mangled" (the name of the message that came
// back changed), "mangled_len"; "close_code" and "close_reason" of a close
// frame from the server; "write_error". PhaseFirstMessage times the first
// echo from the first write.
func EchoProbe() Probe {
	return Probe{Name: ProbeEcho, Needs: []string{ProbeUpgrade}, Run: probeEcho}
}

// echoMsg is one message sent and what became of it.
type echoMsg struct {
	name string // "text_1b", ..., "ping"
	kind int    // websocket.TextMessage, BinaryMessage or PingMessage
	data []byte

	sent   time.Time // start of the write; set by the writer
	echoed time.Time // end of the echo's read; set by the reader
}

// echoPlan is what the probe sends, in order. Each payload is random, so an
// echo is matched to its message by content alone.
func echoPlan() []*echoMsg {
	var plan []*echoMsg
	add := func(name string, kind, n int) {
		b := make([]byte, n)
		rand.Read(b)
		if kind == websocket.TextMessage {
			const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			for i := range b {
				b[i] = letters[int(b[i])%len(letters)]
			}
		}
		plan = append(plan, &echoMsg{name: name, kind: kind, data: b})
	}
	// The small text first: its echo times the first message. The ping
	// goes early, so its round trip is not queued behind 128 KiB.
	add("text_1b", websocket.TextMessage, 1)
	add("ping", websocket.PingMessage, 8)
	add("binary_1b", websocket.BinaryMessage, 1)
	add("text_1kib", websocket.TextMessage, 1<<10)
	add("binary_1kib", websocket.BinaryMessage, 1<<10)
	add("text_64kib", websocket.TextMessage, 64<<10)
	add("binary_64kib", websocket.BinaryMessage, 64<<10)
	return plan
}

func probeEcho(ctx context.Context, r *ProbeRun) Result {
	res := r.Result()
	ws := r.TakeConn()
	if ws == nil {
		res.Status, res.Code = Fail, CodeNoConn
		res.Reason = "the upgrade probe left no open WebSocket"
		return res
	}
	// Cancelling ctx ends everything at once: reads and writes fail on the
	// closed connection, and both goroutines return.
	stopClose := context.AfterFunc(ctx, func() { ws.Close() })
	defer stopClose()
	defer ws.Close()
	if socketIOApp(r.Target, r.Options) {
		return probeEchoSocketIO(ctx, r, ws, res)
	}

	ctxDeadline, hasDeadline := ctx.Deadline()
	bound := func(d time.Duration) time.Time {
		t := r.Now().Add(d)
		if hasDeadline && ctxDeadline.Before(t) {
			return ctxDeadline
		}
		return t
	}

	plan := echoPlan()
	var ping *echoMsg
	data := 0
	for _, m := range plan {
		if m.kind == websocket.PingMessage {
			ping = m
		} else {
			data++
		}
	}
	mr := newMsgReader(ws, maxEchoRead, MaxConnRead)

	// mu guards the messages' times, shared by the writer and the reader.
	var mu sync.Mutex
	ws.SetPongHandler(func(appData string) error {
		mu.Lock()
		if ping.echoed.IsZero() && !ping.sent.IsZero() && appData == string(ping.data) {
			ping.echoed = r.Now()
		}
		mu.Unlock()
		return nil
	})
	var closeCode int
	var closeText string
	ws.SetCloseHandler(func(code int, text string) error {
		closeCode, closeText = code, text
		// Answer as gorilla's default handler does, within a bound.
		ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), bound(closeWriteWait))
		return nil
	})

	// The writer sends everything without waiting for echoes.
	writeDone := make(chan error, 1)
	go func() {
		var err error
		defer func() { writeDone <- err }()
		if hasDeadline {
			ws.SetWriteDeadline(ctxDeadline)
		}
		for _, m := range plan {
			mu.Lock()
			m.sent = r.Now()
			mu.Unlock()
			if m.kind == websocket.PingMessage {
				err = ws.WriteControl(websocket.PingMessage, m.data, bound(NoEchoWait))
			} else {
				err = ws.WriteMessage(m.kind, m.data)
			}
			if err != nil {
				err = fmt.Errorf("write %s: %w", m.name, err)
				return
			}
		}
	}()

	// The reader matches replies by content until all came back, the
	// server goes quiet for NoEchoWait, or the connection ends.
	var (
		echoed, unexpected int
		first              time.Time
		readErr            error
		mangled            *echoMsg
		mangledLen         int
	)
	pongDone := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return !ping.echoed.IsZero()
	}
	for echoed < data || !pongDone() {
		ws.SetReadDeadline(bound(NoEchoWait))
		kind, msg, err := mr.Next()
		if err != nil {
			readErr = err
			break
		}
		at := r.Now()
		m := matchEcho(plan, kind, msg)
		if m == nil {
			if m = mangledEcho(plan, kind, msg); m != nil {
				mangled, mangledLen = m, len(msg)
				break
			}
			unexpected++
			continue
		}
		mu.Lock()
		m.echoed = at
		mu.Unlock()
		echoed++
		if first.IsZero() {
			first = at
		}
	}

	closedCode, closedText := closeCode, closeText
	var werr error

	// Say goodbye and close. The server's answer to the close frame is not
	// waited for: it would add a round trip to every check and tells
	// nothing about whether the application's messages get through. After
	// a clean read the writer has finished; otherwise closing ends it.
	writerDone := false
	if readErr == nil && ctx.Err() == nil {
		werr, writerDone = <-writeDone, true
	}
	ladder := ""
	var ladderErr error
	var ladderWriter <-chan struct{}
	switch {
	case r.Options.NoLadder:
		res.Evidence.Set(KeyLadder, "off")
	case readErr == nil && werr == nil && mangled == nil && echoed == data && pongDone() && ctx.Err() == nil:
		// Everything came back: climb the integrity ladder on the same
		// connection (probe_ladder.go).
		ladder, ladderWriter, ladderErr = r.runLadder(ctx, ws, &res.Evidence, largestEcho(plan))
	default:
		res.Evidence.Set(KeyLadder, "not_run")
	}
	ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), bound(closeWriteWait))
	ws.Close()
	if ladderWriter != nil {
		<-ladderWriter
	}
	if !writerDone {
		werr = <-writeDone
	}

	// The writer has ended: the messages' times can be read unlocked.
	res.Evidence.Set(KeyMessagesSent, strconv.Itoa(data))
	res.Evidence.Set(KeyMessagesEchoed, strconv.Itoa(echoed))
	var missing []string
	for _, m := range plan {
		if m.sent.IsZero() || m.echoed.IsZero() {
			if m.kind != websocket.PingMessage {
				missing = append(missing, m.name)
			}
			continue
		}
		res.Evidence.Set("rtt_"+m.name+"_ms", msString(m.echoed.Sub(m.sent)))
	}
	if !first.IsZero() {
		r.Record(PhaseFirstMessage, plan[0].sent, first.Sub(plan[0].sent))
	}
	if len(missing) > 0 {
		res.Evidence.Set(KeyMissing, strings.Join(missing, ","))
	}
	if unexpected > 0 {
		res.Evidence.Set("unexpected_messages", strconv.Itoa(unexpected))
	}
	if werr != nil {
		res.Evidence.Set(KeyWriteError, werr.Error())
	}
	if closedCode != 0 {
		res.Evidence.Set(KeyCloseCode, strconv.Itoa(closedCode))
		res.Evidence.Set(KeyCloseReason, clip(closedText, maxHeaderValue))
	}

	quiet := readErr != nil && isReadTimeout(ctx, readErr)
	switch {
	case errors.Is(context.Cause(ctx), context.Canceled):
		res.Status, res.Code = Fail, CodeCancelled
		res.Reason = "stopped before the echoes came back"
		if readErr != nil {
			res.Error = readErr.Error()
		}
	case mangled != nil:
		res.Status, res.Code = Fail, CodeMangled
		res.Evidence.Set(KeyMangled, mangled.name)
		res.Evidence.Set("mangled_len", strconv.Itoa(mangledLen))
		res.Reason = fmt.Sprintf("the %s message came back changed", strings.ReplaceAll(mangled.name, "_", " "))
	case readErr != nil && frameBroken(readErr):
		// A clean handshake, then frames the reader refuses: something
		// on the way changes them.
		res.Status, res.Code, res.Error = Fail, CodeAltered, readErr.Error()
		res.Evidence.Set(KeyLadderHow, "frame_broken")
		res.Reason = "the echoes came back with broken frames (reserved bits, a bad opcode or length)"
	case readErr != nil && !quiet:
		res.Status, res.Error = Fail, readErr.Error()
		res.Code = Classify(readErr)
		var ce *websocket.CloseError
		if errors.As(readErr, &ce) {
			// gorilla reports a connection closed without a close
			// frame as 1006, the code RFC 6455 reserves for that.
			res.Code = CodeEOF
			if ce.Code == websocket.CloseAbnormalClosure && Classify(werr) == CodeReset {
				// A reset is reported to the first system call
				// that meets it: when the writer did, the reader
				// sees a plain end of stream.
				res.Code = CodeReset
			}
			res.Evidence.Set(KeyCloseCode, strconv.Itoa(ce.Code))
			res.Evidence.Set(KeyCloseFrame, yesNo(ce.Code != websocket.CloseAbnormalClosure))
			if ce.Code != websocket.CloseAbnormalClosure {
				res.Evidence.Set(KeyCloseReason, clip(ce.Text, maxHeaderValue))
			}
		}
		if echoed == 0 {
			res.Reason = "the connection was closed before anything was echoed"
		} else {
			res.Reason = fmt.Sprintf("the connection was closed after %d of %d echoes", echoed, data)
		}
	case echoed == 0:
		res.Status, res.Code = Warn, CodeNoEcho
		res.Error = errText(readErr)
		res.Reason = fmt.Sprintf("the connection stayed open but nothing was echoed within %s", NoEchoWait)
	case echoed < data:
		res.Status, res.Code = Warn, CodePartialEcho
		res.Error = errText(readErr)
		res.Reason = fmt.Sprintf("%d of %d messages were echoed", echoed, data)
	case !pongDone():
		res.Status, res.Code = Warn, CodeNoPong
		res.Reason = "every message was echoed, but the ping got no pong"
	case ladder == CodeAltered:
		res.Status, res.Code, res.Error = Fail, CodeAltered, errText(ladderErr)
		res.Reason = fmt.Sprintf("a %s message of the integrity ladder came back changed or broken", strings.ReplaceAll(res.Evidence.Value(KeyLadderFailedStep), "_", " "))
	case ladder == CodeSizeLimit:
		res.Status, res.Code, res.Error = Warn, CodeSizeLimit, errText(ladderErr)
		res.Reason = fmt.Sprintf("messages of %s bytes get through, %s bytes do not (%s)", res.Evidence.Value(KeyLadderPassed), res.Evidence.Value(KeyLadderFailed), res.Evidence.Value(KeyLadderHow))
	default:
		res.Status, res.Code = Pass, CodeOK
		res.Reason = fmt.Sprintf("%d messages and a ping echoed", data)
	}
	return res
}

// isReadTimeout reports whether a read ended because the server was quiet
// for too long (our read deadline, or the probe's deadline closing the
// connection under it), not because the connection broke.
func isReadTimeout(ctx context.Context, err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(context.Cause(ctx), context.DeadlineExceeded) && errors.Is(err, net.ErrClosed)
}

// largestEcho is the size of plan's largest data message.
func largestEcho(plan []*echoMsg) int {
	n := 0
	for _, m := range plan {
		if m.kind != websocket.PingMessage && len(m.data) > n {
			n = len(m.data)
		}
	}
	return n
}

// matchEcho is the message not yet echoed that msg echoes exactly.
func matchEcho(plan []*echoMsg, kind int, msg []byte) *echoMsg {
	for _, m := range plan {
		if m.kind == kind && m.echoed.IsZero() && bytes.Equal(m.data, msg) {
			return m
		}
	}
	return nil
}

// mangledEcho is the message not yet echoed that msg looks like a changed
// copy of: the same bytes as another kind, else the same kind and length,
// else one a prefix of the other (cut short or padded). Anything else is
// taken for a message of the server's own, such as a greeting.
func mangledEcho(plan []*echoMsg, kind int, msg []byte) *echoMsg {
	tests := []func(m *echoMsg) bool{
		func(m *echoMsg) bool { return bytes.Equal(m.data, msg) },
		func(m *echoMsg) bool { return m.kind == kind && len(m.data) == len(msg) },
		func(m *echoMsg) bool {
			short, long := msg, m.data
			if len(short) > len(long) {
				short, long = long, short
			}
			return len(short) > 1 && bytes.HasPrefix(long, short)
		},
	}
	for _, t := range tests {
		for _, m := range plan {
			if m.kind != websocket.PingMessage && m.echoed.IsZero() && t(m) {
				return m
			}
		}
	}
	return nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
