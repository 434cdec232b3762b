package guard

import (
	"context"
	"strings"
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/testkit"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// teamRule refuses the key named in the bundle's data.
const teamRule = `package team.keys

import rego.v1
`

const teamDeny = `package wwe.userdata

deny contains {"key": w.key, "code": "TEAM_KEY", "message": "refused by the team bundle"} if {
	some w in input.writes
	w.key in data.team.refused
}
`

func bundledConfig(bundles ...Bundle) Config {
	return Config{Bundled: policies.FS, Schemas: policies.Schemas, Bundles: bundles}
}

func decideWrite(t *testing.T, e *Engine, key string) policy.Decision {
	t.Helper()
	d, err := e.Decide(context.Background(), policy.Input{Operation: wwe.OpSetUserData, InteractionID: "1",
		Writes: []policy.Write{{Op: policy.WriteSet, Key: key, Value: "v"}}, KeyValues: wwe.UserData{key: "v"},
		Interaction: &wwe.Interaction{InteractionID: "1", State: wwe.StateTalking, UserData: wwe.UserData{}}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestBundlesLoadVerifiedAndConfined(t *testing.T) {
	t.Parallel()
	keys := testkit.NewBundleKeys(t)
	data := map[string]any{"team": map[string]any{"refused": []any{"TaxId"}}}
	// The team's deny rule lives under wwe/userdata: its bundle owns that
	// root and team/ for its data.
	signed := testkit.Bundle(t, "r1", []string{"team", "wwe/userdata/team"}, map[string]string{"team/keys.rego": teamRule}, data, &keys)
	e, err := New(context.Background(), bundledConfig(Bundle{Name: "team", Tarball: signed, PublicKey: keys.Public}))
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Bundles(); got["team"] != "r1" {
		t.Errorf("Bundles() = %v", got)
	}

	withRule := testkit.Bundle(t, "r2", []string{"team", "wwe/userdata"}, map[string]string{"team/deny.rego": teamDeny}, data, nil)
	e, err = New(context.Background(), bundledConfig(Bundle{Name: "team", Tarball: withRule}))
	if err != nil {
		t.Fatal(err)
	}
	if d := decideWrite(t, e, "TaxId"); d.Allow {
		t.Errorf("the bundle's rule did not refuse TaxId: %+v", d)
	}
	if d := decideWrite(t, e, "Notes"); !d.Allow {
		t.Errorf("Notes refused: %+v", d)
	}

	other := testkit.NewBundleKeys(t)
	tests := []struct {
		name string
		b    Bundle
		want string
	}{
		{"unsigned where a key is set", Bundle{Name: "team", Tarball: testkit.Bundle(t, "r", []string{"team"}, nil, data, nil), PublicKey: keys.Public}, "bundle team:"},
		{"signed by another key", Bundle{Name: "team", Tarball: testkit.Bundle(t, "r", []string{"team"}, nil, data, &other), PublicKey: keys.Public}, "bundle team:"},
		{"tampered after signing", Bundle{Name: "team", Tarball: testkit.TamperBundle(t, signed, `"TaxId"`, `"Notes"`), PublicKey: keys.Public}, "bundle team:"},
		{"owns the entry point", Bundle{Name: "evil", Tarball: testkit.Bundle(t, "r", []string{"wwe"}, nil, nil, nil)}, `root "wwe" overlaps wwe/guard`},
		{"no roots (all of data)", Bundle{Name: "evil", Tarball: testkit.Bundle(t, "r", []string{""}, nil, nil, nil)}, `root "" overlaps wwe/guard`},
		{"a package outside its roots", Bundle{Name: "evil", Tarball: testkit.Bundle(t, "r", []string{"team"}, map[string]string{"x.rego": "package wwe.guard\n\nx := 1\n"}, nil, nil)}, "do not permit 'package wwe.guard'"},
		{"data outside its roots", Bundle{Name: "evil", Tarball: testkit.Bundle(t, "r", []string{"team"}, nil, map[string]any{"wwe": map[string]any{"options": map[string]any{}}}, nil)}, "do not permit data at path '/wwe'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(context.Background(), bundledConfig(tt.b))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v, want a problem with %q", err, tt.want)
			}
		})
	}
	t.Run("two bundles on one root", func(t *testing.T) {
		t.Parallel()
		a := testkit.Bundle(t, "a", []string{"team"}, nil, nil, nil)
		b := testkit.Bundle(t, "b", []string{"team/sub"}, nil, nil, nil)
		_, err := New(context.Background(), bundledConfig(Bundle{Name: "a", Tarball: a}, Bundle{Name: "b", Tarball: b}))
		if err == nil || !strings.Contains(err.Error(), `bundle b: root "team/sub" overlaps root "team" of bundle a`) {
			t.Errorf("New = %v", err)
		}
	})
}

// TestBundleFileOverTheLimitIsRefused: a bundle whose file expands past
// the per-file limit is refused before it is held whole — a small
// .tar.gz can hold a file of gigabytes (a gzip bomb).
func TestBundleFileOverTheLimitIsRefused(t *testing.T) {
	t.Parallel()
	big := map[string]any{"team": map[string]any{"blob": strings.Repeat("x", 4<<10)}}
	tarball := testkit.Bundle(t, "r", []string{"team"}, nil, big, nil)
	_, err := New(context.Background(), bundledConfig(Bundle{Name: "team", Tarball: tarball, MaxFileBytes: 1 << 10}))
	if err == nil || !strings.Contains(err.Error(), "bundle team:") {
		t.Errorf("New = %v, want the bundle refused for its size", err)
	}
	if _, err := New(context.Background(), bundledConfig(Bundle{Name: "team", Tarball: tarball, MaxFileBytes: 64 << 10})); err != nil {
		t.Errorf("under the limit: %v", err)
	}
}
