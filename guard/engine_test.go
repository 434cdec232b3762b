package guard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/syncbuf"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// fixture is a minimal entry point whose decision the test controls
// through data.wwe.options.fixture.
const fixture = `package wwe.guard

decision := data.wwe.options.fixture
`

func mustEngine(tb testing.TB, cfg Config, files map[string]string) *Engine {
	tb.Helper()
	dir := tb.TempDir()
	for name, src := range files {
		mustWriteFile(tb, dir, name, src)
	}
	cfg.Paths = append(cfg.Paths, dir)
	e, err := New(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return e
}

func mustWriteFile(tb testing.TB, dir, name, src string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func decisionDoc(allow bool, denied, warnings []string) map[string]any {
	return map[string]any{
		"allow": allow, "deniedKeys": denied, "reasons": []any{},
		"warningMessages": warnings, "readDeny": []string{},
	}
}

func TestDecideVerdicts(t *testing.T) {
	t.Parallel()
	set := policy.Input{Operation: wwe.OpSetUserData, KeyValues: wwe.UserData{"SSN": "1"}}
	set.Writes = policy.WritesFor(set.Operation, set.KeyValues, "")
	withReasons := func(doc map[string]any, reasons ...map[string]any) map[string]any {
		doc["reasons"] = reasons
		return doc
	}
	tests := []struct {
		name   string
		cfg    Config
		doc    any
		in     policy.Input
		action policy.Action
		code   wwe.Code
	}{
		{"allow", Config{}, decisionDoc(true, []string{}, []string{}), set, policy.Forward, ""},
		{"denied keys refuse", Config{}, decisionDoc(false, []string{"SSN"}, []string{}), set, policy.Refuse, wwe.CodeUserDataWriteNotAllowed},
		{"strip mode cuts", Config{UserDataMode: policy.StripMode}, decisionDoc(false, []string{"SSN"}, []string{}), set, policy.Strip, wwe.CodeUserDataWriteNotAllowed},
		{"strip never cuts a key the write lacks", Config{UserDataMode: policy.StripMode}, decisionDoc(false, []string{"ssn"}, []string{}), set, policy.Refuse, wwe.CodeUserDataWriteNotAllowed},
		{"strip never cuts a reason without a key", Config{UserDataMode: policy.StripMode},
			withReasons(decisionDoc(false, []string{"SSN"}, []string{}), map[string]any{"key": "SSN", "code": "A", "message": "m"}, map[string]any{"code": "B", "message": "m"}),
			set, policy.Refuse, wwe.CodeUserDataWriteNotAllowed},
		{"strip cuts keys its reasons name", Config{UserDataMode: policy.StripMode},
			withReasons(decisionDoc(false, []string{"SSN"}, []string{}), map[string]any{"key": "SSN", "code": "A", "message": "m"}),
			set, policy.Strip, wwe.CodeUserDataWriteNotAllowed},
		{"strip never cuts a delete", Config{UserDataMode: policy.StripMode}, decisionDoc(false, []string{"SSN"}, []string{}), policy.Input{Operation: wwe.OpDeleteUserData, Key: "SSN"}, policy.Refuse, wwe.CodeUserDataWriteNotAllowed},
		{"dry-run forwards", Config{Enforcement: policy.DryRun}, decisionDoc(false, []string{"SSN"}, []string{}), set, policy.Forward, wwe.CodeUserDataWriteNotAllowed},
		{"markdone blocked", Config{}, decisionDoc(false, []string{}, []string{"w1", "w2"}), policy.Input{Operation: wwe.OpMarkDone}, policy.Refuse, wwe.CodeMarkdoneBlocked},
		{"access denied", Config{}, decisionDoc(false, []string{}, []string{}), set, policy.Refuse, wwe.CodeRequestNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.cfg.Options = map[string]any{"fixture": tt.doc}
			e := mustEngine(t, tt.cfg, map[string]string{"d.rego": fixture})
			d, err := e.Decide(context.Background(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if d.ID == "" || d.Verdict.Action != tt.action {
				t.Fatalf("decision %+v, want action %s", d, tt.action)
			}
			var code wwe.Code
			if d.Verdict.Err != nil {
				code = d.Verdict.Err.Code
			}
			if code != tt.code {
				t.Errorf("code = %q, want %q", code, tt.code)
			}
		})
	}
}

func TestDecideFailsClosed(t *testing.T) {
	t.Parallel()
	good := decisionDoc(true, []string{}, []string{})
	with := func(field string, v any) map[string]any {
		doc := decisionDoc(true, []string{}, []string{})
		if v == nil {
			delete(doc, field)
		} else {
			doc[field] = v
		}
		return doc
	}
	tests := []struct {
		name  string
		rego  string
		doc   any
		limit time.Duration
	}{
		{name: "missing allow", rego: fixture, doc: with("allow", nil)},
		{name: "allow as string", rego: fixture, doc: with("allow", "true")},
		{name: "deniedKeys not an array", rego: fixture, doc: with("deniedKeys", "SSN")},
		{name: "readDeny of numbers", rego: fixture, doc: with("readDeny", []any{1})},
		{name: "reason without message", rego: fixture, doc: with("reasons", []any{map[string]any{"code": "X"}})},
		{name: "reason key not a string", rego: fixture, doc: with("reasons", []any{map[string]any{"code": "X", "message": "m", "key": 1}})},
		{name: "allow with denied keys", rego: fixture, doc: with("deniedKeys", []any{"SSN"})},
		{name: "not an object", rego: fixture, doc: "allow"},
		{name: "undefined", rego: "package wwe.guard\n\ndecision := 1 if false\n", doc: good},
		{name: "conflict", rego: "package wwe.guard\n\nv := 1 if true\n\nv := 2 if true\n\ndecision := data.wwe.options.fixture if v > 0\n", doc: good},
		{name: "timeout", rego: "package wwe.guard\n\nslow contains x if { some x in numbers.range(1, 200000000) }\n\ndecision := data.wwe.options.fixture if count(slow) > 0\n", doc: good, limit: 5 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEngine(t, Config{Options: map[string]any{"fixture": tt.doc}, Timeout: tt.limit}, map[string]string{"d.rego": tt.rego})
			d, err := e.Decide(context.Background(), policy.Input{Operation: wwe.OpSetUserData})
			if !errors.Is(err, ErrPolicy) {
				t.Fatalf("err = %v (decision %+v), want ErrPolicy", err, d)
			}
			var de *DecisionError
			if !errors.As(err, &de) || de.ID == "" {
				t.Errorf("error carries no decision id: %v", err)
			}
		})
	}
}

func TestCompileErrorsListEveryProblem(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, src := range map[string]string{
		"a.rego": "package wwe.userdata\n\ndeny contains x if { x := undefined_var }\n",
		"b.rego": "package wwe.markdone\n\nblock contains y if { y := other_undefined }\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err := Check(context.Background(), Config{Paths: []string{dir}})
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *CompileError", err)
	}
	text := ce.Error()
	for _, want := range []string{"a.rego:3", "b.rego:3"} {
		if !strings.Contains(text, want) {
			t.Errorf("compile error does not name %s:\n%s", want, text)
		}
	}
}

func TestReloadKeepsTheLastGoodSet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "d.rego")
	write := func(src string) {
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(fixture)
	opts := map[string]any{"fixture": decisionDoc(true, []string{}, []string{})}
	e, err := New(context.Background(), Config{Paths: []string{dir}, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	write("package wwe.guard\n\ndecision := {")
	if err := e.Reload(context.Background()); err == nil {
		t.Fatal("reload of a broken policy succeeded")
	}
	if d, err := e.Decide(context.Background(), policy.Input{Operation: wwe.OpGetInteractions}); err != nil || !d.Allow {
		t.Fatalf("after a failed reload: %+v %v", d, err)
	}
	write("package wwe.guard\n\ndecision := {\"allow\": false, \"deniedKeys\": [], \"reasons\": [], \"warningMessages\": [], \"readDeny\": []}\n")
	if err := e.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d, err := e.Decide(context.Background(), policy.Input{Operation: wwe.OpGetInteractions}); err != nil || d.Allow {
		t.Fatalf("after a good reload: %+v %v", d, err)
	}
}

func TestDecisionLogMasksValues(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	opts := map[string]any{"fixture": decisionDoc(false, []string{"SSN"}, []string{})}
	e := mustEngine(t, Config{Options: opts, DecisionLog: &buf, Labels: map[string]string{"id": "i1"}}, map[string]string{"d.rego": fixture})
	in := policy.Input{
		Operation: wwe.OpSetUserData, InteractionID: "1",
		KeyValues:   wwe.UserData{"SSN": "078-05-1120", "Card": wwe.UserData{"Number": "4111111111111111"}},
		Interaction: &wwe.Interaction{InteractionID: "1", UserData: wwe.UserData{"Old": "secret-old-value"}},
		Caller:      policy.Caller{Origin: "https://crm"},
	}
	in.Writes = policy.WritesFor(in.Operation, in.KeyValues, "")
	d, err := e.Decide(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	line := buf.String()
	for _, secret := range []string{"078-05-1120", "4111111111111111", "secret-old-value"} {
		if strings.Contains(line, secret) {
			t.Errorf("decision log leaks %q: %s", secret, line)
		}
	}
	var entry struct {
		DecisionID string            `json:"decision_id"`
		Path       string            `json:"path"`
		Labels     map[string]string `json:"labels"`
		Input      struct {
			KeyValues map[string]any `json:"keyValues"`
			Caller    map[string]any `json:"caller"`
		} `json:"input"`
		Result  map[string]any `json:"result"`
		Outcome map[string]any `json:"outcome"`
	}
	if err := json.Unmarshal(buf.Bytes(), &entry); err != nil {
		t.Fatalf("log line is not JSON: %v\n%s", err, line)
	}
	want := map[string]any{"SSN": "***", "Card": map[string]any{"Number": "***"}}
	if diff := cmp.Diff(want, entry.Input.KeyValues); diff != "" {
		t.Errorf("masked keyValues (-want +got):\n%s", diff)
	}
	if entry.DecisionID != d.ID || entry.Path != "wwe/guard/decision" || entry.Labels["app"] != "wwe-guard" || entry.Labels["id"] != "i1" {
		t.Errorf("entry = %+v", entry)
	}
	if entry.Outcome["errorCode"] != "USER_DATA_WRITE_NOT_ALLOWED" || entry.Input.Caller["origin"] != "https://crm" {
		t.Errorf("outcome %v caller %v", entry.Outcome, entry.Input.Caller)
	}
}

func TestDecideConcurrently(t *testing.T) {
	t.Parallel()
	var buf syncbuf.Buffer
	e := mustEngine(t, Config{Options: map[string]any{"fixture": decisionDoc(true, []string{}, []string{})}, DecisionLog: &buf}, map[string]string{"d.rego": fixture})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if _, err := e.Decide(context.Background(), policy.Input{Operation: wwe.OpGetInteractions}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := e.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 400 {
		t.Errorf("decision log has %d lines, want 400", n)
	}
	if s := e.LogStats(); s.Written != 400 || s.Failed != 0 || s.Pending != 0 {
		t.Errorf("log stats %+v, want 400 written", s)
	}
}

func BenchmarkDecide(b *testing.B) {
	e := mustEngine(b, Config{Options: map[string]any{"fixture": decisionDoc(true, []string{}, []string{})}}, map[string]string{"d.rego": fixture})
	in := policy.Input{Operation: wwe.OpSetUserData, KeyValues: wwe.UserData{"Notes": "x"}}
	in.Writes = policy.WritesFor(in.Operation, in.KeyValues, "")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Decide(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
