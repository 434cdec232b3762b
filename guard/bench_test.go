package guard_test

import (
	"context"
	"io"
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
