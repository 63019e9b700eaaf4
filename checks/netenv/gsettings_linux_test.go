package netenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

// TestOnlyDefaults: gsettings is skipped only where it could answer
// nothing but the schema's defaults.
func TestOnlyDefaults(t *testing.T) {
	const schemas = "usr/share/glib-2.0/schemas"
	for _, c := range []struct {
		name  string
		env   map[string]string
		files map[string]string
		want  bool
	}{
		{"nothing set", nil, nil, true},
		{"the user's database", nil, map[string]string{"home/u/.config/dconf/user": "GVariant"}, false},
		{"the user's database under XDG_CONFIG_HOME", map[string]string{"XDG_CONFIG_HOME": "/cfg"}, map[string]string{"cfg/dconf/user": "x"}, false},
		{"a database elsewhere than XDG_CONFIG_HOME says", map[string]string{"XDG_CONFIG_HOME": "/cfg"}, map[string]string{"home/u/.config/dconf/user": "x"}, true},
		{"a system profile", nil, map[string]string{"etc/dconf/profile/user": "user-db:user\nsystem-db:site\n"}, false},
		{"a profile in the data dirs", nil, map[string]string{"usr/share/dconf/profile/user": "user-db:user\n"}, false},
		{"a runtime profile", nil, map[string]string{"run/dconf/user/1000": "x"}, false},
		{"an administrator's default", nil, map[string]string{schemas + "/90_corp.gschema.override": "[org.gnome.system.proxy]\nmode='auto'\n"}, false},
		{"Debian's override of other schemas", nil, map[string]string{schemas + "/10_gsettings-desktop-schemas.gschema.override": "[org.gnome.desktop.interface]\nmonospace-font-name = 'Monospace 11'\n"}, true},
		{"no schema", nil, map[string]string{schemas + "/org.gnome.system.proxy.gschema.xml": "-"}, false},
		{"another backend", map[string]string{"GSETTINGS_BACKEND": "keyfile"}, nil, false},
		{"the dconf backend named", map[string]string{"GSETTINGS_BACKEND": "dconf"}, nil, true},
		{"DCONF_PROFILE", map[string]string{"DCONF_PROFILE": "corp"}, nil, false},
		{"a schema directory of one's own", map[string]string{"GSETTINGS_SCHEMA_DIR": "/s"}, nil, false},
		{"no home", map[string]string{"HOME": ""}, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			files := map[string]string{schemas + "/org.gnome.system.proxy.gschema.xml": "<schemalist/>"}
			for p, b := range c.files {
				files[p] = b
			}
			for p, b := range files {
				if b == "-" {
					continue
				}
				if err := os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(root, p), []byte(b), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			env := map[string]string{"HOME": "/home/u"}
			for k, v := range c.env {
				env[k] = v
			}
			if got := onlyDefaults(func(k string) string { return env[k] }, root, 1000); got != c.want {
				t.Errorf("onlyDefaults = %v, want %v", got, c.want)
			}
		})
	}
}

// TestGSettingsDefaults: the defaults the check uses in gsettings' place
// are what this machine's gsettings prints with an empty home, and parse
// to what its answer parses to.
func TestGSettingsDefaults(t *testing.T) {
	path, err := exec.LookPath("gsettings")
	if err != nil {
		t.Skip("gsettings is not installed")
	}
	home := t.TempDir()
	cmd := exec.CommandContext(context.Background(), path, "list-recursively", GNOMESchema)
	cmd.Env = []string{"HOME=" + home, "LC_ALL=C", "PATH=" + os.Getenv("PATH")}
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("gsettings cannot read %s here: %v", GNOMESchema, err)
	}
	if !onlyDefaults(func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}, "/", os.Getuid()) {
		t.Skip("this machine has dconf profiles or an override of the proxy schema")
	}
	if string(out) != gsettingsDefaults {
		t.Errorf("gsettings prints\n%s\nthe check assumes\n%s", out, gsettingsDefaults)
	}
	if got, want := ParseGSettings(gsettingsDefaults), ParseGSettings(string(out)); !reflect.DeepEqual(got, want) {
		t.Errorf("the defaults parse to %+v, gsettings' answer to %+v", got, want)
	}
}
