package netenv

import "context"

// readOS reads, on macOS, the network settings through `scutil --proxy`,
// then the environment (what command-line tools follow).
func readOS(ctx context.Context, rd *OSReader, s *Settings) {
	if out, err := rd.command(ctx, "scutil", "--proxy"); err == nil {
		s.Configs = append(s.Configs, ParseScutil(string(out)))
	} else if !notInstalled(err) {
		s.Errors = append(s.Errors, "scutil --proxy: "+err.Error())
	}
	s.Configs = append(s.Configs, FromEnv(rd.getenv))
}
