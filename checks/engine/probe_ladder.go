package engine

// The integrity ladder: after a working echo, messages of growing size on
// the same connection, each echo compared with what was sent by hash, to
// tell a middle box that changes messages from one that caps their size.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// DefaultLadderMax is the largest message the ladder sends unless a preset
// asks for more: 1 MiB, what WebSocket servers commonly accept
// (wsdoctor serve's own limit); 4 and 16 MiB need a preset's LadderMax.
const DefaultLadderMax = 1 << 20

// MaxLadderMessage is the largest LadderMax: 16 MiB.
const MaxLadderMessage = 16 << 20

// ladderWait is how long one step waits for its echo once sent.
const ladderWait = 5 * time.Second

// ladderDeadlineSlack is how long before the probe's deadline a step's
// read gives up, so that it ends as a timeout and not on a closed socket.
const ladderDeadlineSlack = 250 * time.Millisecond

// ladderBudget bounds what the ladder sends in all (the 40 MiB).
const ladderBudget = 40 << 20

// Codes and evidence of the ladder, on the echo probe's result.
const (
	// CodeAltered: an echo of the ladder came back different, or the
	// reader met reserved bits, a bad opcode or a broken frame.
	CodeAltered = "altered"
	// CodeSizeLimit: a ladder step failed past a size that passed: closed
	// with 1009, closed, or no echo.
	CodeSizeLimit = "size_limit"

	// KeyLadder: "passed", "altered", "size_limit", "off", "not_run", or
	// "unfinished" (the probe's time ran out on a slow path).
	KeyLadder = "ladder"
	// KeyLadderPassed: the largest message size, in bytes, echoed intact.
	KeyLadderPassed = "ladder_passed_bytes"
	// KeyLadderFailed: the size of the first step that failed, in bytes;
	// KeyLadderFailedStep its name ("binary_4mib").
	KeyLadderFailed     = "ladder_failed_bytes"
	KeyLadderFailedStep = "ladder_failed_step"
	// KeyLadderHow: how the step failed: "altered", "frame_broken",
	// "close_1009", "closed", "timeout".
	KeyLadderHow = "ladder_how"
	// KeyLadderSent: the bytes the ladder sent; KeyLadderMS its time.
	KeyLadderSent = "ladder_sent_bytes"
	KeyLadderMS   = "ladder_ms"
)

// ladderStep is one message of the ladder.
type ladderStep struct {
	name     string
	kind     int
	size     int
	compress bool
}

// ladderPlan is the ladder up to max bytes: text and binary at 125 B (one
// frame, the largest short length), 126 B (the first extended length),
// 64 KiB and 1 MiB (gorilla writes these as many 4 KiB frames: fragmented),
// then binary 4 and 16 MiB; with compression on, every other message is
// sent compressed.
func ladderPlan(max int) []ladderStep {
	var plan []ladderStep
	add := func(name string, kind, size int, compress bool) {
		if size <= max {
			plan = append(plan, ladderStep{name, kind, size, compress})
		}
	}
	add("text_125b", websocket.TextMessage, 125, false)
	add("binary_125b", websocket.BinaryMessage, 125, true)
	add("text_126b", websocket.TextMessage, 126, true)
	add("binary_126b", websocket.BinaryMessage, 126, false)
	add("text_64kib", websocket.TextMessage, 64<<10, true)
	add("binary_64kib", websocket.BinaryMessage, 64<<10, false)
	add("binary_1mib", websocket.BinaryMessage, 1<<20, false)
	add("text_1mib", websocket.TextMessage, 1<<20, true)
	add("binary_4mib", websocket.BinaryMessage, 4<<20, true)
	add("binary_16mib", websocket.BinaryMessage, 16<<20, false)
	return plan
}

// ladderMax is the ladder's cap for these options.
func (o Options) ladderMax() int {
	switch {
	case o.LadderMax <= 0:
		return DefaultLadderMax
	case o.LadderMax > MaxLadderMessage:
		return MaxLadderMessage
	}
	return o.LadderMax
}

// ladderPayload is n random bytes; letters for a text message.
func ladderPayload(kind, n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	if kind == websocket.TextMessage {
		const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		for i := range b {
			b[i] = letters[int(b[i])%len(letters)]
		}
	}
	return b
}

