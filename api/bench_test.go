package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// BenchmarkHandler measures the whole in-process path of one request:
// decode, validate, read the interaction, decide with the bundled policies,
// forward to the embedded service and encode the answer (no network).
func BenchmarkHandler(b *testing.B) {
	engine, err := guard.New(context.Background(), guard.Config{Bundled: policies.FS, Options: map[string]any{
		"service-client-api.user-data.write-allowed": "DispositionCode,Notes,CustomerSegment",
		"interaction.disposition.is-mandatory":       true,
	}})
	if err != nil {
		b.Fatal(err)
	}
	s := api.New(api.Config{Service: service.NewMemory(service.DemoSeed()), Decider: engine})
	unversioned := api.New(api.Config{Service: noRevisions{service.NewMemory(service.DemoSeed())}, Decider: engine})
	cases := []struct {
		server                   *api.Server
		name, method, path, body string
		status                   int
	}{
		{s, "setUserData-allowed", http.MethodPatch, "/v1/interactions/1/user-data", `{"Notes":"called back"}`, http.StatusOK},
		// A service that reports no revisions: the answer of every write
		// is read-decided again (a second evaluation).
		{unversioned, "setUserData-allowed-unversioned", http.MethodPatch, "/v1/interactions/1/user-data", `{"Notes":"called back"}`, http.StatusOK},
		{s, "setUserData-refused", http.MethodPatch, "/v1/interactions/1/user-data", `{"SSN":"078-05-1120"}`, http.StatusForbidden},
		{s, "getByInteractionId", http.MethodGet, "/v1/interactions/1", "", http.StatusOK},
		{s, "markdone-blocked", http.MethodPost, "/v1/interactions/1/markdone", "", http.StatusConflict},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
				if tc.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				rec := httptest.NewRecorder()
				tc.server.ServeHTTP(rec, req)
				if rec.Code != tc.status {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// noRevisions is a service that reports no revisions of its interactions.
type noRevisions struct{ *service.Memory }

func (n noRevisions) Interaction(ctx context.Context, id string) (*wwe.Interaction, error) {
	it, err := n.Memory.Interaction(ctx, id)
	if it != nil {
		it.Boot = ""
	}
	return it, err
}

func (n noRevisions) InteractionForWrite(ctx context.Context, id string) (*wwe.Interaction, error) {
	return n.Interaction(ctx, id)
}

func (n noRevisions) Do(ctx context.Context, cmd wwe.Command) (*wwe.Interaction, error) {
	it, err := n.Memory.Do(ctx, cmd)
	if it != nil {
		it.Boot = ""
	}
	return it, err
}
