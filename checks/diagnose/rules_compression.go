package diagnose

// The rule of the service's answer to the compression offer, judged by
// RFC 7692 and not by one client library (engine.compressionRetry): an
// answer that breaks the RFC (compression-answer-invalid), and one that
// keeps to it but that some libraries refuse
// (compression-answer-refused, info).

import "codeberg.org/wsdoctor/wsdoctor/checks/engine"

func ruleCompression(f *facts, fd *found) {
	up, ok := f.get(engine.ProbeUpgrade)
	if !ok {
		return
	}
	keys := []string{"sec_websocket_extensions", engine.KeyCompressionAnswer, engine.KeyExtensionParameter, engine.KeyExtensionProblem, engine.KeyRetryNoCompression}
	switch up.Evidence.Value(engine.KeyCompressionAnswer) {
	case engine.CompressionAnswerInvalid:
		if up.OK() {
			return
		}
		r := raised{id: IDCompressionInvalid, sev: SeverityProblem, conf: Sure, fixer: FixerServiceAdmin,
			refs: refs(up, keys...)}
		if up.Evidence.Value(engine.KeyRetryNoCompression) == engine.CodeOK {
			r.cases = []string{"works_without"}
		}
		fd.add(r)
	case engine.CompressionAnswerValid:
		if !up.OK() {
			return
		}
		fd.add(raised{id: IDCompressionRefusedBySome, sev: SeverityInfo, conf: Sure, fixer: FixerServiceAdmin,
			refs: refs(up, keys...)})
	}
}
