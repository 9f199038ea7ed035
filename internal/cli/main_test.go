package cli

import (
	"os"
	"testing"

	"github.com/kargo-platform/kargo/internal/fixture/fixturetest"
)

// loopbackT fails the run when any test makes kargo reach beyond loopback.
type loopbackT struct{ testing.TB }

func (loopbackT) Helper() {}
func (loopbackT) Errorf(format string, args ...any) {
	os.Stderr.WriteString("FAIL: a test reached beyond loopback\n")
	panic(format)
}

func TestMain(m *testing.M) {
	httpClient = fixturetest.LoopbackClient(loopbackT{})
	os.Exit(m.Run())
}
