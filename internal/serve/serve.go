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

// Run serves h on ln until ctx ends, then shuts down gracefully: the
// listener closes and the requests in flight run to their end — ctx ending
// never cancels them — while the onShutdown hooks tell long-lived handlers
// (event streams) to finish. Requests still open after ShutdownTimeout are
// cut. There is no write timeout: the event stream is long-lived and sets
// a deadline per message itself.
func Run(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, onShutdown ...func()) error {
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
	shutdownCtx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
