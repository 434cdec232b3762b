// Package testkit holds the helpers that the tests of more than one package
// share. Only tests import it.
package testkit

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// JSON is v as encoding/json encodes it.
func JSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// JSONValue is v as encoding/json decodes it (objects as map[string]any,
// numbers as float64), so that values of any Go type, or read from YAML,
// compare with a decoded JSON document.
func JSONValue(tb testing.TB, v any) any {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// ErrorReports checks that err reports each of want: that its message
// contains each of them.
func ErrorReports(tb testing.TB, err error, want ...string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("no error, want one that reports %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			tb.Errorf("error does not report %q:\n%v", w, err)
		}
	}
}

// Start starts cmd and returns the read end of the pipe that pipe opens
// (cmd.StdoutPipe or cmd.StderrPipe); the process is killed and waited for
// when the test ends.
func Start(tb testing.TB, cmd *exec.Cmd, pipe func() (io.ReadCloser, error)) io.ReadCloser {
	tb.Helper()
	out, err := pipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return out
}
