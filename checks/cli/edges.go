package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"codeberg.org/wsdoctor/wsdoctor/checks/browser"
)

// Edges are what the headless commands reach beyond their arguments and
// output: the person's browser, the keyboard, the terminal. Main passes the
// zero value, which is the real ones; tests set the fields they replace.
type Edges struct {
	// OpenBrowser opens an address in the default browser (check
	// --browser); nil is browser.Open.
	OpenBrowser func(url string) error
	// Stdin is where Enter, which skips the browser's wait, is read from;
	// nil is os.Stdin.
	Stdin io.Reader
	// Terminal reports whether w is a terminal, where progress lines and a
	// redrawn countdown help; nil looks at w.
	Terminal func(w io.Writer) bool
	// ConsoleVT reports whether w understands the VT sequences the idle
	// countdown redraws its line with (turning them on, on Windows); nil
	// asks the console.
	ConsoleVT func(w io.Writer) bool
	// ReadPassword asks for the proxy password (--proxy-user); nil reads it
	// from the terminal without echo, or the first line of the input.
	ReadPassword func(prompt string) (string, error)
}

func (e Edges) openBrowser(url string) error {
	if e.OpenBrowser != nil {
		return e.OpenBrowser(url)
	}
	return browser.Open(url)
}

func (e Edges) stdin() io.Reader {
	if e.Stdin != nil {
		return e.Stdin
	}
	return os.Stdin
}

func (e Edges) terminal(w io.Writer) bool {
	if e.Terminal != nil {
		return e.Terminal(w)
	}
	return isTerminal(w)
}

func (e Edges) consoleVT(w io.Writer) bool {
	if e.ConsoleVT != nil {
		return e.ConsoleVT(w)
	}
	return enableVT(w)
}

func (e Edges) readPassword(prompt string) (string, error) {
	if e.ReadPassword != nil {
		return e.ReadPassword(prompt)
	}
	return readPassword(prompt)
}

// isTerminal reports whether w is a terminal, where progress lines help.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// readPassword asks for the proxy password on the terminal, without echo,
// or reads the first line of the input, as a script pipes it.
func readPassword(prompt string) (string, error) {
	fd := int(os.Stdin.Fd())
	if term.IsTerminal(fd) {
		fmt.Fprint(os.Stderr, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read the password from the input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
