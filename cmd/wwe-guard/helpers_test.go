package main

import (
	"context"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/syncbuf"
)

// listeningRE finds the listen address in the guard's log, text or JSON.
var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)|"msg":"listening","addr":"([^"]+)"`)

// listenAddr is the address a log line of listeningRE names.
func listenAddr(out string) (string, bool) {
	m := listeningRE.FindStringSubmatch(out)
	if m == nil {
		return "", false
	}
	return m[1] + m[2], true
}

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
	base, _, stderr, _ := launchGuard(t, args...)
	return base, stderr
}

// startGuardStoppable is startGuard that also returns stop, which ends
// run's context — what SIGTERM does to the binary — and returns run's error.
func startGuardStoppable(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	base, _, _, stop := launchGuard(t, args...)
	return base, stop
}

// launchGuard runs the guard until the test ends or stop is called, and
// waits until its policies are loaded.
func launchGuard(t *testing.T, args ...string) (base string, stdout, stderr *syncbuf.Buffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncbuf.Buffer{}, &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		// No load balancer to drain: stop at once unless args say otherwise.
		done <- run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0", "--shutdown-wait", "0s"}, args...), stdout, stderr)
	}()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			runErr = <-done
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("run: %v", err)
		}
	})
	loaded := regexp.MustCompile(`msg="policies loaded"|"msg":"policies loaded"`)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out := stderr.String()
		if addr, ok := listenAddr(out); ok && loaded.MatchString(out) {
			return "http://" + addr, stdout, stderr, stop
		}
		select {
		case err := <-done:
			done <- err // for stop, which waits for run to return
			t.Fatalf("guard stopped: %v\n%s", err, out)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("guard did not start:\n%s", stderr.String())
	return "", nil, nil, nil
}
