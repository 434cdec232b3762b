package guard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// benchOptions are the demo's options: some keys refused, a disposition
// required.
var benchOptions = map[string]any{
	"service-client-api.user-data.write-allowed": "DispositionCode,Notes,CustomerSegment",
	"interaction.disposition.is-mandatory":       true,
}

// benchCase is one decision the benchmarks repeat.
type benchCase struct {
	name string
	in   policy.Input
}

// benchCases are one decision per kind of operation, on a main case voice
// interaction with user data, under benchOptions.
func benchCases() []benchCase {
	it := &wwe.Interaction{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, IsMainCaseInteraction: true,
		UserData: wwe.UserData{"CustomerSegment": "gold", "AccountNumber": "12-3456"}}
	set := func(kv wwe.UserData) policy.Input {
		return policy.Input{Operation: wwe.OpSetUserData, InteractionID: "1", KeyValues: kv,
			Writes: policy.WritesFor(wwe.OpSetUserData, kv, ""), Interaction: it, Caller: policy.Caller{Origin: "https://crm"}}
	}
	return []benchCase{
		{"setUserData-allowed", set(wwe.UserData{"Notes": "called back"})},
		{"setUserData-refused", set(wwe.UserData{"SSN": "078-05-1120"})},
		{"deleteUserData", policy.Input{Operation: wwe.OpDeleteUserData, InteractionID: "1", Key: "Notes",
			Writes: policy.WritesFor(wwe.OpDeleteUserData, nil, "Notes"), Interaction: it}},
		{"getByInteractionId", policy.Input{Operation: wwe.OpGetByInteractionID, InteractionID: "1", Interaction: it}},
		{"markdone-blocked", policy.Input{Operation: wwe.OpMarkDone, InteractionID: "1", Interaction: it}},
	}
}

// benchEngine is the bundled policies under benchOptions, logging decisions
// to io.Discard when logged; the log is closed when the benchmark ends.
func benchEngine(b *testing.B, logged bool) *guard.Engine {
	cfg := guard.Config{Bundled: policies.FS, Options: benchOptions}
	if logged {
		cfg.DecisionLog = io.Discard
	}
	e, err := guard.New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.Close(context.Background()) })
	return e
}

// BenchmarkDecideBundled measures one decision of the bundled policies per
// operation, with the decision log off and on (to io.Discard). With the log
// on, the time is the decision's own: encoding and writing the entry happen
// on the log's writer goroutine.
func BenchmarkDecideBundled(b *testing.B) {
	for _, logged := range []bool{false, true} {
		e := benchEngine(b, logged)
		name := "log=off"
		if logged {
			name = "log=on"
		}
		for _, tt := range benchCases() {
			b.Run(name+"/"+tt.name, func(b *testing.B) {
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := e.Decide(ctx, tt.in); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkDecideEveryAttribute is getByInteractionId of BenchmarkDecideBundled
// on an interaction that carries every documented attribute and a vendor
// one, against the same interaction without them: the cost of rendering
// them into the input (and, with the log on, masking them).
func BenchmarkDecideEveryAttribute(b *testing.B) {
	bare := &wwe.Interaction{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, IsMainCaseInteraction: true,
		UserData: wwe.UserData{"CustomerSegment": "gold", "AccountNumber": "12-3456"}}
	full := bare.Clone()
	full.InteractionUUID, full.CallUUID, full.CaseID, full.CallType = "00A7D3F1-0001", "CU-1", "case-1", wwe.CallTypeInbound
	full.Direction, full.PreviousState, full.RecordingState = wwe.DirectionIn, wwe.StateRinging, wwe.RecordingRecording
	full.ANI, full.DNIS, full.Version = "+15551234567", "8000", 7
	full.Parties = []wwe.Party{{Name: "Ann Lee"}, {Name: "Agent 7"}}
	full.IsConsultation, full.IsCaseSelected, full.IsCaseExpanded = wwe.Flag(false), wwe.Flag(true), wwe.Flag(true)
	full.Extra = map[string]json.RawMessage{"x-vendor": json.RawMessage(`{"a":1}`)}
	for _, logged := range []bool{false, true} {
		e := benchEngine(b, logged)
		for _, it := range []struct {
			name string
			it   *wwe.Interaction
		}{{"bare", bare}, {"every-attribute", full}} {
			b.Run(fmt.Sprintf("log=%v/%s", map[bool]string{false: "off", true: "on"}[logged], it.name), func(b *testing.B) {
				in := policy.Input{Operation: wwe.OpGetByInteractionID, InteractionID: "1", Interaction: it.it}
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := e.Decide(ctx, in); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// keyRuleForms are two ways a compliance team writes one rule per refused
// key: a deny rule per key (evaluated for every write, whatever the key), and
// an entry of the key_deny table (looked up by the written key).
var keyRuleForms = []struct {
	name string
	rule func(i int) string
}{
	{"deny-rule", func(i int) string {
		return fmt.Sprintf("deny contains {\"key\": w.key, \"code\": \"K%d\", \"message\": \"no\"} if {\n\tsome w in input.writes\n\tw.key == \"Forbidden%d\"\n}\n\n", i, i)
	}},
	{"key_deny", func(i int) string {
		return fmt.Sprintf("key_deny.Forbidden%d := {\"code\": \"K%d\", \"message\": \"no\"}\n\n", i, i)
	}},
}

// BenchmarkDecidePolicySize shows how a decision's cost grows with the policy
// set: the bundled rules alone, then with N custom rules each refusing one
// key, in each form of keyRuleForms.
func BenchmarkDecidePolicySize(b *testing.B) {
	in := policy.Input{Operation: wwe.OpSetUserData, InteractionID: "1", KeyValues: wwe.UserData{"Notes": "x"},
		Interaction: &wwe.Interaction{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, UserData: wwe.UserData{}}}
	in.Writes = policy.WritesFor(in.Operation, in.KeyValues, "")
	for _, form := range keyRuleForms {
		for _, n := range []int{0, 100, 1000} {
			e := customRulesEngine(b, form.rule, n)
			b.Run(fmt.Sprintf("%s/custom-rules=%d", form.name, n), func(b *testing.B) {
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := e.Decide(ctx, in); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// customRulesEngine is the bundled policies plus n rules in package
// wwe.userdata, rule(i) each.
func customRulesEngine(tb testing.TB, rule func(int) string, n int) *guard.Engine {
	tb.Helper()
	dir := tb.TempDir()
	var src strings.Builder
	src.WriteString("package wwe.userdata\n\n")
	for i := range n {
		src.WriteString(rule(i))
	}
	if err := os.WriteFile(filepath.Join(dir, "custom.rego"), []byte(src.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	e, err := guard.New(context.Background(), guard.Config{Bundled: policies.FS, Paths: []string{dir}, Options: benchOptions})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}
