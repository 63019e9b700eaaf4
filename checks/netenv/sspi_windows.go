//go:build windows

package netenv

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"github.com/alexbrainman/sspi"
)

// On Windows a proxy that asks for NTLM or Negotiate is answered as the
// signed-in user through SSPI, the way Edge and Chrome do, with no
// password typed; explicit credentials go through SSPI for Negotiate.
// Only the base sspi package is used: its ntlm sub-package panics at
// start-up where the NTLM package is missing (some Wine prefixes).
func init() {
	signedInUser = func(scheme, host string) (authSession, string, error) {
		s, err := newSSPISession(scheme, host, nil)
		return s, os.Getenv("USERDOMAIN"), err
	}
	signedInWith = func(scheme, host string, c ProxyCredentials) (authSession, error) {
		domain, user := "", c.User
		if d, u, ok := splitDomainUser(c.User); ok {
			domain, user = d, u
		}
		u, err := syscall.UTF16FromString(user)
		if err != nil {
			return nil, err
		}
		d, err := syscall.UTF16FromString(domain)
		if err != nil {
			return nil, err
		}
		p, err := syscall.UTF16FromString(c.Password)
		if err != nil {
			return nil, err
		}
		id := &sspi.SEC_WINNT_AUTH_IDENTITY{
			User: &u[0], UserLength: uint32(len(u) - 1),
			Domain: &d[0], DomainLength: uint32(len(d) - 1),
			Password: &p[0], PasswordLength: uint32(len(p) - 1),
			Flags: sspi.SEC_WINNT_AUTH_IDENTITY_UNICODE,
		}
		return newSSPISession(scheme, host, id)
	}
}

// sspiSession is one SSPI client context: NTLM, or Negotiate (Kerberos,
// else NTLM) for the SPN HTTP/<proxy host>.
type sspiSession struct {
	cred     *sspi.Credentials
	ctx      *sspi.Context
	target   *uint16
	maxToken uint32
}

func newSSPISession(scheme, host string, id *sspi.SEC_WINNT_AUTH_IDENTITY) (authSession, error) {
	pkg := map[string]string{"ntlm": sspi.NTLMSP_NAME, "negotiate": sspi.NEGOSSP_NAME}[lower(scheme)]
	if pkg == "" {
		return nil, nil
	}
	info, err := sspi.QueryPackageInfo(pkg)
	if err != nil {
		return nil, fmt.Errorf("sspi: package %s: %w", pkg, err)
	}
	cred, err := sspi.AcquireCredentials("", pkg, sspi.SECPKG_CRED_OUTBOUND, (*byte)(unsafe.Pointer(id)))
	if err != nil {
		return nil, fmt.Errorf("sspi: credentials for %s: %w", pkg, err)
	}
	s := &sspiSession{cred: cred, ctx: sspi.NewClientContext(cred, sspi.ISC_REQ_CONNECTION), maxToken: info.MaxToken}
	if pkg == sspi.NEGOSSP_NAME {
		spn, err := syscall.UTF16PtrFromString(spnFor(host))
		if err != nil {
			s.Close()
			return nil, err
		}
		s.target = spn
	}
	return s, nil
}

func (s *sspiSession) Next(challenge []byte) ([]byte, error) {
	out := make([]byte, s.maxToken)
	var in [1]sspi.SecBuffer
	in[0].Set(sspi.SECBUFFER_TOKEN, challenge)
	inDesc := &sspi.SecBufferDesc{Version: sspi.SECBUFFER_VERSION, BuffersCount: 1, Buffers: &in[0]}
	if len(challenge) == 0 {
		inDesc = nil
	}
	var ob [1]sspi.SecBuffer
	ob[0].Set(sspi.SECBUFFER_TOKEN, out)
	outDesc := &sspi.SecBufferDesc{Version: sspi.SECBUFFER_VERSION, BuffersCount: 1, Buffers: &ob[0]}
	switch ret := s.ctx.Update(s.target, outDesc, inDesc); ret {
	case sspi.SEC_E_OK, sspi.SEC_I_CONTINUE_NEEDED:
	case sspi.SEC_I_COMPLETE_NEEDED, sspi.SEC_I_COMPLETE_AND_CONTINUE:
		if r := sspi.CompleteAuthToken(s.ctx.Handle, outDesc); r != sspi.SEC_E_OK {
			return nil, fmt.Errorf("sspi: complete the token: %w", r)
		}
	default:
		return nil, fmt.Errorf("sspi: sign in as the Windows user: %w", ret)
	}
	n := ob[0].BufferSize
	if n == 0 {
		return nil, errors.New("sspi: no token to send")
	}
	return out[:n], nil
}

func (s *sspiSession) Close() {
	if s.ctx.Handle != nil {
		s.ctx.Release()
	}
	s.cred.Release()
}
