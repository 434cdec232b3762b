package guard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/print"
	"go.opentelemetry.io/otel/trace"

	"github.com/wwe-guard/wwe-guard/internal/policy"
)

// ErrPolicy is wrapped by every failure to decide.
var ErrPolicy = errors.New("policy error")

// DecisionError is a failed decision; it carries the decision id so the
// refusal and the log entry can be matched.
type DecisionError struct {
	ID  string
	Err error
}

func (e *DecisionError) Error() string { return fmt.Sprintf("decision %s: %v", e.ID, e.Err) }

// Unwrap makes errors.Is(err, ErrPolicy) hold.
func (e *DecisionError) Unwrap() []error { return []error{ErrPolicy, e.Err} }

// DecisionID returns the id of the failed decision.
func (e *DecisionError) DecisionID() string { return e.ID }

// defaultTimeout bounds one evaluation when Config.Timeout is zero.
const defaultTimeout = 200 * time.Millisecond

// Engine evaluates data.wwe.guard.decision with a query prepared once per
// (re)load and swapped atomically.
type Engine struct {
	mu      sync.Mutex // serialises reloads; cfg is what the last good one used
	cfg     Config
	state   atomic.Pointer[state]
	log     *slog.Logger
	dlog    *decisionLog
	printer print.Hook // where Rego's print() goes: the log, at debug level
}

// state is one compiled policy set.
type state struct {
	query    rego.PreparedEvalQuery
	origins  policy.Origins
	modules  int
	static   *staticRules
	compiler *ast.Compiler  // for explanations: rules and their annotations
	labels   ruleLabels     // METADATA labels of the extension rules, by reason code
	revision string         // of the modules and data (revisionOf)
	exported map[string]any // the data the config contributes (ExportData)
	// The modes that turn its decisions into verdicts: part of the set, so
	// a reload switches them with the policies and options at once.
	enforcement policy.Enforcement
	mode        policy.UserDataMode
	timeout     time.Duration     // per evaluation
	bundles     map[string]string // each bundle's manifest revision
	bundlesJSON []byte            // the decision log's "bundles": {"name": {"revision": ...}}
}

var _ interface {
	Decide(context.Context, policy.Input) (policy.Decision, error)
	AdmittedOrigins() policy.Origins
} = (*Engine)(nil)

