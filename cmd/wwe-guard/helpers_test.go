package main

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/syncbuf"
)

var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startGuard runs the guard's run() on 127.0.0.1:0 with args until the test
// ends, waits until its policies are loaded, and returns its base URL.
func startGuard(t *testing.T, args ...string) string {
	t.Helper()
	base, _ := startGuardOutput(t, args...)
	return base
}

// startGuardOutput is startGuard that also returns the guard's stderr.
func startGuardOutput(t *testing.T, args ...string) (string, *syncbuf.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out := stderr.String()
		if m := listeningRE.FindStringSubmatch(out); m != nil && regexp.MustCompile(`msg="policies loaded"`).MatchString(out) {
			return "http://" + m[1], stderr
		}
		select {
		case err := <-done:
			done <- err // for the cleanup, which waits for run to return
			t.Fatalf("guard stopped: %v\n%s", err, out)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("guard did not start:\n%s", stderr.String())
	return "", nil
}
