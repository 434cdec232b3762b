// Package metrics is the guard's Prometheus registry (DESIGN.md §9): what
// it decided and refused, how its upstream answered, its decision log, its
// event streams and its policy reloads, with Go's and the process's own
// collectors. cmd wires it; api and guard only report through the small
// hooks they own.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "wwe_guard"

// Metrics holds the guard's metrics and the registry that exports them.
type Metrics struct {
	reg             *prometheus.Registry
	decisions       *prometheus.CounterVec
	decisionSeconds *prometheus.HistogramVec
	refusals        *prometheus.CounterVec
	rateLimited     prometheus.Counter
	upstream        *prometheus.CounterVec
	upstreamSeconds *prometheus.HistogramVec
	reloads         *prometheus.CounterVec
	policy          *prometheus.GaugeVec
	bundles         *prometheus.GaugeVec
}

// Buckets of the latency histograms, in seconds: a decision takes tens of
// microseconds to milliseconds; an upstream call up to its timeout.
var (
	decisionBuckets = []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25}
	upstreamBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
)

// counters, histograms and gauges of the guard's namespace.
func counters(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
}

func histograms(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: name, Help: help, Buckets: buckets}, labels)
}

func gauges(name, help string, labels ...string) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, labels)
}

// New registers the guard's metrics, with version and revision as
// wwe_guard_build_info's labels.
func New(version, revision string) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		decisions: counters("decisions_total",
			"Policy decisions by door, operation, outcome (forward, strip, refuse, error) and errorCode (what enforcement refuses with, dry-run included).",
			"door", "operation", "outcome", "error_code"),
		decisionSeconds: histograms("decision_duration_seconds", "Time to decide one policy input.", decisionBuckets, "operation"),
		refusals: counters("refusals_total",
			"Answers the guard refused itself, by errorCode (policy, validation, limits, upstream failures).", "error_code"),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "rate_limited_total", Help: "Requests refused by a rate limit (RATE_LIMITED).",
		}),
		upstream: counters("upstream_requests_total",
			"Calls to the upstream service by result: its status class (2xx..5xx) or error when no answer came.", "result"),
		upstreamSeconds: histograms("upstream_request_duration_seconds",
			"Time from sending an upstream call to its answer's headers.", upstreamBuckets, "result"),
		reloads: counters("policy_reloads_total", "Policy reloads by result (success, failure).", "result"),
		bundles: gauges("bundle_info", "1 for each active policy bundle, labelled with its name and manifest revision.", "name", "revision"),
		policy:  gauges("policy_info", "1 for the active policy set, labelled with its revision.", "revision"),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info", Help: "1, labelled with the binary's version and VCS revision.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision},
	})
	build.Set(1)
	m.reg.MustRegister(m.decisions, m.decisionSeconds, m.refusals, m.rateLimited, m.upstream, m.upstreamSeconds,
		m.reloads, m.policy, m.bundles, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Refused counts one answer the guard refused with code.
func (m *Metrics) Refused(code string) {
	m.refusals.WithLabelValues(code).Inc()
	if code == "RATE_LIMITED" {
		m.rateLimited.Inc()
	}
}

// Reloaded counts a policy reload and, when it succeeded, makes revision
// and bundles the active ones.
func (m *Metrics) Reloaded(err error, revision string, bundles map[string]string) {
	if err != nil {
		m.reloads.WithLabelValues("failure").Inc()
		return
	}
	m.reloads.WithLabelValues("success").Inc()
	m.Active(revision, bundles)
}

// Active marks revision as the active policy set, and bundles (name ->
// revision) as its bundles.
func (m *Metrics) Active(revision string, bundles map[string]string) {
	m.policy.Reset()
	m.policy.WithLabelValues(revision).Set(1)
	m.bundles.Reset()
	for name, rev := range bundles {
		m.bundles.WithLabelValues(name, rev).Set(1)
	}
}

// CounterFunc exports a counter the guard keeps itself (the decision log's,
// the event streams'), read at each scrape.
func (m *Metrics) CounterFunc(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, f))
}

// GaugeFunc exports a gauge read at each scrape.
func (m *Metrics) GaugeFunc(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, f))
}

// observeUpstream records one upstream call.
func (m *Metrics) observeUpstream(result string, d time.Duration) {
	m.upstream.WithLabelValues(result).Inc()
	m.upstreamSeconds.WithLabelValues(result).Observe(d.Seconds())
}
