package cli

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// checkAddressArgs refuses what `check` cannot take as its address: more
// than one, or an empty one (which would quietly check the built-in server
// instead).
func checkAddressArgs(pos []string) error {
	switch {
	case len(pos) > 1:
		return fmt.Errorf("one address at a time, got %d: %s", len(pos), engine.RedactURLText(strings.Join(pos, " ")))
	case len(pos) == 1 && strings.TrimSpace(pos[0]) == "":
		return errors.New("the address is empty; give one such as wss://example.com/socket, or none to check the built-in server")
	}
	return nil
}

// checkPACLocation refuses a PAC file given on the command line that is not
// there, rather than going direct as a browser would with a broken setting:
// the user asked for that file. URLs are fetched by the check itself.
func checkPACLocation(loc string) error {
	loc = strings.TrimSpace(loc)
	if u, err := url.Parse(loc); err == nil && len(u.Scheme) > 1 {
		switch strings.ToLower(u.Scheme) {
		case "http", "https":
			return nil
		case "file":
			loc = u.Path
		}
	}
	st, err := os.Stat(loc)
	switch {
	case err != nil:
		return fmt.Errorf("--pac %s: %w", loc, err)
	case st.IsDir():
		return fmt.Errorf("--pac %s: is a folder, not a PAC file", loc)
	}
	return nil
}

// redactErr hides the credentials of addresses in a usage error.
func redactErr(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(engine.RedactURLText(err.Error()))
}

// redactWriter writes through w with the credentials and query values of
// every URL hidden (engine.RedactURLText) and control bytes escaped (a PAC
// file's error can quote anything). Each Write is redacted alone: the
// commands that use it write whole lines or a whole document at a time.
type redactWriter struct{ w io.Writer }

func (r redactWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, report.EscapeControls(engine.RedactURLText(string(p)), true)); err != nil {
		return 0, err
	}
	return len(p), nil
}
