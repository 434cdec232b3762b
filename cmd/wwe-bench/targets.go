package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// module is the import path the binaries are built from.
const module = "github.com/wwe-guard/wwe-guard"

// targetFlags name the three targets of --compare and --max: each is a
// URL, or with --start the tool starts what is not named.
type targetFlags struct {
	service, proxy, guard string
	start                 bool
	simBin, guardBin      string
	decisionLog           string
	workspace             bool // --api workspace: wwe-sim serves GWS, the guard is of kind workspace
	apiKey                string
}

func (t *targetFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&t.service, "service", "", "base URL of the service alone (e.g. wwe-sim)")
	fs.StringVar(&t.proxy, "proxy", "", "base URL of a bare proxy in front of --service (default: started by the tool)")
	fs.StringVar(&t.guard, "guard", "", "base URL of a guard in front of --service")
	fs.BoolVar(&t.start, "start", false, "start wwe-sim and wwe-guard (built, or --sim-bin/--guard-bin) where --service/--guard are not given")
	fs.StringVar(&t.simBin, "sim-bin", "", "wwe-sim binary for --start (default: go build)")
	fs.StringVar(&t.guardBin, "guard-bin", "", "wwe-guard binary for --start (default: go build)")
	fs.StringVar(&t.decisionLog, "decision-log", "none", "--start: the started guard's decisionLog.output (none or a file)")
	fs.StringVar(&t.apiKey, "api-key", "", "send X-API-Key with every request; --start: the started guard requires that key (auth.apiKeys)")
}

func (t targetFlags) validate() []string {
	var problems []string
	if !t.start && (t.service == "" || t.guard == "") {
		problems = append(problems, "--compare and --max need --service and --guard, or --start")
	}
	if t.decisionLog == "stdout" || t.decisionLog == "" {
		problems = append(problems, "--decision-log: none or a file path")
	}
	return problems
}

// target is one system under test.
type target struct {
	name string
	url  string
	kind targetKind
}

// stack is the three targets of --compare and --max, and the processes
// the tool started for them.
type stack struct {
	targets  []target // service, proxy, guard
	children []*child
	dir      string
}

// stop ends the started processes and removes their files.
func (s *stack) stop() {
	for i := len(s.children) - 1; i >= 0; i-- {
		s.children[i].stop()
	}
	os.RemoveAll(s.dir)
}

// cpu returns the CPU time the started processes have used so far. It is
// known only when the tool started all three (service, guard and proxy):
// then during a run it is the cost of the whole stack under load (the
// service; the proxy and the service; the guard and the service), as an
// idle process adds nothing. A nil stack (one target) knows nothing.
func (s *stack) cpu() (time.Duration, bool) {
	if s == nil || len(s.children) != len(s.targets) {
		return 0, false
	}
	var total time.Duration
	for _, c := range s.children {
		d, err := processCPU(c.pid)
		if err != nil {
			return 0, false
		}
		total += d
	}
	return total, true
}