// runLadder climbs the ladder on ws, one message at a time, stopping at
// the first failure, and notes what it saw in e. It returns CodeOK,
// CodeAltered or CodeSizeLimit, and the read error of a failed step.
func (r *ProbeRun) runLadder(ctx context.Context, ws *websocket.Conn, e *Evidence) (string, error) {
	max := r.Options.ladderMax()
	start := r.Now()
	sent, passed := 0, 0
	rate := 0.0 // bytes echoed per second by the last step that passed
	defer func() {
		e.Set(KeyLadderSent, strconv.Itoa(sent))
		e.Set(KeyLadderMS, msString(r.Since(start)))
		e.Set(KeyLadderPassed, strconv.Itoa(passed))
	}()
	mr := newMsgReader(ws, int64(max)+4096, ladderBudget+(1<<20))
	for _, st := range ladderPlan(max) {
		if sent+st.size > ladderBudget || ctx.Err() != nil {
			break
		}
		data := ladderPayload(st.kind, st.size)
		want := sha256.Sum256(data)
		fail := func(how string, err error) (string, error) {
			e.Set(KeyLadderFailed, strconv.Itoa(st.size))
			e.Set(KeyLadderFailedStep, st.name)
			e.Set(KeyLadderHow, how)
			code := CodeSizeLimit
			if how == "altered" || how == "frame_broken" {
				code = CodeAltered
			}
			e.Set(KeyLadder, code)
			return code, err
		}
		ws.EnableWriteCompression(st.compress)
		stepStart := r.Now()
		wdl := stepStart.Add(ladderWait + time.Duration(st.size>>20)*time.Second)
		capped := false
		if dl, ok := ctx.Deadline(); ok && dl.Add(-ladderDeadlineSlack).Before(wdl) {
			// Our own deadline first: the probe's closes the connection.
			wdl, capped = dl.Add(-ladderDeadlineSlack), true
		}
		ws.SetWriteDeadline(wdl)
		// Write and read at once: a big message's echo may start coming
		// back before it is all sent.
		werr := make(chan error, 1)
		go func() { werr <- ws.WriteMessage(st.kind, data) }()
		sent += st.size
		ws.SetReadDeadline(wdl)
		kind, got, err := mr.Next()
		wErr := <-werr
		if err == nil && wErr != nil {
			err = wErr
		}
		if err != nil {
			how := ladderFailure(err)
			if how == "timeout" && st.size <= passed {
				// A message this size already came back on this
				// connection: a cap cannot explain the silence, a slow
				// path or a busy computer can (compressing 1 MiB of text
				// takes seconds under the race detector). Not a limit.
				e.Set(KeyLadder, "unfinished")
				e.Set(KeyLadderFailedStep, st.name)
				return CodeOK, nil
			}
			if how == "timeout" && capped && !waitedEnough(wdl.Sub(stepStart), st.size, rate) {
				// The probe's time ran out before this size could
				// come back on this path: unfinished, not a limit.
				e.Set(KeyLadder, "unfinished")
				e.Set(KeyLadderFailedStep, st.name)
				return CodeOK, nil
			}
			return fail(how, err)
		}
		if kind != st.kind || sha256.Sum256(got) != want {
			return fail("altered", fmt.Errorf("the %s message came back changed (%d bytes back)", strings.ReplaceAll(st.name, "_", " "), len(got)))
		}
		passed = st.size
		if took := r.Since(stepStart); took > 0 {
			rate = float64(st.size) / took.Seconds()
		}
	}
	ws.EnableWriteCompression(true)
	e.Set(KeyLadder, "passed")
	return CodeOK, nil
}

// waitedEnough reports whether a step of size bytes that got no echo
// within waited had time enough to come back at rate (bytes per second,
// from the last step that passed): three times what it should take, and at
// least a second. Otherwise a timeout says the path is slow, not that it
// drops big messages.
func waitedEnough(waited time.Duration, size int, rate float64) bool {
	if rate <= 0 || waited < time.Second {
		return false
	}
	return waited.Seconds() >= 3*float64(size)/rate
}

// ladderFailure names how a ladder step's read failed.
func ladderFailure(err error) string {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch {
		case ce.Code == websocket.CloseMessageTooBig:
			return "close_1009"
		case ce.Code == websocket.CloseProtocolError || ce.Code == websocket.CloseInvalidFramePayloadData:
			return "frame_broken"
		}
		return "closed"
	}
	if frameBroken(err) {
		return "frame_broken"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return "closed"
}

// frameBroken reports whether gorilla's reader refused a frame: reserved
// bits, an unknown opcode, a broken length or a compressed message that
// does not inflate.
func frameBroken(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	for _, sign := range []string{"RSV1 set", "RSV2 set", "RSV3 set", "for control", "FIN not set", "data before FIN",
		"continuation after FIN", "bad opcode", "bad MASK", "bad close code", "flate:"} {
		if strings.Contains(s, sign) {
			return true
		}
	}
	return false
}
