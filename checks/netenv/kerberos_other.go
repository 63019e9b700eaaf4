//go:build !windows

package netenv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/spnego"
)

// Outside Windows, a proxy that asks for Negotiate gets a Kerberos
// ticket from the user's credential cache (what kinit, or a login through
// SSSD, left there), as Firefox and Chrome do there. Without a ticket the
// check has no one to sign in as.
func init() {
	signedInUser = func(scheme, host string) (authSession, string, error) {
		if !strings.EqualFold(scheme, "Negotiate") {
			return nil, "", nil
		}
		return newKerberosSession(host)
	}
	signedInIdentity = IdentityTicket
}

// kerberosSession is SPNEGO with a ticket for HTTP/<proxy host>: one
// token, no continuation.
type kerberosSession struct {
	cl   *client.Client
	spn  string
	sent bool
}

// ccachePath is the credential cache KRB5CCNAME names (FILE: caches
// only), else MIT's default /tmp/krb5cc_<uid>.
func ccachePath() (string, error) {
	if v := os.Getenv("KRB5CCNAME"); v != "" {
		typ, path, ok := strings.Cut(v, ":")
		switch {
		case !ok:
			return v, nil
		case typ == "FILE":
			return path, nil
		}
		return "", fmt.Errorf("kerberos: credential cache %q: only FILE caches are read", typ)
	}
	return "/tmp/krb5cc_" + strconv.Itoa(os.Getuid()), nil
}

func newKerberosSession(host string) (authSession, string, error) {
	cc, err := ccachePath()
	if err != nil {
		return nil, "", err
	}
	if _, err := os.Stat(cc); err != nil {
		return nil, "", nil // no ticket: nothing to sign in with
	}
	cache, err := credentials.LoadCCache(cc)
	if err != nil {
		return nil, "", fmt.Errorf("kerberos: read the ticket cache: %w", err)
	}
	confPath := os.Getenv("KRB5_CONFIG")
	if confPath == "" {
		confPath = "/etc/krb5.conf"
	}
	var cfg *config.Config
	if _, serr := os.Stat(confPath); errors.Is(serr, fs.ErrNotExist) {
		// No krb5.conf: find the realm's KDCs in DNS, as MIT does.
		cfg = config.New()
		cfg.LibDefaults.DNSLookupKDC = true
		cfg.LibDefaults.DefaultRealm = cache.DefaultPrincipal.Realm
	} else {
		cfg, err = config.Load(confPath)
	}
	if err != nil {
		return nil, "", fmt.Errorf("kerberos: read %s: %w", confPath, err)
	}
	cl, err := client.NewFromCCache(cache, cfg, client.DisablePAFXFAST(true))
	if err != nil {
		return nil, "", fmt.Errorf("kerberos: %w", err)
	}
	return &kerberosSession{cl: cl, spn: spnFor(host)}, cache.DefaultPrincipal.Realm, nil
}

func (s *kerberosSession) Next(challenge []byte) ([]byte, error) {
	if s.sent {
		return nil, errors.New("kerberos: the proxy refused the ticket")
	}
	s.sent = true
	sp := spnego.SPNEGOClient(s.cl, s.spn)
	if err := sp.AcquireCred(); err != nil {
		return nil, fmt.Errorf("kerberos: %w", err)
	}
	tok, err := sp.InitSecContext()
	if err != nil {
		return nil, fmt.Errorf("kerberos: a ticket for %s: %w", s.spn, err)
	}
	return tok.Marshal()
}

func (s *kerberosSession) Close() { s.cl.Destroy() }
