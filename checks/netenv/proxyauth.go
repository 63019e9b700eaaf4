package netenv

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"

	ntlmssp "github.com/Azure/go-ntlmssp"
)

// The ways a proxy sign-in ended (AuthInfo.Result).
const (
	// AuthOK: the proxy accepted the sign-in and opened the tunnel.
	AuthOK = "ok"
	// AuthRefused: the proxy answered the sign-in with another 407 (or
	// 401): it did not accept the user.
	AuthRefused = "refused"
	// AuthNoCredentials: the proxy offers a scheme the check can speak,
	// but it had no credentials (and, outside Windows, no signed-in
	// user to sign in as).
	AuthNoCredentials = "no_credentials"
	// AuthUnsupported: no scheme the proxy offers is one the check speaks
	// (Digest, say).
	AuthUnsupported = "unsupported"
	// AuthFailed: the sign-in broke off: a token could not be made, or the
	// proxy closed the connection between the legs of NTLM.
	AuthFailed = "failed"
)

// The identities a sign-in used (AuthInfo.Identity).
const (
	// IdentityCredentials: a user name and password given in the proxy's
	// URL or by the user (--proxy-user, the window's field).
	IdentityCredentials = "credentials"
	// IdentityWindows: the user signed in to Windows, through SSPI, with
	// no password typed.
	IdentityWindows = "windows"
	// IdentityTicket: the Kerberos ticket in the user's credential cache
	// (kinit), outside Windows.
	IdentityTicket = "ticket"
)

// maxAuthRounds bounds the CONNECT requests of one sign-in: NTLM takes
// three, a Negotiate continuation one more.
const maxAuthRounds = 4

// ProxyCredentials are a user name and password to sign in to a proxy
// with, given apart from its URL. User may be "DOMAIN\user",
// "user@domain" or a bare name.
type ProxyCredentials struct {
	User     string
	Password string
}

