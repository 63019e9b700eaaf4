package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// proxyAuthFlags are check's flags for signing in to a proxy that asks
// (Basic or NTLM): the user on the command line, the password never there,
// where any other user of the machine could read it.
type proxyAuthFlags struct {
	user, passwordFile string
}

func (f *proxyAuthFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.user, "proxy-user", "", "sign in to a proxy that asks (NTLM or Basic) as this `user` (DOMAIN\\user, user@domain or user); the password is asked for, or read from --proxy-password-file")
	fs.StringVar(&f.passwordFile, "proxy-password-file", "", "read the password for --proxy-user from the first line of this `file`")
}

// apply puts the credentials into o, asking for the password with ask when
// no file gives it.
func (f *proxyAuthFlags) apply(o *session.Request, ask func(prompt string) (string, error)) error {
	if f.user == "" {
		if f.passwordFile != "" {
			return errors.New("--proxy-password-file needs --proxy-user")
		}
		return nil
	}
	var pw string
	if f.passwordFile != "" {
		b, err := os.ReadFile(f.passwordFile)
		if err != nil {
			return fmt.Errorf("--proxy-password-file: %w", err)
		}
		pw, _, _ = strings.Cut(string(b), "\n")
		pw = strings.TrimRight(pw, "\r")
	} else {
		var err error
		if pw, err = ask(fmt.Sprintf("Proxy password for %s: ", f.user)); err != nil {
			return fmt.Errorf("--proxy-user: %w", err)
		}
	}
	o.ProxyCredentials = &netenv.ProxyCredentials{User: f.user, Password: pw}
	return nil
}
