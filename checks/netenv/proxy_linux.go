package netenv

import (
	"context"
	"path/filepath"
	"strings"
)

// readOS reads, on Linux, GNOME's and KDE's settings and the environment,
// the desktop's own first: a GNOME or KDE application follows its desktop,
// and falls back to the environment when the desktop says "none".
func readOS(ctx context.Context, rd *OSReader, s *Settings) {
	s.Desktop = rd.getenv("XDG_CURRENT_DESKTOP")
	env := FromEnv(rd.getenv)
	var gnome, kde *Config
	if out, err := readGSettings(ctx, rd); err == nil {
		c := ParseGSettings(string(out))
		gnome = &c
	} else if !notInstalled(err) {
		s.Errors = append(s.Errors, "gsettings: "+err.Error())
	}
	if path := kioslavercPath(rd); path != "" {
		if b, err := rd.readFile(path); err == nil {
			c := ParseKioslaverc(string(b), path, rd.getenv)
			kde = &c
		} else if !notInstalled(err) {
			s.Errors = append(s.Errors, "kioslaverc: "+err.Error())
		}
	}
	desk := strings.ToUpper(s.Desktop)
	add := func(c *Config) {
		if c != nil {
			s.Configs = append(s.Configs, *c)
		}
	}
	switch {
	case strings.Contains(desk, "KDE"):
		add(kde)
		add(&env)
		add(gnome)
	case desk != "":
		// GNOME and the desktops built on its settings (Unity, Cinnamon,
		// Budgie, MATE with GSettings, ...).
		add(gnome)
		add(&env)
		add(kde)
	default:
		add(&env)
		add(gnome)
		add(kde)
	}
}

// kioslavercPath is $XDG_CONFIG_HOME/kioslaverc, else ~/.config/kioslaverc.
func kioslavercPath(rd *OSReader) string {
	if d := rd.getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "kioslaverc")
	}
	home, err := rd.homeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".config", "kioslaverc")
}
