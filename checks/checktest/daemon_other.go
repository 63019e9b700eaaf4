//go:build !unix

package checktest

import "os/exec"

// ownGroup does nothing where there are no process groups.
func ownGroup(*exec.Cmd) {}

// terminate kills cmd itself: there is no SIGTERM to send.
func terminate(cmd *exec.Cmd) { killGroup(cmd) }

// killGroup kills cmd itself.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		cmd.Process.Kill()
	}
}