// Domain is the domain part of the user name ("CORP" of "CORP\ann" or
// "ann@corp.example"), or "".
func (c ProxyCredentials) Domain() string {
	if d, _, ok := strings.Cut(c.User, `\`); ok {
		return d
	}
	if _, d, ok := strings.Cut(c.User, "@"); ok {
		return d
	}
	return ""
}

// AuthInfo is how a proxy sign-in went: never the credentials or the
// tokens, only what support needs to read.
type AuthInfo struct {
	// Offered are the schemes the proxy offered, in its order ("NTLM",
	// "Negotiate", "Basic").
	Offered []string
	// Scheme is the one the check used; "" when it could use none.
	Scheme string
	// Identity is IdentityCredentials or IdentityWindows when a sign-in
	// was tried.
	Identity string
	// Domain is the domain of the user signed in as, when known.
	Domain string
	// Rounds counts the requests sent to the proxy for the tunnel when
	// a sign-in was tried, the first one, without credentials, included
	// (NTLM 3, Basic and Kerberos 2); 0 when none was.
	Rounds int
	// Result is one of the Auth* results; "" when the proxy asked for no
	// sign-in.
	Result string
}

// Challenge is one challenge of a Proxy-Authenticate header: a scheme and
// its token68 or parameters as sent.
type Challenge struct {
	Scheme string
	// Data is what follows the scheme: an NTLM or Negotiate token, or
	// the parameters (realm="x").
	Data string
}

// ParseChallenges splits Proxy-Authenticate values into challenges (RFC
// 9110 section 11.6.1): one value may hold several, separated by commas,
// and parameters are separated by commas too, inside quotes or not.
func ParseChallenges(values []string) []Challenge {
	var out []Challenge
	for _, v := range values {
		for _, part := range splitOutsideQuotes(v) {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			scheme, rest, _ := strings.Cut(part, " ")
			if strings.Contains(scheme, "=") {
				// A parameter of the challenge before.
				if n := len(out); n > 0 {
					if out[n-1].Data != "" {
						out[n-1].Data += ", "
					}
					out[n-1].Data += part
				}
				continue
			}
			out = append(out, Challenge{Scheme: scheme, Data: strings.TrimSpace(rest)})
		}
	}
	return out
}

func splitOutsideQuotes(s string) []string {
	var parts []string
	inQuote, esc := false, false
	start := 0
	for i, c := range s {
		switch {
		case esc:
			esc = false
		case c == '\\' && inQuote:
			esc = true
		case c == '"':
			inQuote = !inQuote
		case c == ',' && !inQuote:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// authSession speaks one sign-in scheme on one connection to the proxy.
type authSession interface {
	// Next is the token to send after the scheme, given the data of the
	// proxy's challenge for it (nil before the first request).
	Next(challenge []byte) ([]byte, error)
	// Close frees what the session holds (an SSPI context).
	Close()
}

// signedInUser starts a session of scheme ("NTLM", "Negotiate") as the
// user signed in to this computer, for the proxy named host, and says the
// user's domain (or realm): SSPI on Windows (sspi_windows.go), a Kerberos
// ticket elsewhere (kerberos_other.go). It returns a nil session and no
// error when it cannot do that scheme or has no one to sign in as.
var signedInUser func(scheme, host string) (authSession, string, error)

// signedInIdentity is the AuthInfo.Identity of a signedInUser session.
var signedInIdentity = IdentityWindows

// credentialsFor are the credentials to sign in to proxy with: its URL's,
// else the dialer's; nil when there are none.
func (d *ProxyDialer) credentialsFor(proxy *url.URL) *ProxyCredentials {
	if u := proxy.User; u != nil && u.Username() != "" {
		pw, _ := u.Password()
		return &ProxyCredentials{User: u.Username(), Password: pw}
	}
	if d.Credentials != nil && d.Credentials.User != "" {
		c := *d.Credentials
		return &c
	}
	return nil
}

// hasScheme reports whether cs offers scheme.
func hasScheme(cs []Challenge, scheme string) bool {
	for _, c := range cs {
		if strings.EqualFold(c.Scheme, scheme) {
			return true
		}
	}
	return false
}

// pickAuth chooses how to answer a proxy's challenges and starts that
// session. With credentials: NTLM, else Basic (Negotiate through SSPI
// with them on Windows when it is all the proxy offers). Without: the
// signed-in user through SSPI on Windows, Negotiate before NTLM. info gets
// the scheme, identity and domain, and Result when nothing fits.
func (d *ProxyDialer) pickAuth(cs []Challenge, proxy *url.URL, info *AuthInfo) (authSession, error) {
	creds := d.credentialsFor(proxy)
	if creds != nil {
		info.Identity, info.Domain = IdentityCredentials, creds.Domain()
		switch {
		case hasScheme(cs, "NTLM"):
			info.Scheme = "NTLM"
			return &ntlmSession{creds: *creds}, nil
		case hasScheme(cs, "Basic") || len(cs) == 0:
			// A 407 naming no scheme gets Basic, as before.
			info.Scheme = "Basic"
			return &basicSession{creds: *creds}, nil
		case hasScheme(cs, "Negotiate") && signedInWith != nil:
			info.Scheme = "Negotiate"
			return signedInWith("Negotiate", proxy.Hostname(), *creds)
		case hasScheme(cs, "Negotiate"):
			// SPNEGO with a raw NTLM token: IIS, ISA/TMG, Windows
			// proxies and squid's negotiate_wrapper accept it.
			info.Scheme = "Negotiate"
			return &ntlmSession{creds: *creds}, nil
		}
		info.Identity, info.Domain = "", ""
		info.Result = AuthUnsupported
		return nil, nil
	}
	if signedInUser != nil {
		var firstErr error
		for _, s := range []string{"Negotiate", "NTLM"} {
			if !hasScheme(cs, s) {
				continue
			}
			sess, domain, err := signedInUser(s, proxy.Hostname())
			if err != nil {
				if firstErr == nil {
					firstErr, info.Scheme = err, s
				}
				continue
			}
			if sess == nil {
				continue
			}
			info.Scheme, info.Identity, info.Domain = s, signedInIdentity, domain
			return sess, nil
		}
		if firstErr != nil {
			info.Identity, info.Result = signedInIdentity, AuthFailed
			return nil, firstErr
		}
	}
	for _, s := range []string{"Negotiate", "NTLM", "Basic"} {
		if hasScheme(cs, s) {
			info.Result = AuthNoCredentials
			return nil, nil
		}
	}
	info.Result = AuthUnsupported
	return nil, nil
}

// signedInWith starts a session of scheme with explicit credentials
// through the system (SSPI on Windows); nil elsewhere.
var signedInWith func(scheme, host string, c ProxyCredentials) (authSession, error)

// basicSession is RFC 7617 Basic: one request with user:password.
type basicSession struct {
	creds ProxyCredentials
	sent  bool
}

func (s *basicSession) Next(challenge []byte) ([]byte, error) {
	if s.sent {
		return nil, errors.New("basic: the proxy refused the user name and password")
	}
	s.sent = true
	return []byte(s.creds.User + ":" + s.creds.Password), nil
}

func (s *basicSession) Close() {}

// ntlmSession is NTLMv2 with a user name and password
// (github.com/Azure/go-ntlmssp): a NEGOTIATE message, then the
// AUTHENTICATE answer to the proxy's CHALLENGE.
type ntlmSession struct {
	creds ProxyCredentials
	step  int
}

func (s *ntlmSession) Next(challenge []byte) ([]byte, error) {
	s.step++
	switch s.step {
	case 1:
		return ntlmssp.NewNegotiateMessage("", "")
	case 2:
		if len(challenge) == 0 {
			return nil, errors.New("ntlm: the proxy sent no challenge")
		}
		msg, err := ntlmssp.NewAuthenticateMessage(tidyChallenge(challenge), s.creds.User, s.creds.Password, nil)
		if err != nil {
			return nil, fmt.Errorf("ntlm: answer the proxy's challenge: %w", err)
		}
		return msg, nil
	}
	return nil, errors.New("ntlm: the proxy refused the sign-in")
}

func (s *ntlmSession) Close() {}

// The fixed part of an NTLM CHALLENGE message (MS-NLMP 2.2.1.2): the
// TargetName field at 12, the TargetInfo field at 40, 48 bytes in all.
const (
	ntlmTargetName    = 12
	ntlmTargetInfo    = 40
	ntlmChallengeBase = 48
)

// tidyChallenge makes a legacy CHALLENGE parseable: old servers (and
// squid's ntlm_fake_auth) send the short NTLMv1 form, with no TargetInfo
// field and a TargetName offset left uninitialised, which go-ntlmssp
// refuses. A field pointing outside the message is emptied; nothing the
// answer needs (flags, server challenge) is touched.
func tidyChallenge(b []byte) []byte {
	if len(b) < ntlmTargetInfo {
		return b
	}
	out := make([]byte, max(len(b), ntlmChallengeBase))
	copy(out, b)
	for _, at := range []int{ntlmTargetName, ntlmTargetInfo} {
		if at == ntlmTargetInfo && len(b) < ntlmChallengeBase {
			clear(out[at : at+8])
			continue
		}
		n := int(binary.LittleEndian.Uint16(out[at:]))
		off := int(binary.LittleEndian.Uint32(out[at+4:]))
		if n != 0 && (off < ntlmTargetInfo || off+n > len(b)) {
			clear(out[at : at+8])
		}
	}
	return out
}

// authHeader is a Proxy-Authorization value: the scheme and the token,
// base64 (Basic's user:password too).
func authHeader(scheme string, token []byte) string {
	return scheme + " " + base64.StdEncoding.EncodeToString(token)
}

// connectionBound reports whether a scheme's legs must share one
// connection (NTLM, and Negotiate when it carries NTLM).
func connectionBound(scheme string) bool {
	return strings.EqualFold(scheme, "NTLM") || strings.EqualFold(scheme, "Negotiate")
}

// challengeFor is the data of the challenge for scheme in cs, and whether
// one is there.
func challengeFor(cs []Challenge, scheme string) (string, bool) {
	for _, c := range cs {
		if strings.EqualFold(c.Scheme, scheme) {
			return c.Data, true
		}
	}
	return "", false
}

// schemesOf are the challenges' scheme names, each once.
func schemesOf(cs []Challenge) []string {
	var out []string
	for _, c := range cs {
		if !hasScheme(challengesOf(out), c.Scheme) {
			out = append(out, c.Scheme)
		}
	}
	return out
}

func challengesOf(schemes []string) []Challenge {
	out := make([]Challenge, len(schemes))
	for i, s := range schemes {
		out[i] = Challenge{Scheme: s}
	}
	return out
}

// spnFor is the service principal name Negotiate asks a ticket for: the
// proxy's host as it is named, as browsers do (no reverse lookup).
func spnFor(host string) string { return "HTTP/" + host }

// splitDomainUser splits "DOMAIN\user"; ok is false for other forms.
func splitDomainUser(s string) (domain, user string, ok bool) {
	return strings.Cut(s, `\`)
}

func lower(s string) string { return strings.ToLower(s) }