// startTargets returns the service, the bare proxy and the guard, starting
// those the flags do not name. The proxy and the guard are in front of the
// same service. The caller stops the stack.
func startTargets(ctx context.Context, tf targetFlags, log io.Writer) (_ *stack, err error) {
	s := &stack{}
	if s.dir, err = os.MkdirTemp("", "wwe-bench-"); err != nil {
		return nil, fmt.Errorf("start targets: %w", err)
	}
	defer func() {
		if err != nil {
			s.stop()
		}
	}()
	if err := buildMissing(ctx, &tf, s.dir, log); err != nil {
		return nil, err
	}
	listening := regexp.MustCompile(`msg=listening addr=(\S+)`)
	if tf.service == "" {
		args := []string{"--listen", "127.0.0.1:0"}
		if tf.workspace {
			// A connect with nothing to tell is held this long; a short
			// hold lets a stopped subscriber's last poll end soon.
			args = append(args, "--api", "workspace", "--cometd-advice", "2s")
		}
		c, addr, err := startChild(ctx, "wwe-sim", tf.simBin, args, listening, false)
		if err != nil {
			return nil, err
		}
		s.children = append(s.children, c)
		tf.service = "http://" + addr
		fmt.Fprintf(log, "started wwe-sim at %s\n", tf.service)
	}
	tf.service = strings.TrimRight(tf.service, "/")
	if tf.guard == "" {
		cfg := filepath.Join(s.dir, "guard.yaml")
		if err := os.WriteFile(cfg, []byte(guardConfig(tf.service, tf.decisionLog, tf.workspace, tf.apiKey)), 0o644); err != nil {
			return nil, fmt.Errorf("start targets: %w", err)
		}
		c, addr, err := startChild(ctx, "wwe-guard", tf.guardBin, []string{"--config", cfg, "--listen", "127.0.0.1:0"}, listening, false)
		if err != nil {
			return nil, err
		}
		s.children = append(s.children, c)
		tf.guard = "http://" + addr
		fmt.Fprintf(log, "started wwe-guard at %s (upstream %s, decision log %s)\n", tf.guard, tf.service, tf.decisionLog)
	}
	if tf.proxy == "" {
		c, url, err := startProxy(ctx, tf.service)
		if err != nil {
			return nil, err
		}
		s.children = append(s.children, c)
		tf.proxy = url
		fmt.Fprintf(log, "started bare proxy at %s (upstream %s)\n", tf.proxy, tf.service)
	}
	s.targets = []target{
		{name: "service", url: tf.service, kind: kindUnguarded},
		{name: "proxy", url: strings.TrimRight(tf.proxy, "/"), kind: kindUnguarded},
		{name: "guard", url: strings.TrimRight(tf.guard, "/"), kind: kindGuard},
	}
	return s, nil
}

// buildMissing builds into dir the binaries --start needs and no flag
// names, with one `go build` (so it must run inside the module).
func buildMissing(ctx context.Context, tf *targetFlags, dir string, log io.Writer) error {
	var pkgs []string
	if tf.service == "" && tf.simBin == "" {
		pkgs = append(pkgs, module+"/cmd/wwe-sim")
		tf.simBin = filepath.Join(dir, "wwe-sim")
	}
	if tf.guard == "" && tf.guardBin == "" {
		pkgs = append(pkgs, module+"/cmd/wwe-guard")
		tf.guardBin = filepath.Join(dir, "wwe-guard")
	}
	if len(pkgs) == 0 {
		return nil
	}
	fmt.Fprintf(log, "building %s\n", strings.Join(pkgs, " "))
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-o", dir + string(filepath.Separator)}, pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build (run inside the module, or pass --sim-bin and --guard-bin): %w\n%s", err, out)
	}
	return nil
}

// guardConfig is the started guard's config: the service at url as its
// upstream (of kind workspace on the Workspace API), and the demo's
// options (SSN refused, disposition mandatory); it stops at once when
// interrupted (no load balancer to drain).
func guardConfig(url, decisionLog string, workspace bool, apiKey string) string {
	kind := "http"
	if workspace {
		kind = "workspace"
	}
	return `upstream:
  kind: ` + kind + `
  url: ` + strconv.Quote(url) + `
options:
  service-client-api.user-data.write-allowed: "DispositionCode,Notes,CustomerSegment"
  service-client-api.user-data.read-allowed: "DispositionCode,Notes,CustomerSegment,Subject"
  interaction.disposition.is-mandatory: true
decisionLog:
  output: ` + strconv.Quote(decisionLog) + `
shutdown:
  wait: 0s
` + authBlock(apiKey)
}

// authBlock is the started guard's auth block for apiKey: the key's
// SHA-256 naming the application "wwe-bench"; nothing without a key.
func authBlock(apiKey string) string {
	if apiKey == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(apiKey))
	return "auth:\n  apiKeys:\n    - {sha256: " + hex.EncodeToString(sum[:]) + ", application: wwe-bench}\n"
}
