package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIManners runs the built binary as a person would: help however it
// is asked for is printed on stdout and exits 0, a mistake exits 1 with
// the command's flags on stderr, and version names the module version and
// the VCS revision it was built from.
func TestCLIManners(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "wwe-guard")
	// The machine may set GOFLAGS=-buildvcs=false; a release build stamps
	// the revision, so this one does too.
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	commands := []string{"serve", "check", "eval", "replay", "version", "sleep"}
	tests := []struct {
		args     []string
		code     int
		stdout   []string // each must appear
		stderr   string
		noStdout bool
	}{
		{args: []string{"--help"}, stdout: commands},
		{args: []string{"-h"}, stdout: commands},
		{args: []string{"help"}, stdout: commands},
		{args: []string{"serve", "--help"}, stdout: []string{"-config", "-listen"}},
		{args: []string{"check", "-h"}, stdout: []string{"-config"}},
		{args: []string{"eval", "--help"}, stdout: []string{"-input", "-explain"}},
		{args: []string{"replay", "--help"}, stdout: []string{"-budget"}},
		{args: []string{"check", "--nope"}, code: 1, stderr: "flag provided but not defined: -nope", noStdout: true},
		{args: []string{"frobnicate"}, code: 1, stderr: `unknown command "frobnicate"`, noStdout: true},
		{args: []string{"sleep", "10ms"}, noStdout: true},
		{args: []string{"sleep", "soon"}, code: 1, stderr: `sleep: "soon" is not a duration`, noStdout: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runBinary(t, bin, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			if tt.noStdout && stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
		})
	}
	t.Run("version", func(t *testing.T) {
		t.Parallel()
		stdout, _, code := runBinary(t, bin, "version")
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "wwe-guard ") || !strings.HasPrefix(lines[2], "go1.") {
			t.Fatalf("exit %d, stdout:\n%s", code, stdout)
		}
		head, err := exec.Command("git", "rev-parse", "HEAD").Output()
		if err != nil {
			t.Skipf("not in a git checkout (%v): no revision to compare", err)
		}
		if want := "revision " + strings.TrimSpace(string(head)); !strings.HasPrefix(lines[1], want) {
			t.Errorf("second line %q, want it to start with %q", lines[1], want)
		}
	})
}

// runBinary runs bin with args and returns its output and exit code.
func runBinary(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// TestListenAddresses: the config's listen takes what net.Listen takes, as
// the --listen flag does, and refuses what it cannot.
func TestListenAddresses(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"127.0.0.1:0", "[::]:8080", ":0", "localhost:8080", "[::1]:65535"} {
		cfg := writeConfig(t, "", "listen: \""+addr+"\"\n")
		if err := run(context.Background(), []string{"check", "--config", cfg}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
			t.Errorf("listen %q: %v", addr, err)
		}
	}
	for _, addr := range []string{"8080", "127.0.0.1:65536", "[::1:80", "127.0.0.1:-1", "a:b:80"} {
		expectRefusedConfig(t, writeConfig(t, "", "listen: \""+addr+"\"\n"), "listen: \""+addr+"\" is not an address to listen on")
	}
	// An empty --listen leaves the config's listen in force.
	base := startGuard(t, "--config", writeConfig(t, "", "listen: \"127.0.0.1:0\"\n"), "--listen", "")
	send(t, http.MethodGet, base+"/health", "").expect(t, http.StatusOK, "")
}
