package guard

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/wwe-guard/wwe-guard/internal/policy"
)

// Config says where the policies come from and how decisions are enforced.
type Config struct {
	Bundled fs.FS          // policies built into the binary; nil for none
	Schemas fs.FS          // JSON Schemas for the type checker (policies.Schemas); nil for none
	Paths   []string       // extra directories or files of .rego and data files
	Bundles []Bundle       // OPA bundles (policies.bundles), read and verified at each (re)load
	Options map[string]any // data.wwe.options; checked and converted against the options schema when Schemas has one (CheckOptions)
	// Workspace is data.wwe.workspace: the Workspace API v3 door's settings
	// the policies read (serviceClientOptions: apply or ignore); nil when
	// the guard is not in front of GWS.
	Workspace    map[string]any
	Enforcement  policy.Enforcement  // "" means Enforce
	UserDataMode policy.UserDataMode // "" means RejectMode
	Timeout      time.Duration       // per evaluation; 0 means 200ms
	DecisionLog  io.Writer           // JSON lines; nil disables the decision log
	LogValues    LogValues           // user-data values in the decision log: MaskValues ("" too) or KeepValues
	Labels       map[string]string   // extra decision log labels
	ConsoleLog   bool                // the decision log is stdout: entries carry OPA's console "type"
	Logger       *slog.Logger
}

// LogValues says what the decision log writes of user-data values
// (decisionLog.values).
type LogValues string

// What the decision log writes of user-data values.
const (
	MaskValues LogValues = "mask" // "***", leaf by leaf, keys kept
	KeepValues LogValues = "keep" // the values: replayable, holds customer data
)

// CompileError lists every problem found loading or compiling policies.
type CompileError struct {
	Problems []string
}

func (e *CompileError) Error() string { return strings.Join(e.Problems, "\n") }

// Check loads and compiles the configured policies without serving them.
func Check(ctx context.Context, cfg Config) error {
	_, err := prepare(ctx, cfg)
	return err
}

// ExportData compiles the configured policies, as Check does, and returns
// the part of the data document that comes from the config rather than
// from files: data.wwe.options (checked and converted), data.wwe.workspace
// when set, and data.wwe.rollout.labelled when rules are observed by
// label. With it, `opa eval -d policies -d <policy paths> -d data.json`
// reads what the guard's policies read.
func ExportData(ctx context.Context, cfg Config) (map[string]any, error) {
	st, err := prepare(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return st.exported, nil
}

// prepare loads, compiles and prepares one policy set. A panic while doing
// so (a module no check foresaw) is a problem of the set, never a crash of
// the guard: a reload keeps the last good set.
func prepare(ctx context.Context, cfg Config) (st *state, err error) {
	defer func() {
		if r := recover(); r != nil {
			st, err = nil, &CompileError{Problems: []string{fmt.Sprintf("policies could not be loaded: %v", r)}}
		}
	}()
	sch, err := loadSchemas(cfg.Schemas)
	if err != nil {
		return nil, &CompileError{Problems: []string{err.Error()}}
	}
	modules, bundled, docs, revisions, err := load(cfg, sch)
	if err != nil {
		return nil, err
	}
	// The rule scan reads the parsed modules (compiling rewrites rule
	// heads), renames the rules in observe-only mode before the compiler
	// sees them, and its problems say more than the compile errors they cause.
	rules := catalogRules(modules, bundled)
	compiler := newCompiler(sch)
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, &CompileError{Problems: append(rules.problems, compileError(compiler.Errors).Problems...)}
	}
	problems := append(rules.problems, sch.unknownOptions(compiler.Modules)...)
	if !definesEntryPoint(compiler, docs) {
		problems = append(problems, fmt.Sprintf("no rule defines %s, the entry point: enable policies.bundled or define it in a policy path", Query))
	}
	options, err := sch.checkOptions(cfg.Options)
	if err != nil {
		problems = append(problems, err.(*OptionsError).Problems...)
	}
	dataCodes, rolloutProblems := rollout(docs, rules.shipped)
	problems = append(problems, rolloutProblems...)
	if len(problems) > 0 {
		return nil, &CompileError{Problems: problems}
	}
	data, err := dataDocument(docs, options, cfg.Workspace)
	if err != nil {
		return nil, &CompileError{Problems: []string{err.Error()}}
	}
	wweDoc, _ := data["wwe"].(map[string]any)
	exported := map[string]any{"options": wweDoc["options"]}
	if cfg.Workspace != nil {
		exported["workspace"] = cfg.Workspace
	}
	if rules.observed {
		withObservedRules(data)
		exported["rollout"] = map[string]any{"labelled": true}
	}
	rules.labels.dataCodes = dataCodes
	// Data kept as OPA values: evaluations read it without converting it each time.
	store := inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true))
	query, err := rego.New(rego.Query(Query), rego.Compiler(compiler), rego.Store(store), rego.EnablePrintStatements(true)).PrepareForEval(ctx)
	if err != nil {
		return nil, &CompileError{Problems: []string{fmt.Sprintf("prepare %s: %v", Query, err)}}
	}
	static, err := findStaticRules(ctx, compiler, store, cmp.Or(cfg.Timeout, defaultTimeout))
	if err != nil {
		return nil, &CompileError{Problems: []string{err.Error()}}
	}
	rev, err := revisionOf(modules, data, string(cfg.Enforcement), string(cfg.UserDataMode))
	var bundlesJSON []byte
	if len(revisions) > 0 {
		entries := map[string]map[string]string{}
		for name, r := range revisions {
			entries[name] = map[string]string{"revision": r}
		}
		bundlesJSON, _ = json.Marshal(entries)
	}
	if err != nil {
		return nil, &CompileError{Problems: []string{err.Error()}}
	}
	st = &state{query: query, modules: len(modules), static: static, compiler: compiler, labels: rules.labels, revision: rev,
		exported: map[string]any{"wwe": exported}, enforcement: cfg.Enforcement, mode: cfg.UserDataMode, bundles: revisions, bundlesJSON: bundlesJSON, timeout: cmp.Or(cfg.Timeout, defaultTimeout)}
	st.origins, err = admittedOrigins(ctx, compiler, store)
	if err != nil {
		return nil, &CompileError{Problems: []string{err.Error()}}
	}
	return st, nil
}

