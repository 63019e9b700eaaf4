package browser

import (
	"fmt"
	"os/exec"
	"runtime"
	"time"
)

// Open opens url in the system's default browser: xdg-open on Linux and
// the BSDs, open on macOS, and url.dll's FileProtocolHandler on Windows
// (which, unlike "cmd /c start", reads no shell syntax in the address). It
// returns once the opener has handed the address on.
func Open(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	case "darwin":
		cmd = exec.Command("open", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("browser: %s: %w", cmd.Path, err)
	}
	// Openers hand the address on and exit; one that runs the browser
	// itself (xdg-open without a desktop) is left running, and reaped.
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			return fmt.Errorf("browser: %s: %w", cmd.Path, err)
		}
	case <-time.After(openerWait):
	}
	return nil
}

// openerWait is how long Open waits for the opener to say whether it
// could open the address: they hand it on within a second.
const openerWait = 5 * time.Second
