// Package serve runs an HTTP handler on a listener with the timeouts and the
// graceful shutdown both binaries share.
package serve

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ShutdownTimeout bounds how long open requests may finish after a stop.
const ShutdownTimeout = 10 * time.Second

// MaxHeaderBytes is Go's own bound on a request's header block: a last
// resort above the guard's 32 KiB header limit (api), so that an oversize
// header is refused before it is held in memory. Go answers it with a plain
// 431.
const MaxHeaderBytes = 64 << 10

// ErrAbort, as the cause of the context's end (context.WithCancelCause),
// stops a server without the drain's wait: it never became ready.
var ErrAbort = errors.New("stopped before it was ready")

// Drain is how a server stops when its context ends (DESIGN.md §9): Begin
// runs at once (the guard's /ready turns 503), the listener keeps serving
// for Wait so that load balancers see it and stop sending, then the
// requests in flight get Grace to finish before they are cut.
type Drain struct {
	Wait  time.Duration
	Grace time.Duration
	Begin func() // nil for nothing
}

// Run serves h on ln until ctx ends, then shuts down gracefully: the
// listener closes and the requests in flight run to their end — ctx ending
// never cancels them — while the onShutdown hooks tell long-lived handlers
// (event streams) to finish. Requests still open after ShutdownTimeout are
// cut. There is no write timeout: the event stream is long-lived and sets
// a deadline per message itself.
func Run(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, onShutdown ...func()) error {
	return RunDraining(ctx, ln, h, log, Drain{Grace: ShutdownTimeout}, onShutdown...)
}

// RunDraining is Run that stops as d says.
func RunDraining(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, d Drain, onShutdown ...func()) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	for _, f := range onShutdown {
		srv.RegisterOnShutdown(f)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if d.Begin != nil {
		d.Begin()
	}
	if d.Wait > 0 && !errors.Is(context.Cause(ctx), ErrAbort) {
		log.Info("draining: still serving while load balancers notice", "wait", d.Wait)
		select {
		case <-time.After(d.Wait):
		case err := <-errc:
			return err
		}
	}
	log.Info("shutting down: the listener closes, requests in flight may finish", "grace", d.Grace)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), d.Grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("requests still open after the grace period were cut", "err", err)
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
