//go:build windows

package browser

import (
	"context"
	"runtime"
	"strings"
	"time"

	"github.com/go-ole/go-ole"
	"github.com/go-ole/go-ole/oleutil"
)

// antivirusWait bounds the question to WMI: Security Center answers in
// well under a second; a machine where it hangs is not kept waiting.
const antivirusWait = 3 * time.Second

// Antivirus names the antivirus products Windows' Security Center reports
// as on (WMI: root\SecurityCenter2, class AntiVirusProduct), within
// antivirusWait. Their web shields inspect what browsers send, and may
// treat the browser differently from other programs. Nil when none is on,
// on Windows Server (which has no Security Center), or when WMI fails.
func Antivirus(ctx context.Context) []string {
	ctx, cancel := context.WithTimeout(ctx, antivirusWait)
	defer cancel()
	found := make(chan []string, 1)
	go func() { found <- queryAntivirus() }()
	select {
	case names := <-found:
		return names
	case <-ctx.Done():
		return nil
	}
}

// queryAntivirus asks WMI, on a thread of its own (COM is per thread).
func queryAntivirus() (names []string) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := ole.CoInitializeEx(0, ole.COINIT_MULTITHREADED); err != nil {
		// Already initialised on this thread is fine; anything else is not.
		if oe, ok := err.(*ole.OleError); !ok || (oe.Code() != 0x00000001 && oe.Code() != 0x80010106) {
			return nil
		}
	} else {
		defer ole.CoUninitialize()
	}
	unknown, err := oleutil.CreateObject("WbemScripting.SWbemLocator")
	if err != nil {
		return nil
	}
	defer unknown.Release()
	locator, err := unknown.QueryInterface(ole.IID_IDispatch)
	if err != nil {
		return nil
	}
	defer locator.Release()
	svc, err := oleutil.CallMethod(locator, "ConnectServer", nil, `root\SecurityCenter2`)
	if err != nil {
		return nil
	}
	service := svc.ToIDispatch()
	defer service.Release()
	res, err := oleutil.CallMethod(service, "ExecQuery", "SELECT displayName, productState FROM AntiVirusProduct")
	if err != nil {
		return nil
	}
	list := res.ToIDispatch()
	defer list.Release()
	count, err := oleutil.GetProperty(list, "Count")
	if err != nil {
		return nil
	}
	for i := 0; i < int(count.Val); i++ {
		it, err := oleutil.CallMethod(list, "ItemIndex", i)
		if err != nil {
			continue
		}
		item := it.ToIDispatch()
		name, _ := oleutil.GetProperty(item, "displayName")
		state, _ := oleutil.GetProperty(item, "productState")
		if name != nil && state != nil && antivirusOn(state.Val) {
			if n := strings.TrimSpace(name.ToString()); n != "" {
				names = append(names, n)
			}
		}
		item.Release()
	}
	return names
}
