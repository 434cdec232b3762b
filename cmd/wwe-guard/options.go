package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/wwe-guard/wwe-guard/guard"
)

// optionsCommand is `wwe-guard options export`: the data the config gives
// the policies (data.wwe.options, and data.wwe.workspace and
// data.wwe.rollout.labelled where they apply) as a data.json, so that
// `opa eval -d policies -d <policy paths> -d data.json` decides as the guard
// does.
func optionsCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		if len(args) > 0 && isHelp(args[0]) {
			fmt.Fprintln(stdout, "usage: wwe-guard options export --config FILE [--output FILE]")
			return nil
		}
		return errors.New("usage: wwe-guard options export --config FILE [--output FILE]")
	}
	args = args[1:]
	fs := flags("options export", args, stdout, stderr)
	path := fs.String("config", "", "config file")
	output := fs.String("output", "", "write data.json here (default: stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		return errors.New("options export needs --config FILE")
	}
	cfg, err := loadConfigAndBundles(ctx, *path)
	if err != nil {
		return err
	}
	data, err := guard.ExportData(ctx, cfg.engineConfig(nil, nil))
	if err != nil {
		return fmt.Errorf("policies:\n%w", err)
	}
	b, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if *output == "" {
		_, err = stdout.Write(b)
		return err
	}
	return os.WriteFile(*output, b, 0o644)
}
