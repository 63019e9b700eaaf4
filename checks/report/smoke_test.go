package report

import (
	"os"
	"testing"
)

func TestSmoke(t *testing.T) {
	for name, in := range map[string]Input{"healthy": healthyInput(), "failing": failingInput()} {
		r := Build(in)
		for _, f := range Formats {
			fh, _ := os.Create("/tmp/wsd-" + name + "." + string(f))
			if err := Render(fh, r, f); err != nil {
				t.Fatal(err)
			}
			fh.Close()
		}
	}
}
