package testkit

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// WorkspaceClientDir is the folder of the tests that drive Genesys' own npm
// Workspace API client (test/workspace-client).
func WorkspaceClientDir(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("cannot locate the repository")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "test", "workspace-client")
}

// NeedWorkspaceClient skips the test when node or the npm packages of
// test/workspace-client (npm ci in that folder) are missing, and fails it
// instead under CI=true, where they are required. It returns node's path.
func NeedWorkspaceClient(tb testing.TB) string {
	tb.Helper()
	need := func(format string, args ...any) {
		tb.Helper()
		if os.Getenv("CI") == "true" {
			tb.Fatalf(format, args...)
		}
		tb.Skipf(format, args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		need("node is needed to run Genesys' client: %v", err)
	}
	dir := WorkspaceClientDir(tb)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "genesys-workspace-client-js")); err != nil {
		need("run npm ci in %s first: %v", dir, err)
	}
	return node
}

// RunWorkspaceClient runs node --test on files of test/workspace-client
// (all of them when none is named) with env added, and fails the test with
// node's output when a test fails.
func RunWorkspaceClient(tb testing.TB, env []string, files ...string) {
	tb.Helper()
	node := NeedWorkspaceClient(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"--test"}, files...)...)
	cmd.Dir = WorkspaceClientDir(tb)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("node --test %v: %v\n%s", files, err, out)
	}
	tb.Logf("node --test %v:\n%s", files, out)
}
