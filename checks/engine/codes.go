package engine

import "strings"

// CodeDeadline is the code of a probe stopped by the run's own time limit.
const CodeDeadline = "deadline"

// Codes lists every fixed code a probe can put in Result.Code, so that the
// words a person reads can be checked to cover each one. Codes made of a
// prefix and a value ("status_NNN", "needs_<probe>", "after_<probe>") are
// listed by CodePatterns.
func Codes() []string {
	return []string{
		CodeOK, CodeRefused, CodeTimeout, CodeReset, CodeUnreachable, CodeEOF, CodeNXDomain,
		CodeDNSError, CodeCertInvalid, CodeTLSError, CodeCancelled, CodeDeadline,
		CodeProxyUnreachable, CodeProxyAuthRequired, CodeProxyRefusedConnect, CodeProxyError,
		CodeError, CodeNoEcho, CodePartialEcho, CodeNoPong, CodeMangled, CodeNoConn,
		CodeIdleLimit, CodeDropped, CodeMaxLifetime, CodePingsIgnored, CodeNoProxy, CodeProxyRouteError, CodePartial, CodeNoAddress,
		CodeNotApplicable, CodeTLSVersion, CodeCertExpired, CodeCertNotYetValid, CodeCertHostname,
		CodeCertSelfSigned, CodeCertUnknownAuthority, CodeNotPublicRoot, CodeBadAccept,
		CodeBadUpgradeHeaders, CodeBadExtension, CodeHandshakeTimeout, CodeSlow, CodeClientCertRequired,
		CodeHeadersTooLarge, CodeMessageTooLarge, CodeInvalidUTF8, CodeTLSPort, CodePlainPort, CodeNotHTTP,
		CodeAltered, CodeSizeLimit,
		CodeH2NotOffered, CodeH2NoWebSocket, CodeH2StreamReset, CodeH2NoEcho,
		CodeFallbackNotFramework, CodeFallbackNoAnswer, CodeFallbackBuffered,
	}
}

// CodePatterns are the prefixes of codes that carry a value: an HTTP
// status ("status_426"), or the probe a skipped one needed or came after.
var CodePatterns = []string{"status_", "needs_", "after_"}

// CodeFamily is the fixed part of a code: "status" for "status_426",
// "needs" for "needs_tcp", the code itself otherwise; and the value it
// carries ("426", "tcp"), if any.
func CodeFamily(code string) (family, value string) {
	for _, p := range CodePatterns {
		if v, ok := strings.CutPrefix(code, p); ok {
			return strings.TrimSuffix(p, "_"), v
		}
	}
	return code, ""
}
