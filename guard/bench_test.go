package guard_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// benchOptions are the demo's options: some keys refused, a disposition
// required.
var benchOptions = map[string]any{
	"service-client-api.user-data.write-allowed": "DispositionCode,Notes,CustomerSegment",
	"interaction.disposition.is-mandatory":       true,
}

// BenchmarkDecideBundled measures one decision of the bundled policies per
// operation, with the decision log off and on (to io.Discard).
func BenchmarkDecideBundled(b *testing.B) {
	it := &wwe.Interaction{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, IsMainCaseInteraction: true,
		UserData: wwe.UserData{"CustomerSegment": "gold", "AccountNumber": "12-3456"}}
	set := func(kv wwe.UserData) guard.Input {
		return guard.Input{Operation: wwe.OpSetUserData, InteractionID: "1", KeyValues: kv,
			Writes: guard.WritesFor(wwe.OpSetUserData, kv, ""), Interaction: it, Caller: guard.Caller{Origin: "https://crm"}}
	}
	inputs := []struct {
		name string
		in   guard.Input
	}{
		{"setUserData-allowed", set(wwe.UserData{"Notes": "called back"})},
		{"setUserData-refused", set(wwe.UserData{"SSN": "078-05-1120"})},
		{"deleteUserData", guard.Input{Operation: wwe.OpDeleteUserData, InteractionID: "1", Key: "Notes",
			Writes: guard.WritesFor(wwe.OpDeleteUserData, nil, "Notes"), Interaction: it}},
		{"getByInteractionId", guard.Input{Operation: wwe.OpGetByInteractionID, InteractionID: "1", Interaction: it}},
		{"markdone-blocked", guard.Input{Operation: wwe.OpMarkDone, InteractionID: "1", Interaction: it}},
	}
	for _, logged := range []bool{false, true} {
		cfg := guard.Config{Bundled: policies.FS, Options: benchOptions}
		name := "log=off"
		if logged {
			cfg.DecisionLog, name = io.Discard, "log=on"
		}
		e, err := guard.New(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		for _, tt := range inputs {
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

// BenchmarkDecidePolicySize shows how a decision's cost grows with the policy
// set: the bundled rules alone, then with N custom rules each refusing one
// key, written the way compliance teams write them.
func BenchmarkDecidePolicySize(b *testing.B) {
	in := guard.Input{Operation: wwe.OpSetUserData, InteractionID: "1", KeyValues: wwe.UserData{"Notes": "x"},
		Interaction: &wwe.Interaction{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, UserData: wwe.UserData{}}}
	in.Writes = guard.WritesFor(in.Operation, in.KeyValues, "")
	for _, n := range []int{0, 100, 1000} {
		dir := b.TempDir()
		var src strings.Builder
		src.WriteString("package wwe.userdata\n\n")
		for i := range n {
			fmt.Fprintf(&src, "deny contains {\"key\": w.key, \"code\": \"K%d\", \"message\": \"no\"} if {\n\tsome w in input.writes\n\tw.key == \"Forbidden%d\"\n}\n\n", i, i)
		}
		if err := os.WriteFile(filepath.Join(dir, "custom.rego"), []byte(src.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		e, err := guard.New(context.Background(), guard.Config{Bundled: policies.FS, Paths: []string{dir}, Options: benchOptions})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("custom-rules=%d", n), func(b *testing.B) {
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
