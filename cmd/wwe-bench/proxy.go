package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/serve"
)

// proxyIdleConns is the proxy's idle connections to its upstream, as many
// as the guard's own client to the service keeps (api/service.NewClient),
// so the bare proxy is not handicapped against the guard.
const proxyIdleConns = 256

// proxyCommand is `wwe-bench proxy`: a bare reverse proxy, the baseline
// that tells the cost of any proxy hop from the cost of the guard's work.
// It prints its listen address as the first line on stdout.
func proxyCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wwe-bench proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "listen address")
	upstream := fs.String("upstream", "", "base URL of the service to forward to")
	timeout := fs.Duration("timeout", 5*time.Second, "time to wait for the upstream's response headers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(strings.TrimRight(*upstream, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("proxy: --upstream %q: want http(s)://host[:port]", *upstream)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("proxy: listen: %w", err)
	}
	fmt.Fprintln(stdout, ln.Addr().String())
	return serve.Run(ctx, ln, newProxy(u, *timeout, log), log)
}

// newProxy returns a reverse proxy to upstream that does nothing but
// forward: no headers added, no body read.
func newProxy(upstream *url.URL, timeout time.Duration, log *slog.Logger) http.Handler {
	return &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(upstream) },
		Transport: newTransport(proxyIdleConns, timeout),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			log.Warn("proxy: upstream failed", "method", r.Method, "path", r.URL.Path, "err", err)
			w.WriteHeader(http.StatusBadGateway)
		},
	}
}

// proxyAddr matches the line `wwe-bench proxy` prints first.
var proxyAddr = regexp.MustCompile(`^(\S+:\d+)$`)

// startProxy starts this program again as `proxy` in front of upstream, so
// the proxy does not share the load generator's process.
func startProxy(ctx context.Context, upstream string) (*child, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", fmt.Errorf("start proxy: %w", err)
	}
	c, addr, err := startChild(ctx, "proxy", self, []string{"proxy", "--upstream", upstream}, proxyAddr, true)
	if err != nil {
		return nil, "", err
	}
	return c, "http://" + addr, nil
}
