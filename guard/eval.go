package guard

import (
	"bytes"
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// EvalResult is the raw decision document for one input, and with explain
// the evaluation trace with file:line locations.
type EvalResult struct {
	Decision    any
	Explanation string
}

// Eval evaluates a raw input document (as decoded from JSON) for
// `wwe-guard eval`.
func (e *Engine) Eval(ctx context.Context, input any, explain bool) (EvalResult, error) {
	val, err := ast.InterfaceToValue(input)
	if err != nil {
		return EvalResult{}, fmt.Errorf("input: %w", err)
	}
	buf := topdown.NewBufferTracer()
	opts := []rego.EvalOption{rego.EvalParsedInput(val)}
	if explain {
		opts = append(opts, rego.EvalQueryTracer(buf))
	}
	rs, err := e.state.Load().query.Eval(ctx, opts...)
	if err != nil {
		return EvalResult{}, fmt.Errorf("evaluate: %w", err)
	}
	var res EvalResult
	if len(rs) == 1 && len(rs[0].Expressions) == 1 {
		res.Decision = rs[0].Expressions[0].Value
	}
	if explain {
		var out bytes.Buffer
		topdown.PrettyTraceWithLocation(&out, *buf)
		res.Explanation = out.String()
	}
	return res, nil
}
