package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/auth"
	"github.com/wwe-guard/wwe-guard/internal/ratestore"
	"github.com/wwe-guard/wwe-guard/internal/serve"
)

// serveCommand runs the guard: config, listener first, service, server,
// then the policies; SIGHUP reloads them.
func serveCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("serve", args, stdout, stderr)
	path := fs.String("config", "", "config file (none: the demo)")
	listen := fs.String("listen", "", "listen address, overrides the config's listen")
	wait := fs.Duration("shutdown-wait", -1, "overrides the config's shutdown.wait: how long /ready is 503 while the listener still serves after SIGTERM")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, demo := demoConfig(), true
	if *path != "" {
		var err error
		if cfg, err = loadConfig(*path); err != nil {
			return err
		}
		demo = false
	}
	overrides := func(c *config) {
		if *listen != "" {
			c.Listen = *listen
		}
		if *wait >= 0 {
			c.Shutdown.Wait = *wait
		}
	}
	overrides(&cfg)
	log, level := cfg.Log.logger(stderr)
	decisionLog, closeLog, err := openDecisionLog(cfg.DecisionLog.Output, stdout)
	if err != nil {
		return err
	}
	defer closeLog()

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if tl, err := cfg.TLS.listen(ln, log); err != nil {
		ln.Close()
		return fmt.Errorf("listen: %w", err)
	} else {
		ln = tl
	}
	addr := ln.Addr().String()
	log.Info("listening", "addr", addr, "tls", cfg.TLS.enabled(), "mtls", cfg.TLS.ClientCAFile != "", "upstream", cfg.Upstream.Kind, "enforcement", cfg.Enforcement)

	if demo {
		cfg.SCAPI.Relays = demoRelays(addr)
	}
	apiCfg, err := cfg.server(ctx, log)
	if err != nil {
		ln.Close()
		return err
	}
	if closer, ok := cfg.rateStore.(io.Closer); ok {
		defer closer.Close() // after the server: no request uses the store any more
	}
	m := newMetrics()
	tracer, err := cfg.Tracing.newTracer(ctx)
	if err != nil {
		ln.Close()
		return err
	}
	if tracer != nil {
		defer func() {
			flush, cancel := context.WithTimeout(context.WithoutCancel(ctx), logFlushTimeout)
			defer cancel()
			if err := tracer.Shutdown(flush); err != nil {
				log.Error("tracing: spans not sent", "err", err)
			}
		}()
	}
	observe(&apiCfg, m, tracer)
	server := api.New(apiCfg)
	ctx, cancelCause := context.WithCancelCause(ctx)
	defer cancelCause(nil)
	done := make(chan error, 1)
	drain := serve.Drain{Wait: cfg.Shutdown.Wait, Grace: cfg.Shutdown.Grace, Begin: server.Drain}
	go func() {
		done <- serve.RunDraining(ctx, ln, cfg.handler(server, m, tracer, log), log, drain, server.EndStreams)
	}()

	client := bundleClient()
	if err := cfg.waitForBundles(ctx, client, log); err != nil {
		cancelCause(serve.ErrAbort)
		<-done
		return fmt.Errorf("policies: %w", err)
	}
	engine, err := guard.New(ctx, cfg.engineConfig(decisionLog, log))
	if err != nil {
		cancelCause(serve.ErrAbort)
		<-done
		return fmt.Errorf("policies:\n%w", err)
	}
	server.SetDecider(m.Decider(engine))
	m.Active(engine.Revision(), engine.Bundles())
	exportCounters(m, engine, server)
	// Reloads are armed before the guard says it is up.
	r := &reloader{path: *path, overrides: overrides, engine: engine, server: server, metrics: m, level: level, log: log, running: cfg, client: client}
	r.onHangup(ctx)
	r.pollBundles(ctx, client, cfg.Policies.Bundles)
	if *path != "" {
		if err := r.onFileChange(ctx, cfg.Policies.Paths); err != nil {
			log.Warn("config changes will not be noticed; SIGHUP still reloads", "err", err)
		}
	}
	log.Info("policies loaded", "modules", engine.Modules(), "revision", engine.Revision())
	if demo {
		printDemo(stderr, addr)
	}
	err = <-done
	// The server has stopped: write every decision log entry still buffered.
	flushCtx, cancelFlush := context.WithTimeout(context.WithoutCancel(ctx), logFlushTimeout)
	defer cancelFlush()
	if ferr := engine.Close(flushCtx); ferr != nil {
		log.Error("decision log", "err", ferr)
	}
	return err
}

// logFlushTimeout bounds how long shutdown waits for the decision log.
const logFlushTimeout = 10 * time.Second

// server is the API server's configuration: the service of the upstream
// kind and, for kind workspace, the Workspace API v3 door.
func (c *config) server(ctx context.Context, log *slog.Logger) (api.Config, error) {
	out := api.Config{Limits: c.limits(), RateLimits: c.rateLimits, Logger: log,
		Relays: c.SCAPI.relays(), Demo: c.SCAPI.Demo, SocketPing: c.SCAPI.Ping, SocketIdle: c.SCAPI.Idle}
	authenticator, err := c.Auth.authenticator(ctx, log)
	if err != nil {
		return out, err
	}
	if c.RateLimits.Store == "redis" {
		if c.rateStore, err = ratestore.NewRedis(c.RateLimits.Redis.URL, log); err != nil {
			return out, err
		}
		out.RateLimits = c.rateLimits.WithStore(c.rateStore)
	}
	if authenticator != nil {
		out.Authenticator, out.Tokens = authenticator, auth.NewTokens(c.Auth.TokenTTL)
	}
	switch c.Upstream.Kind {
	case "http":
		var client *service.Client
		if client, err = service.NewClient(c.Upstream.URL, c.Upstream.Timeout); err == nil {
			var tlsConfig *tls.Config
			if tlsConfig, err = c.Upstream.TLS.config(); tlsConfig != nil {
				client.UseTLS(tlsConfig)
			}
			out.Service = client
		}
	case "workspace":
		if out.Workspace, err = c.workspace(); err == nil {
			out.Service, err = service.NewGWS(c.Upstream.URL, out.Workspace.Client, c.Upstream.Timeout)
		}
	default:
		seed := c.seed
		if seed == nil {
			seed = service.DemoSeed()
		}
		out.Service = service.NewMemory(seed)
	}
	return out, err
}

// openDecisionLog opens the decision log output: stdout, none or a file.
func openDecisionLog(output string, stdout io.Writer) (io.Writer, func(), error) {
	switch output {
	case "none":
		return nil, func() {}, nil
	case "stdout", "":
		return stdout, func() {}, nil
	}
	f, err := os.OpenFile(output, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, nil, fmt.Errorf("decision log: %w", err)
	}
	return f, func() { f.Close() }, nil
}
