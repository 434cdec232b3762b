package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/wwe-guard/wwe-guard/guard"
)

const usage = `usage:
  wwe-guard [serve] [--config FILE] [--listen ADDR]   run the guard (no config: the demo)
  wwe-guard check --config FILE                        validate config and compile policies
  wwe-guard eval --config FILE --input FILE [--explain] [--trace] [--json]
                                                       print the decision for one input and why
  wwe-guard replay --config FILE [--budget N|P%] [--json] [--skip-masked] DECISIONS.jsonl...
                                                       re-decide logged inputs with candidate policies; report changes
  wwe-guard version                                    print the module version and VCS revision
  wwe-guard options export --config FILE [--output FILE]
                                                       the data the config gives the policies, as data.json for opa eval
  wwe-guard sleep DURATION                             wait, then exit 0: a preStop hook for an image with no shell
  wwe-guard help | --help                              print this; CMD --help prints a command's flags`

// run is the whole program: it parses args and runs one command.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && isHelp(args[0]) {
		cmd = "help"
	} else if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	err := runCommand(ctx, cmd, args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // the command's flags were printed, as asked
	}
	return err
}

func runCommand(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer) error {
	switch cmd {
	case "serve":
		return serveCommand(ctx, args, stdout, stderr)
	case "check":
		return checkCommand(ctx, args, stdout, stderr)
	case "eval":
		return evalCommand(ctx, args, stdout, stderr)
	case "replay":
		return replayCommand(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, versionLine())
		return nil
	case "sleep":
		return sleepCommand(ctx, args)
	case "options":
		return optionsCommand(ctx, args, stdout, stderr)
	case "help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

// flags is a command's flag set. Its usage goes to stderr after a mistake
// and to stdout when args ask for it (-h, --help), and asking exits 0.
func flags(name string, args []string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, a := range args {
		if a == "--" {
			break
		}
		if isHelp(a) {
			fs.SetOutput(stdout)
		}
	}
	return fs
}

func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "--h":
		return true
	}
	return false
}

// checkCommand validates the config and compiles the policies.
func checkCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("check", args, stdout, stderr)
	path := fs.String("config", "", "config file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		return errors.New("check needs --config FILE")
	}
	cfg, err := loadConfigAndBundles(ctx, *path)
	if err != nil {
		return err
	}
	if err := guard.Check(ctx, cfg.engineConfig(nil, nil)); err != nil {
		return fmt.Errorf("policies:\n%w", err)
	}
	fmt.Fprintln(stdout, "ok:", *path)
	return nil
}

// evalCommand prints the decision for one input document and, with
// --explain, every rule that contributed to it.
func evalCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("eval", args, stdout, stderr)
	path := fs.String("config", "", "config file")
	inputPath := fs.String("input", "", "input document (JSON)")
	explain := fs.Bool("explain", false, "list every rule that contributed (package, rule, file:line, message)")
	trace := fs.Bool("trace", false, "print OPA's full evaluation trace")
	asJSON := fs.Bool("json", false, "print one JSON object: decision and contributions")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *inputPath == "" {
		return errors.New("eval needs --input FILE")
	}
	cfg := defaultConfig()
	if *path != "" {
		var err error
		if cfg, err = loadConfigAndBundles(ctx, *path); err != nil {
			return err
		}
	}
	raw, err := os.ReadFile(*inputPath)
	if err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	var input any
	if err := json.Unmarshal(raw, &input); err != nil {
		return fmt.Errorf("input %s: %w", *inputPath, err)
	}
	engine, err := guard.New(ctx, cfg.engineConfig(nil, nil))
	if err != nil {
		return fmt.Errorf("policies:\n%w", err)
	}
	res, err := engine.Eval(ctx, input, guard.EvalOptions{Explain: *explain || *asJSON, Trace: *trace, Print: stderr})
	if err != nil {
		return err
	}
	if *asJSON {
		out, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintln(stdout, string(out))
		return nil
	}
	out, _ := json.MarshalIndent(res.Decision, "", "  ")
	fmt.Fprintln(stdout, string(out))
	if *explain {
		printContributions(stdout, res.Contributions)
	}
	if *trace {
		fmt.Fprintln(stdout, res.Trace)
	}
	return nil
}

// sleepCommand waits for one duration (a Kubernetes preStop hook in an
// image without a shell), or until ctx ends.
func sleepCommand(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("sleep needs one duration, e.g. 5s")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil || d < 0 {
		return fmt.Errorf("sleep: %q is not a duration", args[0])
	}
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
	return nil
}
