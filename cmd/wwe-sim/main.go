// Command wwe-sim is the reference WWE service as its own process: the /v1
// contract served unguarded over the in-memory service (--api v1, the
// default), or the reference Genesys Web Services for the Workspace API v3
// (--api workspace, internal/gwssim), so wwe-guard can be deployed and
// tested as a real sidecar in front of either.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/internal/command"
	"github.com/wwe-guard/wwe-guard/internal/gwssim"
	"github.com/wwe-guard/wwe-guard/internal/serve"
	"github.com/wwe-guard/wwe-guard/internal/sim"
)

func main() {
	command.Main("wwe-sim", func(ctx context.Context, args []string, _, stderr io.Writer) error {
		return run(ctx, args, stderr)
	})
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("wwe-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:9090", "listen address")
	apiKind := fs.String("api", "v1", "the API to serve: v1 (the WWE /v1 contract) or workspace (Genesys Workspace API v3)")
	seedPath := fs.String("seed", "", "JSON or YAML list of interactions (default: the demo set; --api v1)")
	advice := fs.Duration("cometd-advice", 30*time.Second, "CometD advice timeout: how long a connect is held (--api workspace)")
	apiKey := fs.String("api-key", "", "x-api-key every Workspace API request must carry (default: none; --api workspace)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	switch *apiKind {
	case "v1":
	case "workspace":
		if *advice <= 0 {
			return fmt.Errorf("--cometd-advice must be positive, got %v", *advice)
		}
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		log.Info("listening", "addr", ln.Addr().String(), "api", "workspace")
		gws := gwssim.New(gwssim.Config{Advice: *advice, APIKey: *apiKey, Logger: log})
		return serve.Run(ctx, ln, gws, log, gws.Close)
	default:
		return fmt.Errorf("--api must be v1 or workspace, got %q", *apiKind)
	}
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
	server := api.New(api.Config{Service: service.NewMemory(seed), Decider: sim.AllowAll{}, Logger: log, TrustCallerApplication: true})
	return serve.Run(ctx, ln, server, log, server.EndStreams)
}
