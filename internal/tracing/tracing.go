// Package tracing exports OpenTelemetry traces over OTLP/HTTP (tracing:
// otlpEndpoint, off by default): a server span per request, continuing the
// caller's W3C traceparent, and a client span per upstream call, whose
// traceparent goes upstream.
package tracing

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/wwe-guard/wwe-guard/internal/roundtrip"
)

// Tracer makes the guard's spans.
type Tracer struct {
	provider   *sdktrace.TracerProvider
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
}

// New exports to the OTLP/HTTP collector at endpoint (its base URL; the
// path /v1/traces is added when none is given).
func New(ctx context.Context, endpoint, version string) (*Tracer, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tracing.otlpEndpoint %q: want http(s)://host[:port][/path]", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1/traces"
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(u.String()))
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	res := resource.NewSchemaless(semconv.ServiceName("wwe-guard"), semconv.ServiceVersion(version))
	p := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return &Tracer{provider: p, tracer: p.Tracer("github.com/wwe-guard/wwe-guard"), propagator: propagation.TraceContext{}}, nil
}

// Shutdown sends the spans still buffered.
func (t *Tracer) Shutdown(ctx context.Context) error { return t.provider.Shutdown(ctx) }

// Handler starts a server span for each request, as a child of the
// caller's traceparent when it sends one. It does not wrap the
// ResponseWriter, so streams and their deadlines are untouched.
func (t *Tracer) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := t.propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := t.tracer.Start(ctx, r.Method+" "+r.URL.Path, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path)))
		defer span.End()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Transport starts a client span for each upstream call and sends its
// traceparent upstream.
func (t *Tracer) Transport(rt http.RoundTripper) http.RoundTripper {
	return roundtrip.Func(func(r *http.Request) (*http.Response, error) {
		ctx, span := t.tracer.Start(r.Context(), "upstream "+r.Method, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path)))
		defer span.End()
		r = r.Clone(ctx)
		t.propagator.Inject(ctx, propagation.HeaderCarrier(r.Header))
		resp, err := rt.RoundTrip(r)
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
			return nil, err
		}
		span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
		if resp.StatusCode >= 500 {
			span.SetStatus(codes.Error, resp.Status)
		}
		return resp, nil
	})
}
