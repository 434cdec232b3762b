package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/metrics"
	"github.com/wwe-guard/wwe-guard/internal/serve"
	"github.com/wwe-guard/wwe-guard/internal/tracing"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// tracingConfig is the config's tracing block: off unless an endpoint is
// named.
type tracingConfig struct {
	OTLPEndpoint string `yaml:"otlpEndpoint" validate:"omitempty,url"` // an OTLP/HTTP collector, e.g. http://otel-collector:4318
}

// newTracer is the tracer the config asks for; nil when tracing is off.
func (t tracingConfig) newTracer(ctx context.Context) (*tracing.Tracer, error) {
	if t.OTLPEndpoint == "" {
		return nil, nil
	}
	return tracing.New(ctx, t.OTLPEndpoint, readBuild().version)
}

// metricsConfig is the config's metrics block.
type metricsConfig struct {
	Enabled bool `yaml:"enabled"` // GET /metrics (default true)
}

// newMetrics is the guard's registry, labelled with its build.
func newMetrics() *metrics.Metrics {
	b := readBuild()
	return metrics.New(b.version, b.revision)
}

// observe hooks the metrics into the API server's configuration: every
// refusal by its errorCode and every upstream call, which the tracer, when
// tracing is on, also traces (its traceparent going upstream).
func observe(out *api.Config, m *metrics.Metrics, tracer *tracing.Tracer) {
	out.Refused = func(code wwe.Code) { m.Refused(string(code)) }
	wrap := func(rt http.RoundTripper) http.RoundTripper {
		rt = m.Transport(rt)
		if tracer != nil {
			rt = tracer.Transport(rt)
		}
		return rt
	}
	if out.Workspace != nil {
		out.Workspace.Client.Transport = wrap(out.Workspace.Client.Transport)
	}
	if wrapper, ok := out.Service.(interface {
		WrapTransport(func(http.RoundTripper) http.RoundTripper)
	}); ok {
		wrapper.WrapTransport(wrap)
	}
}

// exportCounters makes the counters the engine and the server keep
// themselves part of the metrics.
func exportCounters(m *metrics.Metrics, engine *guard.Engine, server *api.Server) {
	stat := func(f func(guard.LogStats) uint64) func() float64 {
		return func() float64 { return float64(f(engine.LogStats())) }
	}
	m.CounterFunc("decision_log_entries_written_total", "Decision log entries written.", stat(func(s guard.LogStats) uint64 { return s.Written }))
	m.CounterFunc("decision_log_entries_dropped_total", "Decision log entries lost because the output failed to take them.", stat(func(s guard.LogStats) uint64 { return s.Failed }))
	m.CounterFunc("decision_log_waits_total", "Decisions that waited for room in the decision log's buffer.", stat(func(s guard.LogStats) uint64 { return s.Waits }))
	m.GaugeFunc("decision_log_pending", "Decision log entries waiting in the buffer.", func() float64 { return float64(engine.LogStats().Pending) })
	m.GaugeFunc("event_streams_open", "Open event streams: GET /v1/events and SCAPI socket subscriptions.", func() float64 { return float64(server.FeedStats().Subscribers) })
	m.GaugeFunc("scapi_sockets_open", "Open SCAPI sockets (GET /v1/scapi/ws).", func() float64 { return float64(server.SocketsOpen()) })
	m.CounterFunc("event_streams_dropped_total", "Event streams cut off for falling behind.", func() float64 { return float64(server.FeedStats().Dropped) })
}

// handler is what the listener serves: /metrics when enabled, the API
// server for everything else (matched exactly, so no path the API would
// refuse is cleaned into /metrics), behind the access log when it is on.
func (c *config) handler(server http.Handler, m *metrics.Metrics, tracer *tracing.Tracer, log *slog.Logger) http.Handler {
	if tracer != nil {
		server = tracer.Handler(server)
	}
	h := server
	if c.Metrics.Enabled {
		scrape := m.Handler()
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/metrics" && r.Method == http.MethodGet {
				scrape.ServeHTTP(w, r)
				return
			}
			server.ServeHTTP(w, r)
		})
	}
	if c.Log.Access {
		h = serve.AccessLog(h, log)
	}
	return h
}
