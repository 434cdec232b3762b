package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// originDecider admits the origins in its list, for CORS and for every
// request, and records the origin of each input it decides.
type originDecider struct {
	admitted []string

	mu   sync.Mutex
	seen []string
}

var _ Decider = (*originDecider)(nil)

func (d *originDecider) Decide(_ context.Context, in policy.Input) (policy.Decision, error) {
	d.mu.Lock()
	d.seen = append(d.seen, in.Caller.Origin)
	d.mu.Unlock()
	if in.Caller.Origin != "" && !slices.Contains(d.admitted, in.Caller.Origin) {
		return policy.Decision{ID: "refused", Verdict: policy.Verdict{Action: policy.Refuse, Enforced: true,
			Err: wwe.Errorf(wwe.CodeRequestNotAllowed, "origin not admitted")}}, nil
	}
	return policy.Decision{ID: "allowed", Allow: true, Verdict: policy.Verdict{Action: policy.Forward, Enforced: true}}, nil
}

func (d *originDecider) AdmittedOrigins() policy.Origins { return policy.Origins{List: d.admitted} }

func (d *originDecider) origins() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.seen...)
}

// corsHeaders are the response headers CORS is about.
var corsAnswerHeaders = []string{
	"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
	"Access-Control-Max-Age", "Access-Control-Expose-Headers", "Vary",
}

// TestCORS: the guard answers a preflight itself for an origin the policies
// admit and refuses it for any other; on other requests it lets an admitted
// origin's browser read the answer, and leaves every request, whatever its
// origin, to the policy decision.
func TestCORS(t *testing.T) {
	t.Parallel()
	preflight := map[string]string{"Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "content-type"}
	with := func(h map[string]string, k, v string) map[string]string {
		out := map[string]string{k: v}
		for hk, hv := range h {
			out[hk] = hv
		}
		return out
	}
	tests := []struct {
		name        string
		noDecider   bool
		method      string
		path, body  string
		header      map[string]string
		status      int
		code        wwe.Code // errorCode of the answer, if any
		message     string
		cors        map[string]string // the CORS headers of the answer, absent ones left out
		decisionsBy []string          // the origins of the decisions made
	}{
		{"preflight of an admitted origin", false, http.MethodOptions, "/v1/interactions/1/user-data", "", with(preflight, "Origin", crmOrigin),
			http.StatusNoContent, "", "", preflightAnswer(crmOrigin), nil},
		{"preflight of the other admitted origin", false, http.MethodOptions, "/v1/scapi", "", with(preflight, "Origin", otherOrigin),
			http.StatusNoContent, "", "", preflightAnswer(otherOrigin), nil},
		{"preflight of an origin the policies do not admit", false, http.MethodOptions, "/v1/interactions/1/user-data", "", with(preflight, "Origin", evilOrigin),
			http.StatusForbidden, wwe.CodeRequestNotAllowed, `origin "https://evil.example" is not accepted`,
			map[string]string{"Vary": "Origin"}, nil},
		{"preflight before the policies are loaded", true, http.MethodOptions, "/v1/interactions/1/user-data", "", with(preflight, "Origin", crmOrigin),
			http.StatusForbidden, wwe.CodeRequestNotAllowed, `origin "https://crm.example" is not accepted`,
			map[string]string{"Vary": "Origin"}, nil},
		{"preflight without an Origin", false, http.MethodOptions, "/v1/interactions/1/user-data", "", preflight,
			http.StatusBadRequest, wwe.CodeInvalidRequest, "a preflight request needs an Origin", map[string]string{}, nil},
		{"request of an admitted origin", false, http.MethodGet, "/v1/interactions/1", "", map[string]string{"Origin": crmOrigin},
			http.StatusOK, "", "", map[string]string{
				"Access-Control-Allow-Origin":   crmOrigin,
				"Access-Control-Expose-Headers": "X-Decision-Id, X-Denied-Keys, Retry-After",
				"Vary":                          "Origin",
			}, []string{crmOrigin}},
		{"request of an origin the policies do not admit", false, http.MethodPatch, "/v1/interactions/1/user-data", `{"Notes":"x"}`, map[string]string{"Origin": evilOrigin},
			http.StatusForbidden, wwe.CodeRequestNotAllowed, "origin not admitted",
			map[string]string{"Vary": "Origin"}, []string{evilOrigin}},
		{"request without an Origin", false, http.MethodGet, "/v1/interactions/1", "", nil,
			http.StatusOK, "", "", map[string]string{}, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &originDecider{admitted: []string{crmOrigin, otherOrigin}}
			cfg := Config{Service: newFakeService()}
			if !tt.noDecider {
				cfg.Decider = d
			}
			s := New(cfg)
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)

			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.code != "" {
				var e wwe.Error
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code != tt.code || e.Message != tt.message {
					t.Errorf("answer = %s, want %s %q", rec.Body, tt.code, tt.message)
				}
			} else if tt.status == http.StatusNoContent && rec.Body.Len() != 0 {
				t.Errorf("a preflight answer has a body: %q", rec.Body)
			}
			got := map[string]string{}
			for _, h := range corsAnswerHeaders {
				if v := rec.Header().Values(h); len(v) > 0 {
					got[h] = strings.Join(v, ", ")
				}
			}
			if diff := cmp.Diff(tt.cors, got); diff != "" {
				t.Errorf("CORS headers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.decisionsBy, d.origins()); diff != "" {
				t.Errorf("decisions by origin (-want +got):\n%s", diff)
			}
		})
	}
}

// preflightAnswer is the CORS headers of an answered preflight of origin.
func preflightAnswer(origin string) map[string]string {
	return map[string]string{
		"Access-Control-Allow-Origin":   origin,
		"Access-Control-Allow-Methods":  "GET, POST, PUT, PATCH, DELETE",
		"Access-Control-Allow-Headers":  "Content-Type, Authorization",
		"Access-Control-Max-Age":        "600",
		"Access-Control-Expose-Headers": "X-Decision-Id, X-Denied-Keys, Retry-After",
		"Vary":                          "Origin",
	}
}
