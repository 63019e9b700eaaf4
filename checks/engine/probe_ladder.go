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
	"sync"
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

// runLadder climbs the ladder on ws and notes what it saw in e. echoed is
// the largest message that already came back on ws (the echo probe's).
//
// The steps are written one after the other without waiting for echoes,
// so the ladder costs a round trip and the time the bytes take, not a
// round trip a step. Only one size not yet seen to pass is ever on the way
// (the writer holds a 4 MiB step until a 1 MiB one came back): a middle
// box that closes the connection on a size cannot take the blame for it
// away from that size, even when echoes of smaller messages were still on
// the way and are lost with the connection. The echoes come back in order
// and are compared by hash; the first step whose echo fails decides.
//
// It returns CodeOK, CodeAltered or CodeSizeLimit, a channel closed when
// the ladder's writer has ended (a failed ladder may leave it writing: the
// caller closes the connection, then waits), and the read error of a
// failed step.
func (r *ProbeRun) runLadder(ctx context.Context, ws *websocket.Conn, e *Evidence, echoed int) (string, <-chan struct{}, error) {
	max := r.Options.ladderMax()
	start := r.Now()
	var plan []ladderStep
	total := 0
	for _, st := range ladderPlan(max) {
		if total+st.size > ladderBudget {
			break
		}
		plan = append(plan, st)
		total += st.size
	}
	w := newLadderWriter(r, ws, plan, echoed)
	w.ctxDeadline, w.hasDeadline = ctx.Deadline()
	go w.write(ctx)
	passed := 0
	defer func() {
		e.Set(KeyLadderSent, strconv.Itoa(w.sentBytes()))
		e.Set(KeyLadderMS, msString(r.Since(start)))
		e.Set(KeyLadderPassed, strconv.Itoa(passed))
	}()
	finish := func(code string, err error) (string, <-chan struct{}, error) {
		close(w.stop)
		return code, w.done, err
	}
	mr := newMsgReader(ws, int64(max)+4096, ladderBudget+(1<<20))
	rate := 0.0 // bytes a second the last step that passed came back at
	for i, st := range plan {
		if ctx.Err() != nil {
			break
		}
		fail := func(st ladderStep, how string, err error) (string, <-chan struct{}, error) {
			e.Set(KeyLadderFailed, strconv.Itoa(st.size))
			e.Set(KeyLadderFailedStep, st.name)
			e.Set(KeyLadderHow, how)
			code := CodeSizeLimit
			if how == "altered" || how == "frame_broken" {
				code = CodeAltered
			}
			e.Set(KeyLadder, code)
			return finish(code, err)
		}
		unfinished := func() (string, <-chan struct{}, error) {
			e.Set(KeyLadder, "unfinished")
			e.Set(KeyLadderFailedStep, st.name)
			return finish(CodeOK, nil)
		}
		w.waitFor(i, r.Now())
		kind, got, err := mr.Next()
		base, wdl, capped := w.window(i)
		if err == nil && kind == st.kind && w.sum(i) == sha256.Sum256(got) {
			passed = st.size
			w.passed(st.size)
			if took := r.Since(base); took > 0 {
				rate = float64(st.size) / took.Seconds()
			}
			continue
		}
		if err == nil {
			if later := w.later(i, kind, got); later >= 0 {
				// This step's echo never came, a later one's did:
				// the message was dropped on the way.
				return fail(st, "timeout", fmt.Errorf("no echo of the %s message; the %s message's came back", stepWords(st), stepWords(plan[later])))
			}
			return fail(st, "altered", fmt.Errorf("the %s message came back changed (%d bytes back)", stepWords(st), len(got)))
		}
		how := ladderFailure(err)
		proven := w.provenSize()
		if how == "timeout" && st.size <= proven {
			// A message this size already came back on this
			// connection: a cap cannot explain the silence, a slow
			// path or a busy computer can (compressing 1 MiB of text
			// takes seconds under the race detector). Not a limit.
			return unfinished()
		}
		if how == "timeout" && capped && !waitedEnough(wdl.Sub(base), st.size, rate) {
			// The probe's time ran out before this size could come
			// back on this path: unfinished, not a limit.
			return unfinished()
		}
		if (how == "close_1009" || how == "closed") && st.size <= proven {
			// Closed while a size that passed was on its way back:
			// the larger message on its way out closed it. With none
			// on its way, a size cannot explain the close.
			j := w.firstAbove(proven)
			if j < 0 {
				e.Set(KeyLadderHow, how)
				return unfinished()
			}
			st = plan[j]
		}
		return fail(st, how, err)
	}
	if ctx.Err() != nil || passed < lastSize(plan) {
		e.Set(KeyLadder, "unfinished")
		return finish(CodeOK, nil)
	}
	e.Set(KeyLadder, "passed")
	return finish(CodeOK, nil)
}

// stepWords is a step's name in words: "binary 1mib".
func stepWords(st ladderStep) string { return strings.ReplaceAll(st.name, "_", " ") }

// lastSize is the size of plan's last step.
func lastSize(plan []ladderStep) int {
	if len(plan) == 0 {
		return 0
	}
	return plan[len(plan)-1].size
}

