package engine

// DeflateAnswerProblem is deflateAnswerProblem, for the tests.
func DeflateAnswerProblem(values []string) (param, problem string) {
	return deflateAnswerProblem(values)
}
