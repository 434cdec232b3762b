// Command wwe-sim is the reference WWE service as its own process: the /v1
// contract served unguarded over the in-memory service, so wwe-guard can be
// deployed and tested as a real sidecar in front of it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/internal/serve"
	"github.com/wwe-guard/wwe-guard/internal/sim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "wwe-sim:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("wwe-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:9090", "listen address")
	seedPath := fs.String("seed", "", "JSON or YAML list of interactions (default: the demo set)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	seed := service.DemoSeed()
	if *seedPath != "" {
		var err error
		if seed, err = service.LoadSeed(*seedPath); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	log.Info("listening", "addr", ln.Addr().String(), "interactions", len(seed))
	server := api.New(api.Config{Service: service.NewMemory(seed), Decider: sim.AllowAll{}, Logger: log})
	return serve.Run(ctx, ln, server, log, server.EndStreams)
}