// ladderWriter writes the ladder's steps one after the other, holding each
// step until the sizes below it have passed (all but the next size up),
// and tells the reader when each started, so that a step's wait for its
// echo counts from when it could come back: after its write started and
// after the echo before it.
type ladderWriter struct {
	run         *ProbeRun
	ws          *websocket.Conn
	plan        []ladderStep
	ctxDeadline time.Time
	hasDeadline bool
	stop        chan struct{} // closed by the reader: write no more
	done        chan struct{} // closed when write returns
	progress    chan struct{} // a size passed: the writer may go on

	mu      sync.Mutex
	proven  int         // the largest message that came back
	cur     int         // the step the reader waits for; -1 before
	from    time.Time   // when the reader began to wait for it
	started []time.Time // when each step's write started
	sums    [][sha256.Size]byte
	sent    int
}

func newLadderWriter(r *ProbeRun, ws *websocket.Conn, plan []ladderStep, proven int) *ladderWriter {
	return &ladderWriter{run: r, ws: ws, plan: plan, proven: proven, cur: -1,
		started: make([]time.Time, len(plan)), sums: make([][sha256.Size]byte, len(plan)),
		stop: make(chan struct{}), done: make(chan struct{}), progress: make(chan struct{}, 1)}
}

// write sends every step, stopping at the first error or when told.
func (w *ladderWriter) write(ctx context.Context) {
	defer close(w.done)
	defer w.ws.EnableWriteCompression(true)
	for i, st := range w.plan {
		for !w.mayWrite(i) {
			select {
			case <-w.progress:
			case <-w.stop:
				return
			case <-ctx.Done():
				return
			}
		}
		select {
		case <-w.stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		data := ladderPayload(st.kind, st.size)
		now := w.run.Now()
		w.mu.Lock()
		w.sums[i] = sha256.Sum256(data)
		w.started[i] = now
		w.sent += st.size
		if w.cur == i {
			w.setDeadline(i)
		}
		w.mu.Unlock()
		w.ws.EnableWriteCompression(st.compress)
		wdl, _ := w.deadline(i, now, now)
		w.ws.SetWriteDeadline(wdl)
		if err := w.ws.WriteMessage(st.kind, data); err != nil {
			// The reader meets what ended the connection, or no
			// echo within its wait.
			return
		}
	}
}

// mayWrite reports whether step i may go out now: its size came back
// already, or it is the next size up and nothing larger is on the way.
func (w *ladderWriter) mayWrite(i int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	size := w.plan[i].size
	if size <= w.proven {
		return true
	}
	for _, st := range w.plan[:i] {
		if st.size > w.proven && st.size < size {
			return false // a smaller size not yet seen to pass
		}
	}
	return true
}

// passed notes that a message of size bytes came back.
func (w *ladderWriter) passed(size int) {
	w.mu.Lock()
	if size > w.proven {
		w.proven = size
	}
	w.mu.Unlock()
	select {
	case w.progress <- struct{}{}:
	default:
	}
}

// provenSize is the largest message that came back.
func (w *ladderWriter) provenSize() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.proven
}

// firstAbove is the first step written that is larger than size, or -1.
func (w *ladderWriter) firstAbove(size int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	for j, st := range w.plan {
		if st.size > size && !w.started[j].IsZero() {
			return j
		}
	}
	return -1
}

// deadline is when step i's echo is overdue, waiting from the later of
// from and the step's start: ladderWait and a second a MiB, or the probe's
// deadline less ladderDeadlineSlack if that comes first (capped).
func (w *ladderWriter) deadline(i int, from, started time.Time) (time.Time, bool) {
	base := from
	if started.After(base) {
		base = started
	}
	dl := base.Add(ladderWait + time.Duration(w.plan[i].size>>20)*time.Second)
	if w.hasDeadline && w.ctxDeadline.Add(-ladderDeadlineSlack).Before(dl) {
		// Our own deadline first: the probe's closes the connection.
		return w.ctxDeadline.Add(-ladderDeadlineSlack), true
	}
	return dl, false
}

// setDeadline sets the read deadline of step i, the reader's; w.mu held.
func (w *ladderWriter) setDeadline(i int) {
	started := w.started[i]
	if started.IsZero() {
		// Not written yet (held, or the writer is behind): wait from
		// now; the writer moves the deadline when the step starts.
		started = w.from
	}
	dl, _ := w.deadline(i, w.from, started)
	w.ws.SetReadDeadline(dl)
}

// waitFor makes step i the one the reader waits for from now, and sets
// the read deadline.
func (w *ladderWriter) waitFor(i int, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cur, w.from = i, now
	w.setDeadline(i)
}

// window is the reader's wait for step i: when it counts from (the later
// of the wait's start and the step's), when it ends, and whether the
// probe's deadline cut it short.
func (w *ladderWriter) window(i int) (time.Time, time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	base := w.from
	if w.started[i].After(base) {
		base = w.started[i]
	}
	dl, capped := w.deadline(i, base, base)
	return base, dl, capped
}

// sum is step i's hash (its echo has come, so it was written).
func (w *ladderWriter) sum(i int) [sha256.Size]byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sums[i]
}

// later is the step after i that (kind, got) echoes, or -1.
func (w *ladderWriter) later(i, kind int, got []byte) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := sha256.Sum256(got)
	for j := i + 1; j < len(w.plan); j++ {
		if !w.started[j].IsZero() && w.plan[j].kind == kind && w.sums[j] == h {
			return j
		}
	}
	return -1
}

// sentBytes is what the writer has sent (or begun to send).
func (w *ladderWriter) sentBytes() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sent
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
