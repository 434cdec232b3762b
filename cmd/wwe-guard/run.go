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

	"github.com/wwe-guard/wwe-guard/guard"
)

const usage = `usage:
  wwe-guard [serve] [--config FILE] [--listen ADDR]   run the guard (no config: the demo)
  wwe-guard check --config FILE                        validate config and compile policies
  wwe-guard eval --config FILE --input FILE [--explain] [--trace] [--json]
                                                       print the decision for one input and why
  wwe-guard replay --config FILE [--budget N|P%] [--json] [--skip-masked] DECISIONS.jsonl...
                                                       re-decide logged inputs with candidate policies; report changes
  wwe-guard version`

// run is the whole program: it parses args and runs one command.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
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
		fmt.Fprintln(stdout, "wwe-guard", version)
		return nil
	case "help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

func flags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// checkCommand validates the config and compiles the policies.
func checkCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("check", stderr)
	path := fs.String("config", "", "config file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		return errors.New("check needs --config FILE")
	}
	cfg, err := loadConfig(*path)
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
	fs := flags("eval", stderr)
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
		if cfg, err = loadConfig(*path); err != nil {
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
	res, err := engine.Eval(ctx, input, guard.EvalOptions{Explain: *explain || *asJSON, Trace: *trace})
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