// New compiles the configured policies and prepares the decision query.
func New(ctx context.Context, cfg Config) (*Engine, error) {
	cfg = cfg.withDefaults()
	e := &Engine{cfg: cfg, log: cfg.Logger}
	if e.log == nil {
		e.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e.printer = logPrinter{log: e.log}
	if cfg.DecisionLog != nil {
		e.dlog = newDecisionLog(cfg.DecisionLog, logBuffer, cfg.Labels, cfg.LogValues != KeepValues, e.log)
		e.dlog.console = cfg.ConsoleLog
	}
	if err := e.Reload(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// withDefaults fills in the modes and the timeout left unset.
func (cfg Config) withDefaults() Config {
	if cfg.Enforcement == "" {
		cfg.Enforcement = policy.Enforce
	}
	if cfg.UserDataMode == "" {
		cfg.UserDataMode = policy.RejectMode
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	return cfg
}

// Reload recompiles the policies from the same sources and swaps them in;
// on failure the last good set stays and the error is returned.
func (e *Engine) Reload(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	st, err := prepare(ctx, e.cfg)
	if err != nil {
		return err
	}
	e.state.Store(st)
	return nil
}

// Apply compiles the policy sources, options and modes of cfg and swaps
// them in at once: a decision sees the old set or the new one, never a mix.
// The decision log, its labels and the logger stay as they are. On failure
// the last good set stays and the error is returned.
func (e *Engine) Apply(ctx context.Context, cfg Config) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	next := e.cfg
	next.Bundled, next.Schemas, next.Paths = cfg.Bundled, cfg.Schemas, cfg.Paths
	next.Options, next.Workspace, next.Bundles = cfg.Options, cfg.Workspace, cfg.Bundles
	next.Enforcement, next.UserDataMode, next.Timeout = cfg.Enforcement, cfg.UserDataMode, cfg.Timeout
	next = next.withDefaults()
	st, err := prepare(ctx, next)
	if err != nil {
		return err
	}
	e.cfg = next
	e.state.Store(st)
	return nil
}

// Close writes every decision log entry still buffered and stops the
// writer; it returns early, with an error, when ctx ends first. Decisions
// made after Close are still logged, written one at a time. Without a
// decision log Close does nothing.
func (e *Engine) Close(ctx context.Context) error {
	if e.dlog == nil {
		return nil
	}
	return e.dlog.close(ctx)
}

// LogStats returns the decision log's counters; all zero without a log.
func (e *Engine) LogStats() LogStats {
	if e.dlog == nil {
		return LogStats{}
	}
	return e.dlog.stats()
}

// Revision names the current policy set: a hash of its modules and its
// data, options included, so two guards with the same revision decide
// alike.
func (e *Engine) Revision() string { return e.state.Load().revision }

// Bundles returns each bundle's revision in the current set.
func (e *Engine) Bundles() map[string]string { return e.state.Load().bundles }

// Modules returns how many policy modules the current set has.
func (e *Engine) Modules() int { return e.state.Load().modules }

// AdmittedOrigins returns the origins the current policies admit for CORS.
func (e *Engine) AdmittedOrigins() policy.Origins { return e.state.Load().origins }

// Decide evaluates in. A deny is a Decision; an error means no decision
// could be made and wraps ErrPolicy.
func (e *Engine) Decide(ctx context.Context, in policy.Input) (d policy.Decision, err error) {
	id := newID()
	start := time.Now()
	var evalNS int64
	var val ast.Value // the input evaluated, which the log entry shows
	st := e.state.Load()
	meta := entryMeta{revision: st.revision, enforcement: st.enforcement, bundles: st.bundlesJSON}
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		meta.traceID = sc.TraceID().String()
	}
	defer func() {
		if r := recover(); r != nil {
			err = &DecisionError{ID: id, Err: fmt.Errorf("evaluation panicked: %v", r)}
		}
		if e.dlog != nil {
			e.dlog.record(id, start, val, d, err, evalNS, meta)
		}
	}()
	val, err = inputValue(&in)
	if err != nil {
		return policy.Decision{}, &DecisionError{ID: id, Err: fmt.Errorf("build input: %w", err)}
	}
	evalStart := time.Now()
	d, err = e.decision(ctx, st, val)
	evalNS = time.Since(evalStart).Nanoseconds()
	if err != nil {
		return policy.Decision{}, &DecisionError{ID: id, Err: err}
	}
	d.ID = id
	if e.dlog != nil {
		d.RuleLabels = st.labels.of(d.Reasons, d.DryRunReasons)
	}
	d.Verdict = verdict(&d, &in, st.enforcement, st.mode)
	return d, nil
}

// decision evaluates one input and converts the decision document
// strictly: an evaluation error, an undefined or an ill-typed decision is an
// error. Decide and Replay share it; neither the ID nor the verdict is set.
func (e *Engine) decision(ctx context.Context, st *state, input ast.Value) (policy.Decision, error) {
	rs, err := e.eval(ctx, st, input, false)
	if err != nil {
		return policy.Decision{}, fmt.Errorf("evaluate: %w", err)
	}
	doc, ok := result(rs)
	if !ok {
		return policy.Decision{}, errors.New("decision is undefined")
	}
	return convert(doc)
}

// result is the one value of a result set, if there is exactly one.
func result(rs rego.ResultSet) (any, bool) {
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, false
	}
	return rs[0].Expressions[0].Value, true
}

// eval runs the prepared query on one input, bounded by the configured
// timeout. OPA's own metrics are not collected (the guard times the
// evaluation itself), cancellation is a timer rather than a goroutine per
// evaluation, and the rules that are the same in every decision come from
// the set's static rules — unless everything is to be traced (a cached rule
// leaves no trace). extra adds options, such as tracers.
func (e *Engine) eval(ctx context.Context, st *state, input ast.Value, traceAll bool, extra ...rego.EvalOption) (rego.ResultSet, error) {
	cancel := topdown.NewCancel()
	timer := time.AfterFunc(st.timeout, cancel.Cancel)
	defer timer.Stop()
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, cancel.Cancel)
		defer stop()
	}
	if !traceAll && len(extra) == 0 {
		// The decision's own path: a literal argument list keeps the
		// options off the heap.
		return st.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalMetrics(noMetrics),
			rego.EvalExternalCancel(cancel), rego.EvalVirtualCache(st.static.cache()), rego.EvalPrintHook(e.printer))
	}
	opts := append([]rego.EvalOption{rego.EvalParsedInput(input), rego.EvalMetrics(noMetrics), rego.EvalExternalCancel(cancel),
		rego.EvalPrintHook(e.printer)}, extra...)
	if !traceAll {
		opts = append(opts, rego.EvalVirtualCache(st.static.cache()))
	}
	return st.query.Eval(ctx, opts...)
}

// noMetrics is shared by every evaluation: a no-op collects nothing.
var noMetrics = metrics.NoOp()

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
