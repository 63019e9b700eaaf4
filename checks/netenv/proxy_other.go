//go:build !linux && !darwin && !windows

package netenv

import "context"

// readOS reads the environment alone where no OS reader exists.
func readOS(ctx context.Context, rd *OSReader, s *Settings) {
	s.Configs = append(s.Configs, FromEnv(rd.getenv))
}
