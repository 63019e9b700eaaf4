//go:build unix

package checktest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// kdcSetupTimeout bounds each of kdb5_util, kadmin.local and kinit: local
// programs that finish in well under a second.
const kdcSetupTimeout = 20 * time.Second

// KDC is a Kerberos realm a test runs on 127.0.0.1 with MIT krb5kdc
// (Debian packages krb5-kdc, krb5-admin-server, krb5-user): its database,
// configuration and keytabs live in Dir.
type KDC struct {
	Realm string
	// Addr is the KDC's 127.0.0.1:port (UDP and TCP).
	Addr string
	Dir  string
	// Config is the krb5.conf that names it, for KRB5_CONFIG.
	Config string
}

// Env is the environment a program needs to use the realm (KRB5_CONFIG,
// KRB5_KDC_PROFILE).
func (k *KDC) Env() []string {
	return []string{"KRB5_CONFIG=" + k.Config, "KRB5_KDC_PROFILE=" + filepath.Join(k.Dir, "kdc.conf")}
}

// StartKDC makes a realm (LAB.TEST for "lab.test" names) with a
// database of its own and runs krb5kdc in the foreground until the test
// ends; it skips the test when MIT Kerberos is not installed.
func StartKDC(tb testing.TB, realm string) *KDC {
	tb.Helper()
	kdc := needBinary(tb, "krb5kdc", "krb5-kdc")
	needBinary(tb, "kdb5_util", "krb5-kdc")
	needBinary(tb, "kadmin.local", "krb5-admin-server")
	dir := proxyDir(tb)
	port := FreePort(tb)
	k := &KDC{Realm: realm, Addr: "127.0.0.1:" + strconv.Itoa(port), Dir: dir, Config: filepath.Join(dir, "krb5.conf")}
	domain := strings.ToLower(realm)
	krb5 := fmt.Sprintf(`[libdefaults]
	default_realm = %[1]s
	dns_lookup_realm = false
	dns_lookup_kdc = false
	rdns = false
	udp_preference_limit = 1
	default_tkt_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
	default_tgs_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
	permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
[realms]
	%[1]s = {
		kdc = %[2]s
	}
[domain_realm]
	.%[3]s = %[1]s
	%[3]s = %[1]s
`, realm, k.Addr, domain)
	kdcConf := fmt.Sprintf(`[kdcdefaults]
	kdc_listen = 127.0.0.1:%[2]d
	kdc_tcp_listen = 127.0.0.1:%[2]d
[realms]
	%[1]s = {
		database_name = %[3]s/principal
		key_stash_file = %[3]s/stash
		acl_file = %[3]s/kadm5.acl
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
		max_life = 1h
	}
[logging]
	kdc = FILE:%[3]s/kdc.log
`, realm, port, dir)
	for name, text := range map[string]string{"krb5.conf": krb5, "kdc.conf": kdcConf, "kadm5.acl": ""} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	k.run(tb, "kdb5_util", "create", "-s", "-r", realm, "-P", "wsdoctor-master-key")
	cmd := exec.Command(kdc, "-n", "-r", realm)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), k.Env()...)
	startDaemon(tb, cmd, k.Addr, daemonStartTimeout, nil)
	return k
}

// run runs a Kerberos tool against the realm, bounded, failing the test
// with its output when it fails.
func (k *KDC) run(tb testing.TB, name string, args ...string) {
	tb.Helper()
	bin, err := findBinary(name)
	if err != nil {
		tb.Skipf("%s is not installed: %v", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), kdcSetupTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = k.Dir
	cmd.Env = append(os.Environ(), k.Env()...)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// AddService adds the service principal (HTTP/proxy.lab.test) with a
// random key and returns a keytab with it, readable by a daemon that drops
// root (squid runs as proxy).
func (k *KDC) AddService(tb testing.TB, principal string) string {
	tb.Helper()
	kt := filepath.Join(k.Dir, strings.NewReplacer("/", "_", "@", "_").Replace(principal)+".keytab")
	k.run(tb, "kadmin.local", "-r", k.Realm, "-q", "addprinc -randkey "+principal)
	k.run(tb, "kadmin.local", "-r", k.Realm, "-q", "ktadd -k "+kt+" "+principal)
	if err := os.Chmod(kt, 0o644); err != nil {
		tb.Fatal(err)
	}
	return kt
}

// Kinit adds the user and gets it a ticket in a new credential cache, as
// kinit does at a person's login, and returns the cache's path (for
// KRB5CCNAME). The ticket comes from a keytab, so no password is typed.
func (k *KDC) Kinit(tb testing.TB, user string) string {
	tb.Helper()
	kt := filepath.Join(k.Dir, user+".keytab")
	k.run(tb, "kadmin.local", "-r", k.Realm, "-q", "addprinc -randkey "+user)
	k.run(tb, "kadmin.local", "-r", k.Realm, "-q", "ktadd -k "+kt+" "+user)
	cc := filepath.Join(k.Dir, "ccache-"+user)
	k.run(tb, "kinit", "-k", "-t", kt, "-c", "FILE:"+cc, user+"@"+k.Realm)
	return cc
}
