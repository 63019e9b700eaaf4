package cli

import (
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/windows"
)

// AttachConsole connects wsdoctor.exe, which is built for the GUI subsystem
// and so starts without a console, to the console of the terminal it was
// started from, so that `wsdoctor version`, `check` and `preset check`
// print there. Output redirected to a file or a pipe is left alone. Call it
// before Main, with os.Stdout and os.Stderr not yet handed out.
func AttachConsole() {
	if valid(os.Stdout) && valid(os.Stderr) {
		return
	}
	// ATTACH_PARENT_PROCESS is (DWORD)-1.
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := attach.Call(uintptr(^uint32(0))); r == 0 {
		return // started from Explorer: no console to attach to
	}
	out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	if !valid(os.Stdout) {
		os.Stdout = out
	}
	if !valid(os.Stderr) {
		os.Stderr = out
	}
}

// valid reports whether f is a usable standard handle: a GUI program
// started without redirection has none (nil, or handle 0).
func valid(f *os.File) bool {
	return f != nil && f.Fd() != 0 && f.Fd() != uintptr(syscall.InvalidHandle)
}

// enableVT turns on VT processing (ENABLE_VIRTUAL_TERMINAL_PROCESSING) for
// the console w writes to, so the idle countdown can redraw its line with
// "\r\033[K", and reports whether it is on. Consoles older than Windows 10
// refuse it; the countdown then prints plain lines.
func enableVT(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	h := windows.Handle(f.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return false // not a console
	}
	const want = windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING | windows.ENABLE_PROCESSED_OUTPUT
	if mode&want == want {
		return true
	}
	return windows.SetConsoleMode(h, mode|want) == nil
}
