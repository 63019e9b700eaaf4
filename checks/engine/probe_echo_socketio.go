package engine

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// A Socket.IO app (socketIOApp: its address or the preset says so)
// does not echo what it is sent: its WebSocket speaks Engine.IO packets,
// and a plain message is a protocol error it closes the connection on.
// The echo probe then speaks its protocol instead, for one round trip:
// the server's open packet ("0{...}"), the client's connect to the main
// namespace ("40") and the app's answer ("40{...}" connected, or "44..."
// refused, which still proves messages go both ways). Engine.IO pings
// ("2") are answered ("3"). No integrity ladder: the app would close on
// its messages as well.

// KeyFramework is the protocol the echo spoke: "socketio".
const KeyFramework = "framework"

func probeEchoSocketIO(ctx context.Context, r *ProbeRun, ws *websocket.Conn, res Result) Result {
	res.Evidence.Set(KeyFramework, NeedSocketIO)
	res.Evidence.Set(KeyLadder, "not_run")
	ctxDeadline, hasDeadline := ctx.Deadline()
	bound := func(d time.Duration) time.Time {
		t := r.Now().Add(d)
		if hasDeadline && ctxDeadline.Before(t) {
			return ctxDeadline
		}
		return t
	}
	mr := newMsgReader(ws, maxEchoRead, MaxConnRead)
	// read returns the next text packet, answering pings on the way.
	read := func(until time.Time) (string, error) {
		for {
			ws.SetReadDeadline(until)
			kind, msg, err := mr.Next()
			if err != nil {
				return "", err
			}
			if kind != websocket.TextMessage {
				continue
			}
			if string(msg) == "2" {
				ws.SetWriteDeadline(bound(closeWriteWait))
				if err := ws.WriteMessage(websocket.TextMessage, []byte("3")); err != nil {
					return "", err
				}
				continue
			}
			return string(msg), nil
		}
	}
	sent, echoed := 0, 0
	defer func() {
		res.Evidence.Set(KeyMessagesSent, strconv.Itoa(sent))
		res.Evidence.Set(KeyMessagesEchoed, strconv.Itoa(echoed))
	}()
	fail := func(err error, reason string) Result {
		switch {
		case errors.Is(context.Cause(ctx), context.Canceled):
			res.Status, res.Code, res.Reason = Fail, CodeCancelled, "stopped before the echoes came back"
		case isReadTimeout(ctx, err):
			res.Status, res.Code, res.Reason = Warn, CodeNoEcho, reason
		default:
			res.Status, res.Code = Fail, Classify(err)
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				res.Code = CodeEOF
				res.Evidence.Set(KeyCloseCode, strconv.Itoa(ce.Code))
				res.Evidence.Set(KeyCloseFrame, yesNo(ce.Code != websocket.CloseAbnormalClosure))
			}
			res.Reason = "the connection was closed before the app's Socket.IO answered"
		}
		res.Error = errText(err)
		return res
	}
	start := r.Now()
	open, err := read(bound(NoEchoWait))
	if err != nil {
		return fail(err, "the app sent no Socket.IO greeting in time")
	}
	if !strings.HasPrefix(open, "0{") {
		res.Status, res.Code = Warn, CodeMangled
		res.Evidence.Set(KeyMangled, "socketio_open")
		res.Reason = "the app's first message is not a Socket.IO greeting"
		return res
	}
	sentAt := r.Now()
	ws.SetWriteDeadline(bound(NoEchoWait))
	if err := ws.WriteMessage(websocket.TextMessage, []byte("40")); err != nil {
		return fail(err, "the app's Socket.IO did not answer in time")
	}
	sent = 1
	var answer string
	for answer == "" {
		msg, err := read(bound(NoEchoWait))
		if err != nil {
			return fail(err, "the app's Socket.IO did not answer in time")
		}
		answer = socketIOAnswer(msg)
	}
	echoed = 1
	r.Record(PhaseFirstMessage, sentAt, r.Since(sentAt))
	res.Evidence.Set("rtt_socketio_connect_ms", msString(r.Since(sentAt)))
	res.Evidence.Set("socketio_answer", answer)
	res.Evidence.Set("socketio_open_ms", msString(sentAt.Sub(start)))
	ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), bound(closeWriteWait))
	res.Status, res.Code = Pass, CodeOK
	res.Reason = "the app's Socket.IO answered: a message went there and back"
	return res
}
