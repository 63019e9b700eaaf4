package netenv

import (
	"fmt"
	"io"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// pacMaxHeapGrowth bounds how much the heap may grow while a PAC script
// runs. Real scripts need a few KiB; a WPAD file can come from anyone on
// the network, and `s += s` forty times would take gigabytes.
const pacMaxHeapGrowth = 24 << 20

// pacMaxString bounds the strings String.prototype.repeat, padStart,
// padEnd and Array.prototype.join may build: they allocate in one step, before any check could see
// the heap grow.
const pacMaxString = 1 << 20

// pacMemPoll is how often the heap is read while a script runs: at memory
// speed a doubling string grows by a few MiB in that time.
const pacMemPoll = time.Millisecond

// pacMaxCallDepth bounds recursion in a PAC script.
const pacMaxCallDepth = 1000

// heapMetric is the bytes held by heap objects, live or not yet swept.
const heapMetric = "/memory/classes/heap/objects:bytes"

// heapBytes reads heapMetric; it does not stop the world.
func heapBytes(s []metrics.Sample) uint64 {
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// watchPACMemory interrupts vm with ErrPACMemory once the heap has grown by
// pacMaxHeapGrowth since the call, and bounds goja's string builders. The
// returned function stops the watch.
func watchPACMemory(vm *goja.Runtime) func() {
	boundStringBuilders(vm)
	s := []metrics.Sample{{Name: heapMetric}}
	start := heapBytes(s)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(pacMemPoll)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if heapBytes(s) > start+pacMaxHeapGrowth {
					vm.Interrupt(ErrPACMemory)
					return
				}
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// boundStringBuilders wraps the String methods that build a long string in
// one step, so that they throw past pacMaxString.
func boundStringBuilders(vm *goja.Runtime) {
	proto := vm.Get("String").ToObject(vm).Get("prototype").ToObject(vm)
	for _, name := range []string{"repeat", "padStart", "padEnd"} {
		orig, ok := goja.AssertFunction(proto.Get(name))
		if !ok {
			continue
		}
		proto.Set(name, func(call goja.FunctionCall) goja.Value {
			if len(call.Arguments) > 0 {
				n := call.Argument(0).ToFloat()
				if name == "repeat" {
					n *= float64(len(call.This.String()))
				}
				if n > pacMaxString {
					panic(vm.NewGoError(ErrPACMemory))
				}
			}
			v, err := orig(call.This, call.Arguments...)
			if err != nil {
				panic(err)
			}
			return v
		})
	}
	// join walks every index of an array, holes included, in one step:
	// new Array(1 << 30).join("abc") is 3 GiB.
	aproto := vm.Get("Array").ToObject(vm).Get("prototype").ToObject(vm)
	if join, ok := goja.AssertFunction(aproto.Get("join")); ok {
		aproto.Set("join", func(call goja.FunctionCall) goja.Value {
			sep := 1
			if a := call.Argument(0); !goja.IsUndefined(a) {
				sep = max(len(a.String()), 1)
			}
			if o := call.This.ToObject(vm); o != nil {
				if n := o.Get("length"); n != nil && n.ToFloat()*float64(sep) > pacMaxString {
					panic(vm.NewGoError(ErrPACMemory))
				}
			}
			v, err := join(call.This, call.Arguments...)
			if err != nil {
				panic(err)
			}
			return v
		})
	}
}

// maxProxyHeader bounds a proxy's answer to CONNECT, header block and all,
// as Go's own client bounds an answer's headers: a proxy named by a WPAD
// file can be anyone's.
const maxProxyHeader = 64 << 10

// errProxyHeaderTooLarge is a proxy answer past maxProxyHeader.
var errProxyHeaderTooLarge = fmt.Errorf("the proxy's answer has more than %d KiB of headers", maxProxyHeader>>10)

// headerCap reads from r, at most left bytes while on; the tunnel's data
// after the answer passes unbounded once off is called.
type headerCap struct {
	r    io.Reader
	left int
	off  bool
}

func (h *headerCap) Read(p []byte) (int, error) {
	if h.off {
		return h.r.Read(p)
	}
	if h.left <= 0 {
		return 0, errProxyHeaderTooLarge
	}
	if len(p) > h.left {
		p = p[:h.left]
	}
	n, err := h.r.Read(p)
	h.left -= n
	return n, err
}
