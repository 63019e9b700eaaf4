package cli

import (
	"os"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
)

// cliHelperEnv, set in its environment, makes the test binary be the
// wsdoctor command line instead of running the tests: the scenarios that
// run the check as a process of its own, inside a network namespace, start
// it so.
const cliHelperEnv = "WSDOCTOR_TEST_CLI"

func TestMain(m *testing.M) {
	checktest.ServeH2IfAsked()
	if os.Getenv(cliHelperEnv) != "" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
