package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/wwe-guard/wwe-guard/guard"
)

// replayCommand re-evaluates the inputs of decision logs against a candidate
// config (its policies and options) and reports the decisions that change;
// it fails when more change than the budget allows.
func replayCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("replay", args, stdout, stderr)
	path := fs.String("config", "", "candidate config: its policies and options decide")
	budget := fs.String("budget", "0", "changes allowed before replay fails: a count (5) or a share of the replayed decisions (2%)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	skipMasked := fs.Bool("skip-masked", false, "leave out entries whose user-data values were masked")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" || fs.NArg() == 0 {
		return errors.New("replay needs --config FILE and one or more decision log files")
	}
	limit, err := parseBudget(*budget)
	if err != nil {
		return err
	}
	cfg, err := loadConfigAndBundles(ctx, *path)
	if err != nil {
		return err
	}
	var logged []guard.Logged
	for _, name := range fs.Args() {
		entries, err := readDecisionLog(name)
		if err != nil {
			return err
		}
		logged = append(logged, entries...)
	}
	engine, err := guard.New(ctx, cfg.engineConfig(nil, nil))
	if err != nil {
		return fmt.Errorf("policies:\n%w", err)
	}
	rep, err := engine.Replay(ctx, logged, *skipMasked)
	if err != nil {
		return err
	}
	allowed := limit.of(rep.Replayed)
	if *asJSON {
		out, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Fprintln(stdout, string(out))
	} else {
		printReplay(stdout, rep, *budget, allowed)
	}
	if rep.Changed > allowed {
		return fmt.Errorf("replay: %d decision(s) change, over the budget of %s (%d)", rep.Changed, *budget, allowed)
	}
	return nil
}

// budget is a number of changes, or a percentage of the replayed decisions.
type budget struct {
	n       int
	percent float64
	isShare bool
}

func parseBudget(s string) (budget, error) {
	if p, ok := strings.CutSuffix(s, "%"); ok {
		if f, err := strconv.ParseFloat(p, 64); err == nil && f >= 0 && f <= 100 {
			return budget{percent: f, isShare: true}, nil
		}
	} else if n, err := strconv.Atoi(s); err == nil && n >= 0 {
		return budget{n: n}, nil
	}
	return budget{}, fmt.Errorf("--budget %q: want a count or a percentage from 0%% to 100%%", s)
}

// of is the number of changes the budget allows out of replayed decisions.
func (b budget) of(replayed int) int {
	if b.isShare {
		return int(b.percent * float64(replayed) / 100)
	}
	return b.n
}

// readDecisionLog reads a JSON-lines decision log; a line that is not an
// entry is an error naming file and line.
func readDecisionLog(name string) ([]guard.Logged, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read decision log: %w", err)
	}
	defer f.Close()
	var out []guard.Logged
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var l guard.Logged
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("%s:%d: not a decision log entry: %w", name, line, err)
		}
		if l.ID == "" || l.Input == nil {
			return nil, fmt.Errorf("%s:%d: not a decision log entry: no decision_id or input", name, line)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

func printReplay(w io.Writer, rep guard.ReplayReport, budget string, allowed int) {
	fmt.Fprintf(w, "replayed %d of %d decisions: %d change, %d unchanged (budget %s = %d)\n",
		rep.Replayed, rep.Entries, rep.Changed, rep.Unchanged, budget, allowed)
	if rep.Skipped > 0 {
		fmt.Fprintf(w, "skipped %d entries with masked values (--skip-masked)\n", rep.Skipped)
	}
	if rep.Masked > 0 {
		fmt.Fprintf(w, "warning: %d replayed entries had their user-data values masked (\"***\"); rules that read values\n"+
			"         may decide them differently than on the real values. Log with decisionLog.values: keep to replay exactly.\n", rep.Masked)
	}
	if len(rep.ByRule) > 0 {
		fmt.Fprintln(w, "\nchanges by rule (reason code; ~ marks an observed dry-run code):")
		for _, code := range slices.Sorted(maps.Keys(rep.ByRule)) {
			rc := rep.ByRule[code]
			fmt.Fprintf(w, "  %-32s +%d newly given  -%d no longer given\n", code, rc.Added, rc.Removed)
		}
	}
	if len(rep.Changes) > 0 {
		fmt.Fprintln(w, "\nchanged decisions:")
		for _, c := range rep.Changes {
			mark := ""
			if c.Masked {
				mark = "  (masked values)"
			}
			fmt.Fprintf(w, "  %s  %s -> %s%s\n", c.ID, c.Before, c.After, mark)
		}
	}
}
