package guard

import (
	"context"
	"fmt"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// staticRules holds the value of every complete rule that cannot change
// between decisions of one policy set: it reads neither input nor a
// non-deterministic built-in and uses no `with`, directly or through the
// rules it depends on. The options and data files are fixed for a compiled
// set, so such a rule — a parsed key-list option, say — has the same value in
// every decision. It is evaluated once, when the set is prepared, and each
// evaluation finds it in its virtual-document cache instead of evaluating it
// again.
type staticRules struct {
	values topdown.VirtualCache // read-only after prepare; safe to share
	count  int
}

// findStaticRules evaluates every static complete rule of compiler once,
// all of them within budget (the time one decision may take). A rule that
// fails to evaluate, or is not reached within the budget, is left out:
// evaluating it per decision behaves as before, errors and timeouts included.
func findStaticRules(ctx context.Context, compiler *ast.Compiler, store storage.Store, budget time.Duration) (*staticRules, error) {
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, fmt.Errorf("static rules: %w", err)
	}
	defer store.Abort(ctx, txn)
	cancel := topdown.NewCancel()
	timer := time.AfterFunc(budget, cancel.Cancel)
	defer timer.Stop()
	s := &staticRules{values: topdown.NewVirtualCache()}
	a := staticAnalysis{compiler: compiler, memo: map[*ast.Rule]bool{}}
	seen := map[string]bool{}
	for _, m := range compiler.Modules {
		for _, rule := range m.Rules {
			path := rule.Ref()
			key := path.String()
			if seen[key] || !path.IsGround() || len(rule.Head.Args) > 0 || rule.Head.RuleKind() != ast.SingleValue {
				continue
			}
			seen[key] = true
			if !a.pathStatic(path) || cancel.Cancelled() {
				continue
			}
			value, ok := evalRef(ctx, compiler, store, txn, cancel, path)
			if !ok {
				continue
			}
			s.values.Put(path, value) // nil marks the rule undefined
			s.count++
		}
	}
	return s, nil
}

// evalRef evaluates one document; ok is false when evaluation failed.
func evalRef(ctx context.Context, compiler *ast.Compiler, store storage.Store, txn storage.Transaction, cancel topdown.Cancel, ref ast.Ref) (*ast.Term, bool) {
	x := ast.VarTerm("x")
	query, err := compiler.QueryCompiler().Compile(ast.NewBody(ast.Equality.Expr(x, ast.NewTerm(ref))))
	if err != nil {
		return nil, false
	}
	rs, err := topdown.NewQuery(query).WithCompiler(compiler).WithStore(store).WithTransaction(txn).WithCancel(cancel).Run(ctx)
	if err != nil || len(rs) > 1 {
		return nil, false
	}
	if len(rs) == 0 {
		return nil, true
	}
	return rs[0][x.Value.(ast.Var)], true
}

// staticAnalysis decides which rules are static, memoising per rule.
type staticAnalysis struct {
	compiler *ast.Compiler
	memo     map[*ast.Rule]bool
}

// pathStatic reports whether every rule defining path is static.
func (a *staticAnalysis) pathStatic(path ast.Ref) bool {
	rules := a.compiler.GetRulesExact(path)
	if len(rules) == 0 {
		return false
	}
	for _, r := range rules {
		if !a.ruleStatic(r) {
			return false
		}
	}
	return true
}

func (a *staticAnalysis) ruleStatic(rule *ast.Rule) bool {
	if v, ok := a.memo[rule]; ok {
		return v
	}
	a.memo[rule] = false // recursion is a compile error; this only guards the walk
	static := true
	for r := rule; r != nil && static; r = r.Else {
		static = selfStatic(r)
		for dep := range a.compiler.Graph.Dependencies(r) {
			if d, ok := dep.(*ast.Rule); !ok || !a.ruleStatic(d) {
				static = false
				break
			}
		}
	}
	a.memo[rule] = static
	return static
}

// selfStatic reports whether rule, on its own, reads no input, calls no
// non-deterministic built-in and has no `with`.
func selfStatic(rule *ast.Rule) bool {
	static := true
	ast.WalkRefs(rule, func(r ast.Ref) bool {
		if r.HasPrefix(ast.InputRootRef) {
			static = false
		}
		return !static
	})
	ast.WalkExprs(rule, func(e *ast.Expr) bool {
		if len(e.With) > 0 {
			static = false
		}
		if e.IsCall() {
			name := e.Operator().String()
			if b, ok := ast.BuiltinMap[name]; ok && b.Nondeterministic {
				static = false
			}
		}
		return !static
	})
	return static
}

// layeredCache is the virtual-document cache of one evaluation: the static
// rules under it, answered while no `with` is in force, and a fresh cache
// for everything else.
type layeredCache struct {
	static *staticRules
	topdown.VirtualCache
	depth int
}

func (s *staticRules) cache() topdown.VirtualCache {
	return &layeredCache{static: s, VirtualCache: topdown.NewVirtualCache()}
}

func (c *layeredCache) Push() { c.depth++; c.VirtualCache.Push() }
func (c *layeredCache) Pop()  { c.depth--; c.VirtualCache.Pop() }

func (c *layeredCache) Get(ref ast.Ref) (*ast.Term, bool) {
	if c.depth == 0 && c.static.count > 0 {
		if v, undefined := c.static.values.Get(ref); v != nil || undefined {
			return v, undefined
		}
	}
	return c.VirtualCache.Get(ref)
}
