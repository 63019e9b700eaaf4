package netenv

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"time"
)

// maxCommandOutput bounds what is read of a command's output; proxy
// settings are a few hundred bytes.
const maxCommandOutput = 256 << 10

// Settings are all the proxy settings found on the machine.
type Settings struct {
	// OS is runtime.GOOS of the machine that was read.
	OS string `json:"os"`
	// Desktop is XDG_CURRENT_DESKTOP on Linux.
	Desktop string `json:"desktop,omitempty"`
	// Configs are the settings found, in the order applications consult
	// them: the first that is enabled is the one that applies.
	Configs []Config `json:"configs"`
	// Errors are readers that failed (a missing command is not one).
	Errors []string `json:"errors,omitempty"`
}

// Effective is the setting applications follow: the first enabled one that
// is not for services only.
func (s Settings) Effective() (Config, bool) {
	for _, c := range s.Configs {
		if c.Enabled && c.Source != SourceWinHTTP {
			return c, true
		}
	}
	return Config{}, false
}

// Config returns the setting read from src.
func (s Settings) Config(src Source) (Config, bool) {
	for _, c := range s.Configs {
		if c.Source == src {
			return c, true
		}
	}
	return Config{}, false
}

// OSReader is what the OS readers need from the machine; tests replace it.
type OSReader struct {
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Command runs a program and returns its standard output; nil means
	// running it with commandTimeout. A program that is not installed
	// returns an error satisfying errors.Is(err, exec.ErrNotFound).
	Command func(ctx context.Context, name string, args ...string) ([]byte, error)
	// ReadFile reads a file; nil means os.ReadFile.
	ReadFile func(name string) ([]byte, error)
	// HomeDir is the user's home; nil means os.UserHomeDir.
	HomeDir func() (string, error)
}

func (o *OSReader) getenv(k string) string {
	if o != nil && o.Getenv != nil {
		return o.Getenv(k)
	}
	return os.Getenv(k)
}

func (o *OSReader) command(ctx context.Context, name string, args ...string) ([]byte, error) {
	if o != nil && o.Command != nil {
		return o.Command(ctx, name, args...)
	}
	return RunCommand(ctx, name, args...)
}

func (o *OSReader) readFile(name string) ([]byte, error) {
	if o != nil && o.ReadFile != nil {
		return o.ReadFile(name)
	}
	return os.ReadFile(name)
}

func (o *OSReader) homeDir() (string, error) {
	if o != nil && o.HomeDir != nil {
		return o.HomeDir()
	}
	return os.UserHomeDir()
}

// RunCommand runs name with args under commandTimeout, with a C locale,
// and returns its standard output (at most maxCommandOutput bytes).
func RunCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var out, stderr limitedBuffer
	out.max, stderr.max = maxCommandOutput, 4<<10
	cmd.Stdout, cmd.Stderr = &out, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, errors.Join(err, ctx.Err())
		}
		if msg := bytes.TrimSpace(stderr.Bytes()); len(msg) > 0 {
			return nil, errors.Join(err, errors.New(string(msg)))
		}
		return nil, err
	}
	return out.Bytes(), nil
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// ReadSettings reads every proxy setting of this machine; rd may be nil.
func ReadSettings(ctx context.Context, rd *OSReader) Settings {
	s := Settings{OS: runtime.GOOS}
	readOS(ctx, rd, &s)
	return s
}

// notInstalled reports whether err says the program is not there, which
// means the setting does not exist rather than that reading it failed.
func notInstalled(err error) bool {
	return errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist)
}
