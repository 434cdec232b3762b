package guard

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// EvalResult is the raw decision document for one input; with explain, every
// rule of an extension point that contributed to it; with trace, OPA's
// evaluation trace with file:line locations.
type EvalResult struct {
	Decision      any            `json:"decision"`
	Contributions []Contribution `json:"contributions,omitempty"`
	Trace         string         `json:"-"`
}

// EvalOptions says what Eval explains.
type EvalOptions struct {
	Explain bool // report the contributing rules
	Trace   bool // record the full evaluation trace
	// Print receives what Rego's print() writes, "file:line: message" a
	// line; nil sends it to the guard's log at debug level.
	Print io.Writer
}

// Eval evaluates a raw input document (as decoded from JSON), for
// `wwe-guard eval`, bounded by the same timeout as a decision. It does not
// log.
func (e *Engine) Eval(ctx context.Context, input any, o EvalOptions) (EvalResult, error) {
	val, err := ast.InterfaceToValue(input)
	if err != nil {
		return EvalResult{}, fmt.Errorf("input: %w", err)
	}
	st := e.state.Load()
	var opts []rego.EvalOption
	var contributions *contributionTracer
	if o.Explain {
		contributions = &contributionTracer{annotations: st.compiler.GetAnnotationSet()}
		opts = append(opts, rego.EvalQueryTracer(contributions))
	}
	if o.Print != nil {
		opts = append(opts, rego.EvalPrintHook(writerPrinter{w: o.Print}))
	}
	buf := topdown.NewBufferTracer()
	if o.Trace {
		opts = append(opts, rego.EvalQueryTracer(buf))
	}
	rs, err := e.eval(ctx, st, val, o.Trace, opts...)
	if err != nil {
		return EvalResult{}, fmt.Errorf("evaluate: %w", err)
	}
	var res EvalResult
	res.Decision, _ = result(rs)
	if o.Explain {
		res.Contributions = contributions.out
		markDryRun(res.Contributions, st.labels.dataCodes)
	}
	if o.Trace {
		var out bytes.Buffer
		topdown.PrettyTraceWithLocation(&out, *buf)
		res.Trace = out.String()
	}
	return res, nil
}
