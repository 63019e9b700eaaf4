package netenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// gsettingsDefaults is what `gsettings list-recursively
// org.gnome.system.proxy` prints when nothing has set a key: the schema's
// own defaults (gsettings-desktop-schemas, unchanged since 3.x).
const gsettingsDefaults = `org.gnome.system.proxy autoconfig-url ''
org.gnome.system.proxy ignore-hosts ['localhost', '127.0.0.0/8', '::1']
org.gnome.system.proxy mode 'none'
org.gnome.system.proxy use-same-proxy true
org.gnome.system.proxy.ftp host ''
org.gnome.system.proxy.ftp port 0
org.gnome.system.proxy.http authentication-password ''
org.gnome.system.proxy.http authentication-user ''
org.gnome.system.proxy.http enabled false
org.gnome.system.proxy.http host ''
org.gnome.system.proxy.http port 8080
org.gnome.system.proxy.http use-authentication false
org.gnome.system.proxy.https host ''
org.gnome.system.proxy.https port 0
org.gnome.system.proxy.socks host ''
org.gnome.system.proxy.socks port 0
`

// readGSettings is the output of `gsettings list-recursively
// org.gnome.system.proxy`. On a machine where gsettings can only answer
// the schema's defaults (a server, a container, CI: no dconf database of
// the user's, no system one, no administrator's default for the schema),
// it is those defaults without running gsettings, which costs 5-15 ms
// before a check's first request and once per sample of a watch.
func readGSettings(ctx context.Context, rd *OSReader) ([]byte, error) {
	if rd == nil || rd.Command == nil {
		if _, err := exec.LookPath("gsettings"); err == nil && onlyDefaults(os.Getenv, "/", os.Getuid()) {
			return []byte(gsettingsDefaults), nil
		}
	}
	return rd.command(ctx, "gsettings", "list-recursively", GNOMESchema)
}

// onlyDefaults reports whether GSettings, with the environment getenv and
// the file system under root, answers org.gnome.system.proxy with its
// defaults alone: the dconf backend (or none: the memory one), no dconf
// profile (DCONF_PROFILE, /run/dconf/user/UID, a "user" profile file:
// only they bring system databases), no user database, the schema
// installed, and no vendor override naming it. Anything unusual (another
// backend, a schema directory of one's own) says no: gsettings is asked.
func onlyDefaults(getenv func(string) string, root string, uid int) bool {
	if b := getenv("GSETTINGS_BACKEND"); (b != "" && b != "dconf") || getenv("DCONF_PROFILE") != "" || getenv("GSETTINGS_SCHEMA_DIR") != "" {
		return false
	}
	exists := func(p string) bool {
		_, err := os.Lstat(filepath.Join(root, p))
		return err == nil || !os.IsNotExist(err)
	}
	home := getenv("HOME")
	if home == "" || !filepath.IsAbs(home) {
		return false
	}
	config := getenv("XDG_CONFIG_HOME")
	if config == "" || !filepath.IsAbs(config) {
		config = filepath.Join(home, ".config")
	}
	dataHome := getenv("XDG_DATA_HOME")
	if dataHome == "" || !filepath.IsAbs(dataHome) {
		dataHome = filepath.Join(home, ".local", "share")
	}
	dataDirs := getenv("XDG_DATA_DIRS")
	if dataDirs == "" {
		dataDirs = "/usr/local/share:/usr/share"
	}
	if exists(filepath.Join(config, "dconf", "user")) || exists("/run/dconf/user/"+strconv.Itoa(uid)) || exists("/etc/dconf/profile/user") {
		return false
	}
	schema := false
	for _, d := range append([]string{dataHome}, strings.Split(dataDirs, ":")...) {
		if d == "" || !filepath.IsAbs(d) {
			continue
		}
		if exists(filepath.Join(d, "dconf", "profile", "user")) {
			return false
		}
		dir := filepath.Join(d, "glib-2.0", "schemas")
		if exists(filepath.Join(dir, GNOMESchema+".gschema.xml")) {
			schema = true
		}
		overrides, _ := filepath.Glob(filepath.Join(root, dir, "*.gschema.override"))
		for _, o := range overrides {
			b, err := os.ReadFile(o)
			if err != nil || strings.Contains(string(b), GNOMESchema) {
				return false
			}
		}
	}
	return schema
}