// newCompiler is a compiler that type-checks rules against the schemas their
// METADATA names (policies/wwe.rego names them for every package below
// data.wwe).
func newCompiler(sch schemas) *ast.Compiler {
	c := ast.NewCompiler().WithEnablePrintStatements(true).WithUseTypeCheckAnnotations(true)
	if sch.set != nil {
		c = c.WithSchemas(sch.set)
	}
	return c
}

// entryPoint is the ref of the one document the guard evaluates.
var entryPoint = ast.MustParseRef(Query)

// definesEntryPoint reports whether a rule or a data document defines the
// entry point; without one every decision would fail.
func definesEntryPoint(compiler *ast.Compiler, docs map[string]any) bool {
	if len(compiler.GetRulesExact(entryPoint)) > 0 {
		return true
	}
	var doc any = docs
	for _, part := range []string{"wwe", "guard", "decision"} {
		obj, ok := doc.(map[string]any)
		if !ok {
			return false
		}
		if doc, ok = obj[part]; !ok {
			return false
		}
	}
	return true
}

// admittedOrigins evaluates data.wwe.access.admitted_origins once.
func admittedOrigins(ctx context.Context, compiler *ast.Compiler, store storage.Store) (policy.Origins, error) {
	rs, err := rego.New(rego.Query("data.wwe.access.admitted_origins"), rego.Compiler(compiler), rego.Store(store)).Eval(ctx)
	if err != nil {
		return policy.Origins{}, fmt.Errorf("evaluate data.wwe.access.admitted_origins: %w", err)
	}
	if len(rs) != 1 {
		return policy.Origins{}, nil // undefined: no browser origin is admitted
	}
	obj, _ := rs[0].Expressions[0].Value.(map[string]any)
	var o policy.Origins
	o.Any, _ = obj["any"].(bool)
	list, _ := obj["origins"].([]any)
	for _, x := range list {
		if s, ok := x.(string); ok {
			o.List = append(o.List, s)
		}
	}
	sort.Strings(o.List)
	return o, nil
}

func compileError(errs ast.Errors) *CompileError {
	ce := &CompileError{}
	for _, e := range errs {
		ce.Problems = append(ce.Problems, e.Error())
	}
	return ce
}

// problemLines splits a loader or parser error into one line per problem.
func problemLines(err error) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasSuffix(line, "errors occurred:") || strings.HasSuffix(line, "error occurred during loading:") {
			continue
		}
		out = append(out, line)
	}
	return out
}
