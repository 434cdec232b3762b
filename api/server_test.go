package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/sim"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

func serve(t testing.TB, s *Server, method, path, body string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec, out
}

// TestFailClosed: whatever keeps the guard from deciding refuses the call
// and forwards nothing.
func TestFailClosed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		decider Decider
		status  int
		code    wwe.Code
	}{
		{"no policies yet", nil, http.StatusServiceUnavailable, wwe.CodeNotReady},
		{"evaluation error", deciderFunc(func(policy.Input) (policy.Decision, error) {
			return policy.Decision{}, errBroken
		}), http.StatusInternalServerError, wwe.CodePolicyError},
		{"refusal without an error", deciderFunc(func(policy.Input) (policy.Decision, error) {
			return policy.Decision{Verdict: policy.Verdict{Action: policy.Refuse}}, nil
		}), http.StatusInternalServerError, wwe.CodePolicyError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := newFakeService()
			s := New(Config{Service: svc, Decider: tt.decider})
			rec, body := serve(t, s, http.MethodPatch, "/v1/interactions/1/user-data", `{"Notes":"x"}`)
			if rec.Code != tt.status || body["errorCode"] != string(tt.code) {
				t.Errorf("got %d %v, want %d %s", rec.Code, body["errorCode"], tt.status, tt.code)
			}
			if w := svc.written(); len(w) != 0 {
				t.Errorf("forwarded %v", w)
			}
		})
	}
}

// TestForwardsTheValidatedValue: what reaches the service is the value the
// guard evaluated, and the policy saw every write.
func TestForwardsTheValidatedValue(t *testing.T) {
	t.Parallel()
	svc := newFakeService()
	var seen policy.Input
	s := New(Config{Service: svc, Decider: deciderFunc(func(in policy.Input) (policy.Decision, error) {
		seen = in
		return policy.Decision{ID: "d1", Allow: true, Verdict: policy.Verdict{Action: policy.Forward, Enforced: true}}, nil
	})})
	rec, _ := serve(t, s, http.MethodPost, "/v1/interactions/1/consult", `{"target":"+1555","userData":{"b":{"c":7},"a":"x"}}`)
	if rec.Code != http.StatusOK || rec.Header().Get(headerDecisionID) != "d1" {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	if len(seen.Writes) != 2 || seen.Writes[0].Key != "a" || seen.Writes[1].Key != "b" {
		t.Errorf("writes = %+v", seen.Writes)
	}
	w := svc.written()
	if len(w) != 1 || w[0].Target != "+1555" || w[0].KeyValues["b"].(wwe.UserData)["c"] != int64(7) {
		t.Errorf("forwarded %+v", w)
	}
}

// FuzzSCAPIEnvelope posts arbitrary envelopes: the door never panics, always
// answers JSON in the error shape or the reply envelope, and forwards nothing
// it did not accept.
func FuzzSCAPIEnvelope(f *testing.F) {
	for _, seed := range []string{
		`{"request":"interaction.setUserData","parameters":["1",{"a":"b"}],"referenceId":"7"}`,
		`{"request":"interaction.consult","parameters":["1","t",{"a":{"b":1}},{}],"referenceId":1}`,
		`{"request":"interaction.deleteUserData","parameters":["1","a"]}`,
		`{"request":"interaction.markdone","parameters":[1]}`,
		`{"request":"x","parameters":{}}`, `[]`, `{"request":"interaction.getInteractions","frameId":3}`,
		`{"request":"interaction.getInteractions","frameId":"f","userAgent":"WWE Client","protocolVersion":2,"referenceId":"1"}`,
		`{"referenceId":"r","request":"interaction.setUserData","protocolVersion":{}}`, `{"referenceId":9,"request":`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, env string) {
		svc := newFakeService()
		s := New(Config{Service: svc, Decider: sim.AllowAll{}})
		rec, body := serve(t, s, http.MethodPost, "/v1/scapi", env)
		if body == nil {
			t.Fatalf("answer is not a JSON object: %d %q", rec.Code, rec.Body)
		}
		switch ref := body["referenceId"].(type) {
		case nil, float64:
		case string:
			if ref == "" {
				t.Fatalf("reply echoes an empty referenceId: %s", rec.Body)
			}
		default:
			t.Fatalf("reply echoes a referenceId of type %T: %s", ref, rec.Body)
		}
		if rec.Code != http.StatusOK {
			if body["errorCode"] == nil || body["errorMessage"] == nil {
				t.Fatalf("failure without errorCode/errorMessage: %s", rec.Body)
			}
			if rec.Code == http.StatusBadRequest && len(svc.written()) != 0 {
				t.Fatalf("a rejected envelope was forwarded: %s", env)
			}
		}
	})
}
